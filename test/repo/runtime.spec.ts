/**
 * Issue 11 cases 15 and 16: the supported Node versions are stated once and consistently (the
 * range in package.json includes the Node that runs the tests, and the README states that range,
 * the tested version and the SDK's own requirement), and no test depends on the machine's speed.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

type Version = [number, number, number];

function parse(v: string): Version {
    const [a, b = "0", c = "0"] = v.replace(/^v/, "").split(".");
    return [Number(a), Number(b), Number(c)];
}

function cmp(a: Version, b: Version): number {
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether `version` satisfies an npm engines range made of `^x.y.z` and `>=x.y.z` parts joined by `||`. */
export function satisfies(version: string, range: string): boolean {
    const v = parse(version);
    return range.split("||").some((part) => {
        const p = part.trim();
        const caret = /^\^(\d+(?:\.\d+){0,2})$/.exec(p);
        if (caret) {
            const min = parse(caret[1]);
            return cmp(v, min) >= 0 && v[0] === min[0];
        }
        const gte = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(p);
        if (gte) {
            return cmp(v, parse(gte[1])) >= 0;
        }
        throw new Error(`engines range part ${JSON.stringify(p)} is not ^x.y.z or >=x.y.z`);
    });
}

describe("repo: supported Node versions (issue 11 case 16)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } }> };
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

    it("the range matcher reads npm ranges as npm does", () => {
        assert.ok(satisfies("20.20.2", "^20.19.0 || >=22"));
        assert.ok(!satisfies("20.18.9", "^20.19.0 || >=22"));
        assert.ok(!satisfies("21.0.0", "^20.19.0 || ^22.13.0 || >=24"));
        assert.ok(satisfies("24.1.0", "^20.19.0 || ^22.13.0 || >=24"));
    });

    it("package.json's engines include the Node running the tests, and the lockfile says the same", () => {
        assert.ok(satisfies(process.version, pkg.engines.node), `tested on ${process.version}, engines say ${pkg.engines.node}`);
        assert.strictEqual(lock.packages[""].engines?.node, pkg.engines.node);
    });

    it("every dev tool accepts every Node the engines allow from 20.19 on (no npm ci warning from them)", () => {
        for (const dep of ["eslint", "@eslint/js", "mocha", "typescript-eslint"]) {
            const range = lock.packages[`node_modules/${dep}`]?.engines?.node;
            assert.ok(range, `${dep} declares no engines`);
            for (const v of ["20.19.0", process.version, "22.13.0", "24.0.0"]) {
                assert.ok(!satisfies(v, pkg.engines.node) || satisfies(v, range), `${dep} (${range}) refuses ${v}`);
            }
        }
    });

    it("the README states the range, the tested version and the SDK's own requirement", () => {
        const sdk = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as {
            version: string;
            engines?: { node?: string };
        };
        assert.ok(readme.includes(`\`${pkg.engines.node}\``), "README does not state package.json's engines range");
        const [major, minor] = parse(process.version);
        assert.ok(readme.includes(`Tested: Node ${major}.${minor}`), `README does not name the tested Node ${major}.${minor}`);
        assert.ok(readme.includes(`\`@pulumi/pulumi\` ${sdk.version.split(".").slice(0, 2).join(".")}`), "README names another @pulumi/pulumi version");
        assert.ok(readme.includes(`Node \`${sdk.engines?.node}\``), `README does not state the SDK's range ${sdk.engines?.node}`);
    });
});

describe("repo: no test depends on the machine's speed (issue 11 case 15)", () => {
    /** An assertion comparing a measured duration with a bound. */
    const TIMED = /assert[\w.]*\([^;]*\b\w*(?:Ms|Millis|Seconds|elapsed|duration|took)\b\s*[<>]=?\s*\d/i;

    function specFiles(dir: string): string[] {
        return fs
            .readdirSync(dir, { withFileTypes: true })
            .flatMap((e) => (e.isDirectory() ? specFiles(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    }

    it("the pattern finds a timed assertion", () => {
        assert.ok(TIMED.test("assert.ok(startMs < 10000, `start took ${startMs} ms`);"));
        assert.ok(!TIMED.test("assert.ok(run.stderr.length < 1000)"));
    });

    it("no test file asserts a duration", () => {
        const offenders = specFiles(path.join(ROOT, "test"))
            .filter((f) => f !== __filename)
            .flatMap((f) =>
                fs
                    .readFileSync(f, "utf8")
                    .split("\n")
                    .map((line, i) => [`${path.relative(ROOT, f)}:${i + 1}`, line] as const),
            )
            .filter(([, line]) => TIMED.test(line))
            .map(([where, line]) => `${where}: ${line.trim()}`);
        assert.deepStrictEqual(offenders, []);
    });
});
