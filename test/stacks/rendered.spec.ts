/**
 * What a real `pulumi preview --policy-pack` sees: every shipped stack with every chart rendered
 * by Helm from the chart mirror, and the pack run over the program's objects and the rendered ones
 * together with the stack's own policy config. Every chart must render, and no mandatory rule may
 * fire: the platform passes its own pack.
 */
import * as assert from "assert";
import { chartTable } from "../../components/platform/charts";
import { shippedStacks } from "../../preview/stackFile";
import { renderStack } from "../support/charts";

describe("stacks: every chart rendered, the pack over the rendered objects", function () {
    for (const stack of shippedStacks()) {
        it(`${stack}: every chart renders and nothing mandatory fires`, async () => {
            const rs = await renderStack(stack);
            const failed = rs.renders.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
            assert.deepStrictEqual(failed, [], "charts that did not render");
            assert.strictEqual(rs.renders.length, chartTable().filter((c) => !c.addon).length, "every always-on chart is installed and rendered");
            assert.ok(rs.rendered.length > 200, `rendered objects: ${rs.rendered.length}`);
            const mandatory = rs.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`);
            assert.deepStrictEqual(mandatory, [], `mandatory violations in ${stack}`);
        });
    }

    it("the pack really sees rendered objects: a chart object that breaks a rule is reported under its chart", async () => {
        const rs = await renderStack("aws-prod");
        const { runPolicies } = await import("../../policy/runner");
        const { policies } = await import("../../policy/policies");
        const { loadPolicyConfig } = await import("../../policy/config");
        const broken = rs.rendered.map((r) =>
            r.inputs.kind === "Deployment" && (r.inputs.metadata as { name?: string }).name === "cert-manager-webhook"
                ? { ...r, inputs: { ...r.inputs, spec: { ...(r.inputs.spec as object), replicas: 1 } } }
                : r,
        );
        const v = await runPolicies(policies, [...rs.run.resources, ...broken], loadPolicyConfig("aws-prod"));
        const hit = v.filter((x) => x.enforcement === "mandatory");
        assert.strictEqual(hit.length, 1, JSON.stringify(hit));
        assert.strictEqual(hit[0].policy, "workloads-deployment-enforce-minimum-replicas");
        assert.match(
            hit[0].urn ?? "",
            /kubernetes:helm\.sh\/v4:Chart\$kubernetes:apps\/v1:Deployment::.*cert-manager-chart:cert-manager\/cert-manager-webhook$/,
        );
    });
});
