/** docs/policies.md is what the generator produces from the pack. */
import * as assert from "assert";
import * as fs from "fs";
import { policies } from "../../policy/policies";
import { POLICY_DOCS, renderPolicyDocs } from "../../scripts/policy-docs";

describe("docs/policies.md", () => {
    it("matches the generator's output (run npm run docs:policies after changing the pack)", () => {
        assert.strictEqual(fs.readFileSync(POLICY_DOCS, "utf8"), renderPolicyDocs());
    });
    it("documents every policy and every config key with its default", () => {
        const text = renderPolicyDocs();
        for (const p of policies) {
            assert.ok(text.includes(`### \`${p.name}\``), p.name);
            for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok(text.includes(`| \`${k}\` | \`${JSON.stringify((s as { default: unknown }).default).replace(/\|/g, "\\|")}\``), `${p.name}.${k}`);
            }
        }
    });
});
