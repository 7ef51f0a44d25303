import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { TOP_LEVEL_KEYS } from "../../config";
import { configTable, withCurrentTable } from "../../scripts/config-docs";

const ROOT = path.resolve(__dirname, "..", "..");

describe("docs: README and Pulumi.yaml", () => {
    it("declares exactly the config keys the program reads, each with a description", () => {
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { description?: string }> };
        assert.deepStrictEqual(Object.keys(project.config).sort(), [...TOP_LEVEL_KEYS].sort());
        for (const [k, d] of Object.entries(project.config)) {
            assert.ok(d.description && d.description.length > 10, `${k} has no description`);
        }
    });

    it("has the current config table in the README (run npm run docs:config)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.includes(configTable()), "README config table is stale: run npm run docs:config");
        assert.strictEqual(withCurrentTable(readme), readme);
    });

    it("opens with the two commands that work on a fresh clone", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)![1];
        assert.match(firstBlock, /^npm ci && npm start\b/m);
        assert.match(firstBlock, /^npm ci && npm test\b/m);
    });
});
