/**
 * `npm run charts:mirror`: fills a folder from another folder mirror and from an HTTP chart
 * repository (served on loopback from the shared mirror with `helm repo index`), keeps what is
 * there, names what is missing, and never leaves a partial archive.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { chartArchiveName, chartTable } from "../../components/platform/charts";
import { main, mirrorCharts, parseMirrorArgs, pullArgs } from "../../scripts/charts-mirror";
import { testHelm, testMirror } from "../support/charts";

const sha = (f: string): string => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
const thirdParty = chartTable().filter((c) => !c.local);
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), "mirror-test-"));

describe("charts:mirror", function () {
    it("parses its arguments and refuses unknown ones with the usage", () => {
        assert.deepStrictEqual(parseMirrorArgs(["out", "--from", "oci://r/c", "--force"]), { dest: path.resolve("out"), from: "oci://r/c", force: true });
        assert.throws(() => parseMirrorArgs([]), /destination folder is required\nUsage:/);
        assert.throws(() => parseMirrorArgs(["a", "--bogus"]), /unknown argument "--bogus"/);
        assert.throws(() => parseMirrorArgs(["a", "b"]), /one destination folder only/);
        assert.throws(() => parseMirrorArgs(["a", "--from"]), /--from needs/);
    });

    it("pulls each chart from its public repository, an OCI prefix or one HTTP repository, at the pinned version", () => {
        assert.deepStrictEqual(pullArgs("certManager", "/d"), ["pull", "cert-manager", "--repo", "https://charts.jetstack.io", "--version", "v1.21.1", "--destination", "/d"]);
        assert.deepStrictEqual(pullArgs("envoyGateway", "/d"), ["pull", "oci://docker.io/envoyproxy/gateway-helm", "--version", "v1.8.1", "--destination", "/d"]);
        assert.deepStrictEqual(pullArgs("loki", "/d", "oci://registry.example.com/charts/"), ["pull", "oci://registry.example.com/charts/loki", "--version", "18.11.0", "--destination", "/d"]);
        assert.deepStrictEqual(pullArgs("loki", "/d", "https://charts.example.com"), ["pull", "loki", "--repo", "https://charts.example.com", "--version", "18.11.0", "--destination", "/d"]);
    });

    it("copies from a folder mirror, names the missing archive (exit 1) and keeps the rest", async () => {
        const dest = tmp();
        const err: string[] = [];
        const code = await main([dest, "--from", testMirror()], { out: (s) => err.push(s), err: (s) => err.push(s) });
        assert.strictEqual(code, 1, "the shared mirror lacks falco 9.2.0 (its README) and velero 12.1.0 (not in it at all)");
        const text = err.join("");
        assert.match(text, /falco-9\.2\.0\.tgz: FAILED, .*does not exist/);
        assert.match(text, /velero-12\.1\.0\.tgz: FAILED, .*does not exist/);
        assert.match(text, new RegExp(`${thirdParty.length - 2} of ${thirdParty.length} charts in .*; missing: falco-9\\.2\\.0\\.tgz, velero-12\\.1\\.0\\.tgz`));
        for (const c of thirdParty.filter((r) => r.key !== "falco" && r.key !== "velero")) {
            assert.strictEqual(sha(path.join(dest, chartArchiveName(c.key))), sha(path.join(testMirror(), chartArchiveName(c.key))), c.key);
        }
        assert.deepStrictEqual(fs.readdirSync(dest).filter((f) => !f.endsWith(".tgz")), [], "no partial file left");
        const again = await mirrorCharts({ dest, from: testMirror(), force: false });
        assert.strictEqual(again.filter((r) => r.status === "kept").length, thirdParty.length - 2, "a second run keeps what is there");
    });

    it("pulls from an HTTP chart repository with helm pull (a loopback server over the shared mirror)", async () => {
        const repo = tmp();
        const picked = thirdParty.filter((c) => ["loki", "tempo", "redisOperator"].includes(c.key));
        for (const c of picked) {
            fs.copyFileSync(path.join(testMirror(), chartArchiveName(c.key)), path.join(repo, chartArchiveName(c.key)));
        }
        const server = http.createServer((req, res) => {
            const file = path.join(repo, path.basename(req.url ?? ""));
            if (fs.existsSync(file)) {
                res.writeHead(200);
                res.end(fs.readFileSync(file));
            } else {
                res.writeHead(404);
                res.end();
            }
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            execFileSync(testHelm(), ["repo", "index", repo, "--url", url]);
            // The charts this test does not pull are already in the destination (kept, no helm pull
            // each): only the three picked and cert-manager, which the repository lacks, go to helm.
            const dest = tmp();
            const pulled = [...picked.map((c) => c.key), "certManager"];
            for (const c of thirdParty.filter((r) => !pulled.includes(r.key))) {
                fs.writeFileSync(path.join(dest, chartArchiveName(c.key)), "kept");
            }
            const results = await mirrorCharts({ dest, from: url, force: false }, () => undefined, testHelm());
            assert.deepStrictEqual(
                results.filter((r) => r.status !== "kept").map((r) => r.key),
                thirdParty.filter((r) => pulled.includes(r.key)).map((r) => r.key),
            );
            for (const c of picked) {
                const r = results.find((x) => x.key === c.key)!;
                assert.strictEqual(r.status, "fetched", `${c.key}: ${r.error ?? ""}`);
                assert.strictEqual(sha(r.file), sha(path.join(repo, chartArchiveName(c.key))));
            }
            const absent = results.find((x) => x.key === "certManager")!;
            assert.strictEqual(absent.status, "failed");
            assert.ok(!fs.existsSync(absent.file), "no archive for a chart the repository lacks");
        } finally {
            server.close();
        }
    });
});
