import * as assert from "assert";
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import type { OptionalAddons } from "../../components/types";
import { ADDON_FLOWS, ADDON_LAYOUT, addonQuota, Addons } from "../../components/platform/addons";
import { namespaceQuotas } from "../../components/platform/budgets";
import { CHARTS, skippedCharts } from "../../components/platform/charts";
import { Foundation } from "../../components/platform/foundation";
import { FLOWS, LAYOUT } from "../../components/platform/layout";
import { runWithMocks, RunResult } from "../../preview/harness";
import { fakeRoleArn, fakeTarget, FakeBinding } from "./fakeTarget";
import { at, meta, ofType, one, thirdPartyChartsSwitched } from "./helpers";

const CHART = "kubernetes:helm.sh/v4:Chart";
const NONE: OptionalAddons = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };
const ALL: OptionalAddons = { argocd: true, istio: true, falco: true, externalSecrets: true, velero: true };

async function build(
    addons: OptionalAddons,
    thirdPartyCharts = true,
    monitoring?: { labels: Record<string, string> },
): Promise<{ run: RunResult; bindings: FakeBinding[] }> {
    let bindings: FakeBinding[] = [];
    const run = await thirdPartyChartsSwitched(thirdPartyCharts, () =>
        runWithMocks(() => {
            const fake = fakeTarget();
            bindings = fake.bindings;
            const on = (Object.keys(addons) as (keyof OptionalAddons)[]).filter((k) => addons[k]);
            const layout = { monitoring: LAYOUT.monitoring, ...Object.fromEntries(on.map((k) => [k, ADDON_LAYOUT[k]])) };
            const f = new Foundation(
                "t",
                {
                    target: fake.target,
                    namespaces: Object.entries(layout).map(([component, l]) => ({
                        component,
                        layout: l,
                        quota:
                            component === "monitoring"
                                ? namespaceQuotas("prod").monitoring
                                : addonQuota(component as keyof OptionalAddons, "prod", fake.target.maxNodes),
                        podSecurity: component === "monitoring" ? undefined : ADDON_LAYOUT[component as keyof OptionalAddons].podSecurity,
                        serviceAccount: false,
                    })),
                    flows: [...FLOWS, ...on.flatMap((k) => ADDON_FLOWS[k])],
                },
                { provider: fake.target.provider },
            );
            // A stand-in for the observability stack the Falco chart waits for (its ServiceMonitor CRD).
            const stack = monitoring
                ? [new ConfigMap("t-monitoring-ready", { metadata: { name: "ready", namespace: "monitoring" } }, { provider: fake.target.provider })]
                : undefined;
            new Addons(
                "t-addons",
                { target: fake.target, environment: "prod", addons, namespaces: f.namespaces, monitorLabels: monitoring?.labels, monitoringDependsOn: stack },
                { provider: fake.target.provider },
            );
            return {};
        }),
    );
    return { run, bindings };
}

describe("platform add-ons", function () {
    it("installs nothing when every add-on is off (the default)", async () => {
        const { run } = await build(NONE);
        assert.strictEqual(ofType(run, CHART).length, 0);
        assert.strictEqual(ofType(run, "kubernetes:security.istio.io/v1:PeerAuthentication").length, 0);
        assert.strictEqual(one(run, "agent-platform:platform:Addons", "t-addons").type, "agent-platform:platform:Addons");
    });

    describe("all on", () => {
        let run: RunResult;
        let bindings: FakeBinding[];
        before(async () => {
            ({ run, bindings } = await build(ALL));
        });

        it("installs each add-on's pinned charts into its own namespace", () => {
            const charts = ofType(run, CHART).map((c) => [c.name, c.inputs.chart, c.inputs.version, c.inputs.namespace]);
            assert.deepStrictEqual(charts.sort(), [
                ["t-addons-argo-cd", "argo-cd", CHARTS.argoCd.version, "argocd"],
                ["t-addons-external-secrets", "external-secrets", CHARTS.externalSecrets.version, "external-secrets"],
                ["t-addons-falco", "falco", CHARTS.falco.version, "falco"],
                ["t-addons-istio-base", "base", CHARTS.istioBase.version, "istio-system"],
                ["t-addons-istio-cni", "cni", CHARTS.istioCni.version, "istio-system"],
                ["t-addons-istiod", "istiod", CHARTS.istiod.version, "istio-system"],
                ["t-addons-ztunnel", "ztunnel", CHARTS.ztunnel.version, "istio-system"],
            ]);
        });

        it("Istio: ambient profile and a mesh-wide PeerAuthentication in STRICT mode", () => {
            const pa = one(run, "kubernetes:security.istio.io/v1:PeerAuthentication", "t-addons-mesh-mtls");
            assert.deepStrictEqual(meta(pa), { name: "default", namespace: "istio-system" });
            assert.deepStrictEqual(pa.inputs.spec, { mtls: { mode: "STRICT" } });
            assert.strictEqual((one(run, CHART, "t-addons-istiod").inputs.values as any).profile, "ambient");
            assert.strictEqual((one(run, CHART, "t-addons-istio-cni").inputs.values as any).profile, "ambient");
            const quota = one(run, "kubernetes:core/v1:ResourceQuota", "t-addons-istio-node-critical");
            assert.deepStrictEqual(at(quota.inputs, "spec.scopeSelector.matchExpressions.0.values"), ["system-node-critical"]);
        });

        it("Istio: release images at the charts' version, istiod at 3 replicas with requests within its limits", () => {
            const istiod = one(run, CHART, "t-addons-istiod").inputs.values as any;
            assert.deepStrictEqual(istiod.global, { hub: "docker.io/istio", tag: CHARTS.istiod.version });
            assert.strictEqual(istiod.pilot.autoscaleMin, 3);
            assert.deepStrictEqual(istiod.pilot.resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } });
            assert.deepStrictEqual((one(run, CHART, "t-addons-istio-cni").inputs.values as any).global, {
                hub: "docker.io/istio",
                tag: CHARTS.istioCni.version,
            });
            const z = one(run, CHART, "t-addons-ztunnel").inputs.values as any;
            assert.deepStrictEqual([z.hub, z.tag], ["docker.io/istio", CHARTS.ztunnel.version]);
        });

        it("Falco uses the modern eBPF driver on every node; its namespace is the only privileged one besides Istio's", () => {
            const v = one(run, CHART, "t-addons-falco").inputs.values as any;
            assert.deepStrictEqual(v.driver, { kind: "modern_ebpf" });
            assert.deepStrictEqual(v.tolerations, [{ operator: "Exists", effect: "NoSchedule" }]);
            const privileged = ofType(run, "kubernetes:core/v1:Namespace")
                .filter((n) => meta(n).labels?.["pod-security.kubernetes.io/enforce"] === "privileged")
                .map((n) => meta(n).name)
                .sort();
            assert.deepStrictEqual(privileged, ["falco", "istio-system"]);
        });

        it("External Secrets runs as its own cloud identity", () => {
            assert.deepStrictEqual(bindings, [
                {
                    name: "t-addons-external-secrets-identity",
                    namespace: "external-secrets",
                    serviceAccount: "external-secrets",
                    objectStoreAccess: "none",
                    // The fake target has no secret manager: no read grant, no store (externalSecretsStore.spec.ts).
                    secretManagerAccess: "none",
                },
            ]);
            assert.strictEqual(ofType(run, "kubernetes:external-secrets.io/v1:ClusterSecretStore").length, 0);
            const v = one(run, CHART, "t-addons-external-secrets").inputs.values as any;
            assert.deepStrictEqual(v.serviceAccount, {
                create: true,
                name: "external-secrets",
                annotations: { "eks.amazonaws.com/role-arn": fakeRoleArn("t-addons-external-secrets-identity") },
            });
            assert.strictEqual(v.installCRDs, true);
            assert.strictEqual(v.webhook.port, 10250);
            assert.strictEqual(v.leaderElect, true, "two controllers must not reconcile at once");
            assert.deepStrictEqual([v.replicaCount, v.certController.replicaCount, v.webhook.replicaCount], [2, 2, 3]);
        });

        it("Argo CD: HA replicas, no Dex, not exposed publicly", () => {
            const v = one(run, CHART, "t-addons-argo-cd").inputs.values as any;
            assert.strictEqual(v.server.replicas, 3);
            assert.strictEqual(v.repoServer.replicas, 3);
            assert.strictEqual(v.applicationSet.replicas, 2, "leader-elected above one replica");
            assert.strictEqual(v.controller.replicas, 1, "one shard for one cluster");
            assert.deepStrictEqual(v.dex, { enabled: false });
            assert.strictEqual(ofType(run, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").length, 0);
        });

        it("lets Prometheus scrape each add-on", () => {
            for (const ns of ["argocd", "falco", "istio", "external-secrets", "velero"]) {
                assert.strictEqual(
                    meta(one(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `t-${ns}-allow-from-monitoring`)).namespace,
                    ns === "istio" ? "istio-system" : ns,
                );
            }
        });
    });

    it("Falco exports a match counter per rule for Prometheus, through its ServiceMonitor, after the observability stack", async () => {
        const { run } = await build({ ...NONE, falco: true }, true, { labels: { release: "monitoring" } });
        const falco = one(run, CHART, "t-addons-falco");
        const v = falco.inputs.values as any;
        assert.deepStrictEqual(v.metrics, { enabled: true, rulesCountersEnabled: true });
        assert.deepStrictEqual(v.serviceMonitor, { create: true, labels: { release: "monitoring" } });
        assert.deepStrictEqual(v.falcosidekick, { enabled: false });
        assert.ok(falco.opts.dependsOn.includes(one(run, "kubernetes:core/v1:ConfigMap", "t-monitoring-ready").urn), "waits for the ServiceMonitor CRD");
        // Without labels (Prometheus selects every ServiceMonitor) the chart gets none.
        const plain = (await build({ ...NONE, falco: true })).run;
        assert.deepStrictEqual((one(plain, CHART, "t-addons-falco").inputs.values as any).serviceMonitor, { create: true, labels: {} });
    });

    it("each switch installs only its own charts", async () => {
        const { run } = await build({ ...NONE, falco: true });
        assert.deepStrictEqual(
            ofType(run, CHART).map((c) => c.name),
            ["t-addons-falco"],
        );
    });

    it("third-party charts off: add-on charts are skipped and reported as skipped", async () => {
        const { run } = await build(ALL, false);
        assert.strictEqual(ofType(run, CHART).length, 0);
        assert.strictEqual(ofType(run, "kubernetes:security.istio.io/v1:PeerAuthentication").length, 1);
        const skipped = skippedCharts(ALL, false);
        for (const k of [
            "argoCd",
            "istioBase",
            "istiod",
            "istioCni",
            "ztunnel",
            "falco",
            "externalSecrets",
            "velero",
            "certManager",
            "envoyGateway",
            "ollama",
        ]) {
            assert.ok(skipped.includes(k as never), `${k} is reported skipped`);
        }
        assert.ok(!skipped.includes("jamie") && !skipped.includes("scarlet"));
        assert.deepStrictEqual(skippedCharts(ALL, true), []);
        assert.ok(!skippedCharts(NONE, false).includes("falco"));
    });
});
