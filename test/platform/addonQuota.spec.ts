/**
 * The add-ons' namespace quotas grow with the cluster: Istio's node agents (istio-cni, ztunnel)
 * and Falco run one pod on every node, so their namespaces' ResourceQuota must admit one pod per
 * node at the cluster's node ceiling (`ClusterTarget.maxNodes`), or the API server refuses the
 * DaemonSet pods as the cluster scales out. Checked on every production stack with Istio and Falco
 * switched on, against the figures the charts' values carry (not against the quota's own model),
 * and the node ceiling each cluster reports for its shipped stack.
 */
import * as assert from "assert";
import { ADDON_RESOURCES, addonQuota, addonWorkloads, workloadPods } from "../../components/platform/addons";
import { LIMIT_RANGE } from "../../components/platform/budgets";
import { burstNodes, eksMaxNodes } from "../../components/aws/autoMode";
import { gkeMaxNodes } from "../../components/gcp/helpers";
import { EXISTING_DEFAULT_MAX_NODES } from "../../components/existing";
import type { NodePoolSpec } from "../../components/types";
import { cpuMillicores, memoryMebibytes } from "../../policy/lib/podDemand";
import type { RunResult } from "../../preview/harness";
import { stackRun } from "../support/stacks";

const QUOTA = "kubernetes:core/v1:ResourceQuota";
const CHART = "kubernetes:helm.sh/v4:Chart";

/**
 * The node ceiling of each stack, worked out by hand from its node pools (components/defaults.ts,
 * production: system 3-6, agents 3-9, data 3-6, monitoring 3-6 nodes, desired = min).
 */
const PROD_STACKS: { stack: string; maxNodes: number; why: string }[] = [
    { stack: "aws-prod", maxNodes: 27, why: "node groups at 3 + 3 + 3 + 3, Auto Mode bursts of 3 + 6 + 3 + 3" },
    { stack: "gcp-prod", maxNodes: 27, why: "per zone 2 + 3 + 2 + 2 over 3 zones" },
    { stack: "azure-prod", maxNodes: 27, why: "6 + 9 + 6 + 6" },
    { stack: "do-prod", maxNodes: 27, why: "6 + 9 + 6 + 6" },
    { stack: "onprem-prod", maxNodes: EXISTING_DEFAULT_MAX_NODES, why: "no existing.maxNodes: the default" },
];

const ISTIO_FALCO_ON = { "platform.addons.istio": true, "platform.addons.falco": true };

function quotaOf(run: RunResult, namespace: string): Record<string, string> {
    const q = run.resources.find((r) => {
        const m = r.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return r.type === QUOTA && m?.name === "platform-quota" && m.namespace === namespace;
    });
    assert.ok(q, `no platform-quota in ${namespace}`);
    return (q.inputs.spec as { hard: Record<string, string> }).hard;
}

function chartValues(run: RunResult, chart: string): Record<string, any> {
    const c = run.resources.find((r) => r.type === CHART && String(r.inputs.chart).includes(chart));
    assert.ok(c, `no ${chart} chart`);
    return c.inputs.values as Record<string, any>;
}

const cpu = (q: unknown): number => cpuMillicores(q) ?? NaN;
const mem = (q: unknown): number => memoryMebibytes(q) ?? NaN;

describe("add-on quotas: Istio's and Falco's node agents fit on every node at the cluster's ceiling", () => {
    for (const s of PROD_STACKS) {
        it(`${s.stack}: the target reports maxNodes ${s.maxNodes} (${s.why})`, async () => {
            const run = await stackRun(s.stack);
            assert.strictEqual(run.outputs.maxNodes, s.maxNodes);
        });

        it(`${s.stack} with Istio and Falco on: istio-system admits istiod's HPA maximum + 1 surge and istio-cni + ztunnel on ${s.maxNodes} nodes`, async () => {
            const run = await stackRun(s.stack, ISTIO_FALCO_ON);
            const istiod = chartValues(run, "istiod").pilot;
            const cni = chartValues(run, "cni").resources;
            const ztunnel = chartValues(run, "ztunnel").resources;
            // What the values run: istiod up to its HPA maximum (plus a surge pod of maxSurge 1), one of each agent per node.
            assert.strictEqual(istiod.rollingMaxSurge, 1, "istiod surges one pod");
            const istiodPods = istiod.autoscaleMax + 1;
            assert.ok(istiodPods >= 4, `istiod pods: ${istiodPods}`);
            const need = {
                "limits.cpu": istiodPods * cpu(istiod.resources.limits.cpu) + s.maxNodes * (cpu(cni.limits.cpu) + cpu(ztunnel.limits.cpu)),
                "limits.memory": istiodPods * mem(istiod.resources.limits.memory) + s.maxNodes * (mem(cni.limits.memory) + mem(ztunnel.limits.memory)),
                "requests.cpu": istiodPods * cpu(istiod.resources.requests.cpu) + s.maxNodes * (cpu(cni.requests.cpu) + cpu(ztunnel.requests.cpu)),
                "requests.memory": istiodPods * mem(istiod.resources.requests.memory) + s.maxNodes * (mem(cni.requests.memory) + mem(ztunnel.requests.memory)),
                pods: istiodPods + 2 * s.maxNodes,
            };
            const hard = quotaOf(run, "istio-system");
            for (const [k, v] of Object.entries(need)) {
                const have = k === "pods" ? Number(hard[k]) : k.endsWith("cpu") ? cpu(hard[k]) : mem(hard[k]);
                assert.ok(have >= v, `istio-system ${k}: quota ${hard[k]} < ${v} needed on ${s.maxNodes} nodes`);
            }
            // 1.5 CPU of node-agent limits per node: far beyond the old fixed 8 CPU on a cluster this size.
            assert.ok(cpu(hard["limits.cpu"]) >= 6000 + 1500 * s.maxNodes, `limits.cpu ${hard["limits.cpu"]}`);
        });

        it(`${s.stack} with Istio and Falco on: the falco namespace admits Falco's pod (falco + falcoctl) on ${s.maxNodes} nodes`, async () => {
            const run = await stackRun(s.stack, ISTIO_FALCO_ON);
            const falco = chartValues(run, "falco").resources;
            // falcoctl's follower runs beside falco with the LimitRange's default (the chart sets none).
            const pod = {
                "limits.cpu": cpu(falco.limits.cpu) + cpu(LIMIT_RANGE.default.cpu),
                "limits.memory": mem(falco.limits.memory) + mem(LIMIT_RANGE.default.memory),
                "requests.cpu": cpu(falco.requests.cpu) + cpu(LIMIT_RANGE.defaultRequest.cpu),
                "requests.memory": mem(falco.requests.memory) + mem(LIMIT_RANGE.defaultRequest.memory),
            };
            const hard = quotaOf(run, "falco");
            for (const [k, v] of Object.entries(pod)) {
                const have = k.endsWith("cpu") ? cpu(hard[k]) : mem(hard[k]);
                assert.ok(have >= v * s.maxNodes, `falco ${k}: quota ${hard[k]} < ${v * s.maxNodes} needed on ${s.maxNodes} nodes`);
            }
            assert.ok(Number(hard.pods) >= s.maxNodes, `falco pods: ${hard.pods}`);
        });
    }

    it("local (an existing kind cluster) reports the default node ceiling, and existing.maxNodes sets it and the quotas", async () => {
        assert.strictEqual((await stackRun("local")).outputs.maxNodes, EXISTING_DEFAULT_MAX_NODES);
        const run = await stackRun("local", { "existing.maxNodes": 200, ...ISTIO_FALCO_ON });
        assert.strictEqual(run.outputs.maxNodes, 200);
        assert.deepStrictEqual(quotaOf(run, "istio-system"), addonQuota("istio", "dev", 200));
        assert.ok(Number(quotaOf(run, "istio-system").pods) >= 2 * 200);
    });
});

describe("add-on quotas: the model", () => {
    it("grows with the node count by exactly one pod of each node agent per node", () => {
        const perNode = (k: "istio" | "falco", field: string, n: number): number => Number(addonQuota(k, "prod", n)[field].replace("Gi", ""));
        // 1.5 CPU of istio-cni + ztunnel limits per node: 10 nodes more, 15 CPU more.
        assert.strictEqual(perNode("istio", "limits.cpu", 30) - perNode("istio", "limits.cpu", 20), 15);
        assert.strictEqual(perNode("istio", "pods", 30) - perNode("istio", "pods", 20), 2 * 2 * 10);
        // Falco 1 CPU + falcoctl's 0.5 default per node.
        assert.strictEqual(perNode("falco", "limits.cpu", 30) - perNode("falco", "limits.cpu", 20), 15);
    });

    it("counts istiod at its HPA maximum + 1 and each node agent at maxNodes + 1 (ztunnel surges one)", () => {
        const pods = addonWorkloads("istio", "prod").map((w) => [w.name, workloadPods(w, 27)]);
        assert.deepStrictEqual(pods, [
            ["istiod", 6],
            ["istio-cni-node", 28],
            ["ztunnel", 28],
        ]);
        assert.deepStrictEqual(addonQuota("istio", "prod", 27), {
            // 6 x 1 + 28 x (0.5 + 1) CPU; 6 x 2Gi + 28 x (256 + 512) MiB = 33 GiB; requests 6 x 0.5 + 28 x 0.2 = 8.6 -> 9.
            "requests.cpu": "9",
            "requests.memory": "13Gi",
            "limits.cpu": "48",
            "limits.memory": "33Gi",
            pods: "124",
            "requests.storage": "0",
            persistentvolumeclaims: "0",
            "services.loadbalancers": "0",
            "services.nodeports": "0",
        });
    });

    it("uses the same figures as the values (ADDON_RESOURCES) and counts a pod at the larger of its containers and init containers", () => {
        const [falco] = addonWorkloads("falco", "prod");
        assert.deepStrictEqual(falco.containers[0], ADDON_RESOURCES.falco);
        const repo = addonWorkloads("argocd", "prod").find((w) => w.name === "argocd-repo-server")!;
        assert.deepStrictEqual(repo.initContainers, [ADDON_RESOURCES.argoCdCopyutil]);
        // Argo CD prod limits: 4 x 0.5 + 4 x 0.5 + 3 x 0.5 + 2 x 0.2 + 2 x 0.2 + 1 + 0.2 = 7.5 -> 8 CPU.
        assert.strictEqual(addonQuota("argocd", "prod", 27)["limits.cpu"], "8");
        // No DaemonSet: the quota does not depend on the node count.
        assert.deepStrictEqual(addonQuota("externalSecrets", "prod", 3), addonQuota("externalSecrets", "prod", 300));
    });

    it("refuses a node count that is not a positive whole number", () => {
        for (const n of [0, -1, 2.5, NaN]) {
            assert.throws(() => addonQuota("istio", "prod", n), /addonQuota: maxNodes must be a positive whole number of nodes/);
        }
    });
});

describe("cluster node ceilings", () => {
    const pool = (over: Partial<NodePoolSpec>): NodePoolSpec => ({
        role: "agents",
        instanceType: "m6i.2xlarge",
        minNodes: 3,
        desiredNodes: 3,
        maxNodes: 9,
        diskSizeGb: 100,
        ...over,
    });

    it("EKS: each node group's desired nodes plus its Auto Mode burst (maxNodes - minNodes); no burst without a NodePool", () => {
        assert.strictEqual(eksMaxNodes([pool({})]), 9);
        assert.strictEqual(eksMaxNodes([pool({ desiredNodes: 5 })]), 11);
        assert.strictEqual(burstNodes(pool({ instanceType: "x9.unknown" })), 0);
        assert.strictEqual(eksMaxNodes([pool({ instanceType: "x9.unknown", desiredNodes: 4 })]), 4);
    });

    it("GKE: the per-zone maximum (rounded up) times the zones", () => {
        assert.strictEqual(gkeMaxNodes([pool({ maxNodes: 9 })], 3), 9);
        assert.strictEqual(gkeMaxNodes([pool({ maxNodes: 7 })], 3), 9);
        assert.strictEqual(gkeMaxNodes([pool({ maxNodes: 7 }), pool({ role: "data", maxNodes: 6 })], 2), 8 + 6);
    });
});
