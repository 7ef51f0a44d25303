/**
 * Issue 12: components/ owns its API. Nothing under components/ imports the stack program's
 * config/ (a platform team's program imports components/ and nothing else), and the stack program
 * reaches its cloud's section without non-null assertions (StackConfig is keyed by cloud).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Every .ts file under `dir`. */
function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? tsFiles(p) : e.name.endsWith(".ts") ? [p] : [];
    });
}

/** The relative module paths a file imports or requires. */
function imports(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:from\s+|require\(\s*)["'](\.[^"']+)["']/g)].map((m) => m[1]);
}

describe("repository layout: components own their API", () => {
    it("no module under components/ imports config/ (directly or by a relative path that lands there)", () => {
        const configDir = path.join(ROOT, "config") + path.sep;
        const offenders = tsFiles(path.join(ROOT, "components")).flatMap((f) =>
            imports(f)
                .filter(
                    (m) => (path.resolve(path.dirname(f), m) + path.sep).startsWith(configDir) || path.resolve(path.dirname(f), m) === configDir.slice(0, -1),
                )
                .map((m) => `${path.relative(ROOT, f)} imports ${m}`),
        );
        assert.deepStrictEqual(offenders, []);
    });

    it("the finder really sees an import of config/ (the check above can fail)", () => {
        const probe = path.join(ROOT, "components", "aws", "probe.ts");
        assert.deepStrictEqual(
            ['import { x } from "../../config/types";', 'const y = require("../../config");'].flatMap((line) =>
                [...line.matchAll(/(?:from\s+|require\(\s*)["'](\.[^"']+)["']/g)].map((m) => path.resolve(path.dirname(probe), m[1])),
            ),
            [path.join(ROOT, "config", "types"), path.join(ROOT, "config")],
        );
    });

    it("index.ts has no non-null assertion: each cloud's section is reached through StackConfig's cloud key", () => {
        const index = fs.readFileSync(path.join(ROOT, "index.ts"), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        assert.deepStrictEqual(index.match(/[\w)\]]!(?=[.;,)\s])/g) ?? [], []);
    });
});
