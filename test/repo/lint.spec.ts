/**
 * The lint (npm run lint) runs @pulumi/eslint-plugin's type-aware rules where Outputs live: an
 * Output in a plain template literal renders as a warning text instead of its value, and the rule
 * is the only thing that catches it before `pulumi up`. Probes a file in components/ through the
 * project's own eslint.config.mjs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");

describe("lint: @pulumi/eslint-plugin on the components", function () {
    this.timeout(120_000);

    it("rejects an Output in a plain template literal and accepts pulumi.interpolate", async () => {
        const probe = path.join(ROOT, "components", `zz-lint-probe-${process.pid}.ts`);
        fs.writeFileSync(
            probe,
            'import * as pulumi from "@pulumi/pulumi";\nconst bucket = pulumi.output("b");\nexport const bad = `s3://${bucket}`;\nexport const good = pulumi.interpolate`s3://${bucket}`;\n',
        );
        try {
            const [result] = await new ESLint({ cwd: ROOT }).lintFiles([probe]);
            const found = result.messages.map((m) => `${m.line}:${m.ruleId}`);
            assert.deepEqual(found, ["3:@pulumi/no-output-in-template-literal"]);
        } finally {
            fs.rmSync(probe, { force: true });
        }
    });
});
