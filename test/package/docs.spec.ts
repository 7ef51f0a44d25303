/**
 * Issue 12, the "Use the components" page: docs/components.md and the README hold what
 * `npm run docs:components` generates from the code (the EKS example verbatim, every argument of
 * every component from the TypeScript types), and the examples import the components only by the
 * package's name.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ENTRIES } from "../../scripts/build-package";
import { COMPONENTS_DOC, EXAMPLE, README, renderApi, renderDocs } from "../../scripts/components-docs";

const ROOT = path.resolve(__dirname, "..", "..");

describe("docs/components.md and the README's example", () => {
    const current = { components: fs.readFileSync(COMPONENTS_DOC, "utf8"), readme: fs.readFileSync(README, "utf8") };
    let api = "";
    before(() => {
        api = renderApi();
    });

    it("are what the generator writes (run npm run docs:components after changing a component's arguments or examples/aws.ts)", () => {
        const next = renderDocs(current, api);
        assert.strictEqual(current.components, next.components, "docs/components.md is stale");
        assert.strictEqual(current.readme, next.readme, "README.md's example is stale");
    });

    it("show examples/aws.ts as it is, in the README's 'Using the components' section and on the page", () => {
        const example = fs.readFileSync(EXAMPLE, "utf8").trimEnd();
        const section = current.readme.slice(current.readme.indexOf("### Using the components"));
        assert.ok(section.slice(0, section.indexOf("\n## ")).includes(`\`\`\`ts\n${example}\n\`\`\``));
        assert.ok(current.components.includes(`\`\`\`ts\n${example}\n\`\`\``));
        assert.ok(current.readme.includes("[docs/components.md](docs/components.md)"));
    });

    it("list every entry and every argument of each cluster component and the Platform, inherited ones included, with their defaults", () => {
        for (const e of ENTRIES) {
            assert.ok(api.includes(`| \`agent-platform/${e.subpath}\` |`), e.subpath);
        }
        for (const c of ["EksCluster", "GkeCluster", "AksCluster", "DoksCluster", "ExistingCluster", "Platform"]) {
            assert.ok(api.includes(`### \`${c}\``), c);
        }
        const eks = api.slice(api.indexOf("### `EksCluster`"), api.indexOf("### `GkeCluster`"));
        for (const arg of [
            "region",
            "drRegion",
            "adminPrincipalArns",
            "zones",
            "kubernetesVersion",
            "nodePools",
            "network",
            "endpoint",
            "retention",
            "protectStateful",
            "tags",
        ]) {
            assert.match(eks, new RegExp(`^\\| \`${arg}\` \\|`, "m"), `EksCluster.${arg}`);
        }
        assert.match(eks, /^\| `protectStateful` \| `boolean` \| no \| `true` \|/m, "an inherited argument with its @default");
        assert.match(api, /^\| `instanceType` \| `string` \| yes \|/m, "the fields of the types the arguments use (NodePoolSpec)");
    });

    it("the examples import the components only through the package's entries", () => {
        const entries = new Set(ENTRIES.map((e) => `agent-platform/${e.subpath}`));
        for (const f of fs.readdirSync(path.join(ROOT, "examples")).filter((n) => n.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(ROOT, "examples", f), "utf8");
            const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
            assert.ok(
                imports.some((i) => entries.has(i)),
                `${f} imports the package`,
            );
            for (const i of imports) {
                assert.ok(entries.has(i) || i.startsWith("@pulumi/"), `${f} imports ${i}: only the package's entries and Pulumi's SDKs`);
            }
        }
    });

    it("the generator names the file whose markers are missing", () => {
        assert.throws(() => renderDocs({ components: current.components, readme: "# no markers\n" }), /README\.md lacks the markers <!-- example:start/);
    });
});
