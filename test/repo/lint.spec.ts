/**
 * The lint (npm run lint) runs @pulumi/eslint-plugin's type-aware rules where Outputs live: an
 * Output in a plain template literal renders as a warning text instead of its value, and the rule
 * is the only thing that catches it before `pulumi up`. Reads the configuration the project's own
 * eslint.config.mjs gives each kind of file (linting a probe for real would build the whole
 * TypeScript program: about 9 s).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");
const RULES = ["@pulumi/no-output-in-template-literal", "@pulumi/no-output-instance-in-template-literal"];

let eslint: ESLint | undefined;

/** The configuration eslint.config.mjs gives `file` (one ESLint instance: the configuration is loaded once). */
function configFor(file: string): Promise<{ rules?: Record<string, unknown>; languageOptions?: { parserOptions?: { projectService?: unknown } } }> {
    eslint ??= new ESLint({ cwd: ROOT });
    return eslint.calculateConfigForFile(path.join(ROOT, file)) as Promise<{
        rules?: Record<string, unknown>;
        languageOptions?: { parserOptions?: { projectService?: unknown } };
    }>;
}

/** The severity (0 off, 1 warn, 2 error) each Pulumi rule has for a file. */
async function severities(file: string): Promise<number[]> {
    const config = await configFor(file);
    return RULES.map((r) => {
        const v = config.rules?.[r];
        const level = Array.isArray(v) ? v[0] : v;
        return level === "error" || level === 2 ? 2 : level === "warn" || level === 1 ? 1 : 0;
    });
}

describe("lint: @pulumi/eslint-plugin", () => {
    for (const file of ["index.ts", "components/platform/platform.ts", "components/aws/eksCluster.ts", "examples/aws.ts"]) {
        it(`is an error in ${file}, with the type information it needs`, async () => {
            assert.deepEqual(await severities(file), [2, 2]);
            const config = await configFor(file);
            assert.ok(config.languageOptions?.parserOptions?.projectService, "projectService (type-aware linting) is on");
        });
    }

    it("is not run on the tests and scripts, which hold no Outputs (type-aware linting there would double the lint's cost)", async () => {
        assert.deepEqual(await severities("test/repo/lint.spec.ts"), [0, 0]);
    });
});
