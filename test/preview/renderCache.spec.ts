/**
 * The render cache's file format (preview/helm.ts): CRDs stored once by content and referenced from
 * each render's file, parsed once per process and shared frozen; a missing or damaged CRD file makes
 * the render a cache miss (never a crash), and writing the render again repairs it.
 */
import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readCachedRender, writeCachedRender, type KubeObject } from "../../preview/helm";

/** A CRD no other test renders (a unique group), so this process has not parsed it yet. */
function crd(tag: string): KubeObject {
    const group = `${tag}-${crypto.randomUUID()}.example.com`;
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `things.${group}` },
        spec: { group, names: { kind: "Thing", plural: "things" }, scope: "Namespaced", versions: [{ name: "v1", served: true, storage: true }] },
    };
}
const sha256 = (text: string): string => crypto.createHash("sha256").update(text).digest("hex");
const configMap: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n" }, data: { k: "v" } };

describe("preview/helm: the render cache keeps CRDs once by content", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-cache-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes a render's CRDs by reference, once each, and reads the render back with one shared, frozen copy", () => {
        const c = crd("shared");
        const first = writeCachedRender(dir, path.join(dir, "a.json"), [configMap, structuredClone(c)]);
        const second = writeCachedRender(dir, path.join(dir, "b.json"), [structuredClone(c)]);
        const hash = sha256(JSON.stringify(c));
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(dir, "a.json"), "utf8")), [configMap, { $crd: hash }]);
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "crds")), [`${hash}.json`]);
        assert.strictEqual(first[1], second[0], "one shared copy");
        assert.ok(Object.isFrozen(first[1]) && Object.isFrozen((first[1].spec as { versions: object[] }).versions[0]));
        const read = readCachedRender(dir, path.join(dir, "a.json"))!;
        assert.deepStrictEqual(read, [configMap, c]);
        assert.strictEqual(read[1], first[1]);
        assert.ok(!Object.isFrozen(read[0]), "a render's own objects are read fresh each time");
    });

    it("reads a CRD it has not parsed yet from its file, checked against its hash", () => {
        const c = crd("unread");
        const text = JSON.stringify(c);
        fs.mkdirSync(path.join(dir, "crds"));
        fs.writeFileSync(path.join(dir, "crds", `${sha256(text)}.json`), text);
        fs.writeFileSync(path.join(dir, "r.json"), JSON.stringify([{ $crd: sha256(text) }]));
        assert.deepStrictEqual(readCachedRender(dir, path.join(dir, "r.json")), [c]);
    });

    it("a missing, truncated or altered CRD file is a cache miss, and writing the render again repairs it", () => {
        for (const damage of [undefined, (t: string) => t.slice(0, 40), (t: string) => t.replace("Thing", "Thang")]) {
            const c = crd("damaged");
            const text = JSON.stringify(c);
            const hash = sha256(text);
            const file = path.join(dir, "crds", `${hash}.json`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            if (damage) {
                fs.writeFileSync(file, damage(text));
            }
            fs.writeFileSync(path.join(dir, "r.json"), JSON.stringify([{ $crd: hash }]));
            assert.strictEqual(readCachedRender(dir, path.join(dir, "r.json")), undefined);
            writeCachedRender(dir, path.join(dir, "r.json"), [c]);
            assert.strictEqual(fs.readFileSync(file, "utf8"), text);
            assert.deepStrictEqual(readCachedRender(dir, path.join(dir, "r.json")), [c]);
        }
    });

    it("no cache file, or an unreadable one, is a cache miss", () => {
        assert.strictEqual(readCachedRender(dir, path.join(dir, "none.json")), undefined);
        fs.writeFileSync(path.join(dir, "half.json"), '[{"apiVersion":');
        assert.strictEqual(readCachedRender(dir, path.join(dir, "half.json")), undefined);
    });
});
