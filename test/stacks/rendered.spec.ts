/**
 * What a real `pulumi preview --policy-pack` sees: every shipped stack with every chart rendered
 * by Helm from the chart mirror, and the pack run over the program's objects and the rendered ones
 * together with the stack's own policy config. Every chart must render, and no mandatory rule may
 * fire: the platform passes its own pack. The same with every optional add-on whose charts are in
 * the mirror switched on, and every rendered container admissible under the namespaces' LimitRange.
 */
import * as assert from "assert";
import type { OptionalAddons } from "../../components/types";
import { LIMIT_RANGE } from "../../components/platform/budgets";
import { chartTable, missingFromMirror } from "../../components/platform/charts";
import { cpuMillicores, memoryMebibytes } from "../../policy/lib/podDemand";
import { cname, containers, podSpec } from "../../policy/lib/pods";
import { shippedStacks } from "../../preview/stackFile";
import { renderStack, testMirror } from "../support/charts";

/** Every add-on whose charts are all in the test mirror (falco 9.2.0 and velero 12.1.0 are not: ../shared/charts/README.md). */
function addonsInMirror(): { on: (keyof OptionalAddons)[]; gaps: string[] } {
    const all: (keyof OptionalAddons)[] = ["argocd", "istio", "falco", "externalSecrets", "velero"];
    const none: OptionalAddons = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };
    const gaps = all.filter((a) => missingFromMirror(testMirror(), { ...none, [a]: true }).length > 0);
    return { on: all.filter((a) => !gaps.includes(a)), gaps };
}

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

    // The add-ons' charts with the platform's values: the e2e's stacks (dev and production shapes on an
    // existing cluster) and a cloud production stack, whose node pools the fit rule also judges.
    for (const stack of ["local", "onprem-prod", "aws-prod"]) {
        it(`${stack} with every add-on in the mirror switched on: the add-ons' charts render and nothing mandatory fires`, async () => {
            const { on, gaps } = addonsInMirror();
            assert.ok(on.length >= 3, `add-ons whose charts are in the mirror: ${on.join(", ")} (missing: ${gaps.join(", ")})`);
            const rs = await renderStack(stack, Object.fromEntries(on.map((a) => [`platform.addons.${a}`, true])));
            const failed = rs.renders.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
            assert.deepStrictEqual(failed, [], "charts that did not render");
            const addonCharts = chartTable().filter((c) => c.addon !== undefined && on.includes(c.addon));
            assert.deepStrictEqual(
                rs.renders
                    .filter((r) => r.key !== undefined && addonCharts.some((c) => c.key === r.key))
                    .map((r) => r.key)
                    .sort(),
                addonCharts.map((c) => c.key).sort(),
                "every chart of every switched-on add-on is installed and rendered",
            );
            const mandatory = rs.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`);
            assert.deepStrictEqual(mandatory, [], `mandatory violations in ${stack} with ${on.join(", ")} on`);
        });

        it(`${stack} with every add-on in the mirror switched on: every rendered container is admissible under the namespaces' LimitRange`, async () => {
            // What the API server does to a container (the e2e met istiod's 2Gi request under a 512Mi default limit):
            // a missing request defaults to the limit, then the LimitRange fills in its defaults; the request may
            // not exceed the limit, nor the limit the LimitRange's maximum.
            const { on } = addonsInMirror();
            const rs = await renderStack(stack, Object.fromEntries(on.map((a) => [`platform.addons.${a}`, true])));
            const refused: string[] = [];
            const checked: string[] = [];
            for (const r of rs.rendered) {
                const spec = podSpec(r.type, r.inputs);
                for (const ref of spec ? containers(spec) : []) {
                    checked.push(`${r.name} ${cname(ref)}`);
                    const res = (ref.c.resources ?? {}) as { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
                    for (const [resource, parse] of [
                        ["cpu", cpuMillicores],
                        ["memory", memoryMebibytes],
                    ] as const) {
                        const limit = parse(res.limits?.[resource] ?? LIMIT_RANGE.default[resource]) ?? NaN;
                        const request = parse(res.requests?.[resource] ?? res.limits?.[resource] ?? LIMIT_RANGE.defaultRequest[resource]) ?? NaN;
                        const max = parse(LIMIT_RANGE.max[resource]) ?? NaN;
                        if (!(request <= limit && limit <= max)) {
                            refused.push(`${r.name} ${cname(ref)}: ${resource} request ${request}, limit ${limit}, LimitRange max ${max}`);
                        }
                    }
                }
            }
            assert.ok(checked.length > 30 && checked.some((c) => /istiod.* container "discovery"$/.test(c)), `containers checked: ${checked.join(", ")}`);
            assert.deepStrictEqual(refused, [], "containers the API server would refuse");
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
