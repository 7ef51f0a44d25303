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
                const def = (s as { default: unknown }).default;
                if (Array.isArray(def) && def.length > 0 && def.every((e) => e && typeof e === "object" && "reason" in e)) {
                    // Named exemptions: counted in the table, then each listed with its reason.
                    assert.ok(text.includes(`| \`${k}\` | ${def.length} entries, listed below |`), `${p.name}.${k}`);
                    for (const e of def as { workload: string; reason: string }[]) {
                        assert.ok(text.includes(`- \`${e.workload}\``) && text.includes(e.reason), `${p.name}.${k}: ${e.workload}`);
                    }
                    continue;
                }
                assert.ok(text.includes(`| \`${k}\` | \`${JSON.stringify(def).replace(/\|/g, "\\|")}\``), `${p.name}.${k}`);
            }
        }
    });
});
