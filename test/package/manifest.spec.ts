/**
 * Issue 12, the package's manifest (scripts/build-package.ts): its exports, its peers and their
 * versions, the build's check that no entry reaches an SDK it does not declare, and the
 * tsconfig `paths` that type-check examples/ against the entries' sources. The package built,
 * packed and installed is test/package/pack.spec.ts.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import { compiledPath, DEPENDENCIES, ENTRIES, packageManifest, packagesReachedFrom, REQUIRED_PEERS } from "../../scripts/build-package";

const ROOT = path.resolve(__dirname, "..", "..");
const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string> };
const CLOUD_SDKS = ["@pulumi/aws", "@pulumi/azure-native", "@pulumi/digitalocean", "@pulumi/gcp"];

describe("the package's manifest", () => {
    const manifest = packageManifest() as {
        name: string;
        version: string;
        exports: Record<string, { types: string; default: string } | string>;
        typesVersions: { "*": Record<string, string[]> };
        dependencies: Record<string, string>;
        peerDependencies: Record<string, string>;
        peerDependenciesMeta: Record<string, { optional: boolean }>;
    };

    it("exports each cloud, the platform, the contract and the policy rules, with their declarations, and nothing else", () => {
        assert.deepStrictEqual(Object.keys(manifest.exports), [...ENTRIES.map((e) => `./${e.subpath}`), "./package.json"]);
        assert.deepStrictEqual(
            ENTRIES.map((e) => e.subpath),
            ["aws", "gcp", "azure", "digitalocean", "existing", "platform", "contract", "policy"],
        );
        for (const e of ENTRIES) {
            assert.ok(fs.existsSync(path.join(ROOT, e.source)), e.source);
            assert.deepStrictEqual(manifest.exports[`./${e.subpath}`], {
                types: `./${compiledPath(e.source, ".d.ts")}`,
                default: `./${compiledPath(e.source)}`,
            });
            assert.deepStrictEqual(manifest.typesVersions["*"][e.subpath], [compiledPath(e.source, ".d.ts")], `${e.subpath} for moduleResolution node`);
        }
    });

    it("takes Pulumi's SDKs as peers at the versions this project pins, the cloud SDKs and @pulumi/policy optional", () => {
        assert.strictEqual(manifest.name, root.name);
        assert.strictEqual(manifest.version, root.version);
        assert.deepStrictEqual(Object.keys(manifest.peerDependencies).sort(), [...REQUIRED_PEERS, ...CLOUD_SDKS, "@pulumi/policy"].sort());
        assert.deepStrictEqual(Object.keys(manifest.peerDependenciesMeta).sort(), [...CLOUD_SDKS, "@pulumi/policy"].sort());
        for (const [name, range] of Object.entries({ ...manifest.peerDependencies, ...manifest.dependencies })) {
            assert.strictEqual(range, `^${root.dependencies[name]}`, name);
        }
        assert.deepStrictEqual(Object.keys(manifest.dependencies), [...DEPENDENCIES]);
    });

    it("each cloud's entry declares only its own cloud SDK", () => {
        const peersOf = Object.fromEntries(ENTRIES.map((e) => [e.subpath, e.peers]));
        assert.deepStrictEqual(
            {
                aws: peersOf.aws,
                gcp: peersOf.gcp,
                azure: peersOf.azure,
                digitalocean: peersOf.digitalocean,
                existing: peersOf.existing,
                platform: peersOf.platform,
            },
            { aws: ["@pulumi/aws"], gcp: ["@pulumi/gcp"], azure: ["@pulumi/azure-native"], digitalocean: ["@pulumi/digitalocean"], existing: [], platform: [] },
        );
    });

    it("the build's scan finds every package a module reaches, lazy requires included, and names the module", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reach-"));
        try {
            fs.mkdirSync(path.join(dir, "lib"));
            fs.writeFileSync(path.join(dir, "entry.js"), 'const a = require("@pulumi/aws/eks/cluster");\nconst h = require("./lib");\nrequire("fs");\n');
            fs.writeFileSync(
                path.join(dir, "lib", "index.js"),
                'exports.f = () => require("@pulumi/azure-native/storage");\nrequire("../entry");\nrequire("yaml");\n',
            );
            const reached = packagesReachedFrom(path.join(dir, "entry.js"));
            assert.deepStrictEqual([...reached.keys()].sort(), ["@pulumi/aws", "@pulumi/azure-native", "yaml"]);
            assert.ok(reached.get("@pulumi/azure-native")!.endsWith(path.join("lib", "index.js")), reached.get("@pulumi/azure-native"));
            fs.writeFileSync(path.join(dir, "lib", "index.js"), 'require("./gone");\n');
            assert.throws(() => packagesReachedFrom(path.join(dir, "entry.js")), /requires \.\/gone, which the build did not emit/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("tsconfig maps each entry's name to its source, so npm run typecheck checks examples/ as the package's users write them", () => {
        const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
        assert.strictEqual(config.error, undefined);
        const paths = (config.config as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths;
        assert.deepStrictEqual(paths, Object.fromEntries(ENTRIES.map((e) => [`${manifest.name}/${e.subpath}`, [`./${e.source}`]])));
        assert.ok((config.config as { include: string[] }).include.includes("examples/**/*.ts"));
    });
});
