/**
 * The config checker's last step (config/componentChecks.ts): the components' own validators run
 * on the arguments a stack maps onto, and each problem is named by the stack-file key it comes
 * from. Every shipped stack passes; a value only a component refuses is reported under its key.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { checkComponentArgs, componentProblems, stackKey } from "../../config/componentChecks";
import { Reader } from "../../config/reader";
import type { StackConfig } from "../../config/types";
import { checkStackFileConfig } from "../../preview/cli";

const STACKS_DIR = path.resolve(__dirname, "..", "..", "stacks");
const SHIPPED = fs
    .readdirSync(STACKS_DIR)
    .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
    .map((f) => f.slice("Pulumi.".length, -".yaml".length));

/** A shipped stack's validated config (a fresh copy). */
function parsed(stack: string): StackConfig {
    const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    return checkStackFileConfig(stack, doc.config);
}

describe("config/componentChecks: the components' validators on a stack's arguments", () => {
    it(`finds nothing in any shipped stack (${SHIPPED.length})`, () => {
        assert.ok(SHIPPED.length >= 9);
        for (const stack of SHIPPED) {
            assert.deepStrictEqual(componentProblems(parsed(stack)), [], stack);
        }
    });

    it("names the stack-file key of a cluster argument: renamed sections, pools by role, Azure's location", () => {
        const aws = parsed("aws-prod");
        assert.strictEqual(aws.cloud, "aws");
        if (aws.cloud === "aws") {
            aws.aws.adminPrincipalArns = ["arn:aws:iam::111122223333:group/admins"];
        }
        aws.nodePools[1].diskSizeGb = 0;
        assert.deepStrictEqual(componentProblems(aws), [
            { key: "nodePools.agents.diskSizeGb", reason: "found 0; must be a whole number of GB, at least 1" },
            {
                key: "aws.adminPrincipalArns[0]",
                reason: 'found "arn:aws:iam::111122223333:group/admins"; must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)',
            },
        ]);
        const azure = parsed("azure-prod");
        azure.region = "West Europe";
        assert.deepStrictEqual(
            componentProblems(azure).map((p) => p.key),
            ["region"],
        );
    });

    it("names the network for GKE's fixed control-plane range and the platform section for the platform's arguments", () => {
        const gcp = parsed("gcp-prod");
        gcp.network.podCidr = "172.16.0.0/14";
        gcp.platform.jamie.tag = "latest";
        const found = componentProblems(gcp);
        assert.deepStrictEqual(
            found.map((p) => p.key),
            ["network", "platform.jamie.tag"],
        );
        assert.match(found[0].reason, /^found "172\.16\.0\.0\/28"; overlaps network\.podCidr \(172\.16\.0\.0\/14\)/);
    });

    it("records each problem once under its key, never echoing a secret key's value", () => {
        const aws = parsed("aws-prod");
        if (aws.cloud === "aws") {
            aws.aws.adminPrincipalArns = ["arn:aws:iam::111122223333:group/admins"];
        }
        aws.tags = { owner: 7 as never };
        const r = new Reader(new Set(["aws"]));
        r.fail("tags.owner", "already reported by the config checker");
        checkComponentArgs(r, aws);
        assert.deepStrictEqual(r.problems, [
            { key: "tags.owner", message: "already reported by the config checker" },
            { key: "aws.adminPrincipalArns[0]", message: "a secret value the component does not accept (not shown); see the component's argument docs" },
        ]);
    });

    it("maps argument paths to stack keys", () => {
        const cfg = { nodePools: [{ role: "system" }, { role: "data" }] } as Pick<StackConfig, "nodePools">;
        assert.strictEqual(stackKey("nodePools[1].minNodes", {}, cfg), "nodePools.data.minNodes");
        assert.strictEqual(stackKey("nodePools[7]", {}, cfg), "nodePools");
        assert.strictEqual(stackKey("objectStore.endpoint", { objectStore: "existing.objectStore" }, cfg), "existing.objectStore.endpoint");
        assert.strictEqual(stackKey("clusterCidrs[2]", { clusterCidrs: { whole: "network" } }, cfg), "network");
        assert.strictEqual(stackKey("retention.logsDays", { location: "region" }, cfg), "retention.logsDays");
    });
});
