/**
 * Optional add-ons, each off by default and switched per stack (`platform.addons`): Argo CD,
 * Istio in ambient mode with mesh-wide strict mTLS, Falco, External Secrets Operator. Each gets a
 * namespace from the Foundation (its layout is here, beside the platform's in layout.ts), its
 * chart(s) from the chart table, and the objects that wire it in.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ResourceQuota } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, OptionalAddons } from "../types";
import type { ClusterTarget } from "../contract";
import { installChart, InstalledChart } from "./charts";
import type { FoundationNamespace, PodSecurityLevel } from "./foundation";
import type { ComponentLayout } from "./layout";
import type { FlowSpec } from "./networkPolicies";
import { topologySpread } from "./scheduling";
import { VELERO_LAYOUT } from "./velero";

/** An add-on's place in the port map. */
export interface AddonLayout extends ComponentLayout {
    /** Pod Security level of its namespace (node agents with host access run privileged). */
    podSecurity: PodSecurityLevel;
}

/** Namespaces, ports and reachability of each add-on (merged with LAYOUT when switched on). */
export const ADDON_LAYOUT: Record<keyof OptionalAddons, AddonLayout> = {
    argocd: {
        namespace: "argocd",
        ports: { server: 8080, repoServer: 8081, metrics: 8082 },
        apiServer: true,
        // Git over HTTPS and SSH.
        internetEgress: [443, 22],
        podSecurity: "restricted",
    },
    istio: {
        namespace: "istio-system",
        ports: { xds: 15012, webhook: 15017, monitoring: 15014 },
        apiServer: true,
        apiServerIngress: ["webhook"],
        // istio-cni and ztunnel are node agents: they need host access.
        podSecurity: "privileged",
    },
    falco: {
        namespace: "falco",
        ports: { metrics: 8765 },
        apiServer: true,
        // falcoctl fetches rule updates.
        internetEgress: [443],
        // Falco reads kernel events through eBPF: privileged by design.
        podSecurity: "privileged",
    },
    externalSecrets: {
        namespace: "external-secrets",
        ports: { webhook: 10250, metrics: 8080 },
        apiServer: true,
        // The cloud's secret manager.
        internetEgress: [443],
        apiServerIngress: ["webhook"],
        podSecurity: "restricted",
    },
    // Installed by ConfigurationBackups (velero.ts), not by Addons.
    velero: VELERO_LAYOUT,
};

/** Prometheus scrapes each add-on's metrics. */
export const ADDON_FLOWS: Record<keyof OptionalAddons, FlowSpec[]> = {
    argocd: [{ from: "monitoring", to: "argocd", port: "metrics" }],
    istio: [{ from: "monitoring", to: "istio", port: "monitoring" }],
    falco: [{ from: "monitoring", to: "falco", port: "metrics" }],
    externalSecrets: [{ from: "monitoring", to: "externalSecrets", port: "metrics" }],
    velero: [{ from: "monitoring", to: "velero", port: "metrics" }],
};

/** Platform components enrolled in the ambient mesh when Istio is on (data stores keep their own TLS). */
export const MESHED_COMPONENTS = ["gateway", "jamie", "scarlet", "ollama", "monitoring"] as const;

/** Arguments of the Addons component. */
export interface AddonsArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** `prod` runs controllers with replicas over zones and PDBs; `dev` with one. */
    environment: Environment;
    /** Which add-ons to install. */
    addons: OptionalAddons;
    /** The add-ons' namespaces from the Foundation (present for each switched-on add-on). */
    namespaces: Partial<Record<keyof OptionalAddons, FoundationNamespace>>;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /**
     * Raw values merged over the platform's, by chart key (escape hatch; e.g. Istio's
     * `global.platform: gke` for the CNI's binary directory on GKE).
     * @default {}
     */
    chartOverrides?: Partial<Record<"argoCd" | "istioBase" | "istiod" | "istioCni" | "ztunnel" | "falco" | "externalSecrets", Record<string, unknown>>>;
    /**
     * Labels Prometheus needs on a ServiceMonitor (Observability.monitorLabels), for Falco's.
     * @default {}
     */
    monitorLabels?: Record<string, string>;
    /**
     * What Falco's chart waits for: the observability stack (it brings the ServiceMonitor CRD).
     * @default []
     */
    monitoringDependsOn?: pulumi.Resource[];
}

/** Argo CD, Istio (ambient, STRICT mTLS), Falco and External Secrets Operator, as switched on. */
export class Addons extends pulumi.ComponentResource {
    /** Charts installed, by chart key. */
    public readonly charts: Partial<Record<string, InstalledChart>>;
    /** The mesh-wide PeerAuthentication (Istio on). */
    public readonly peerAuthentication?: CustomResource;

    constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Addons", name, {}, opts);
        const prod = args.environment === "prod";
        const replicas = prod ? 2 : 1;
        const zones = args.target.zones;
        const o = args.chartOverrides ?? {};
        this.charts = {};
        const nsOf = (k: keyof OptionalAddons): FoundationNamespace => {
            const ns = args.namespaces[k];
            if (!ns) {
                throw new pulumi.ResourceError(`add-on ${k} is switched on but the Foundation made no namespace for it`, this);
            }
            return ns;
        };

        if (args.addons.argocd) {
            const ns = nsOf("argocd");
            const pdb = { enabled: prod, maxUnavailable: 1 };
            this.charts.argoCd = installChart(
                {
                    key: "argoCd",
                    name: `${name}-argo-cd`,
                    namespace: ns.name,
                    chartMirror: args.chartMirror,
                    values: {
                        global: { networkPolicy: { create: false } },
                        // Not public: reach the UI with `kubectl port-forward` (docs/platform.md).
                        configs: { params: { "server.insecure": false } },
                        dex: { enabled: false },
                        server: { replicas, pdb },
                        repoServer: { replicas, pdb },
                        applicationSet: { replicas, pdb },
                        controller: { replicas: 1, pdb },
                        ...o.argoCd,
                    },
                },
                { parent: this, dependsOn: ns.children },
            );
        }

        if (args.addons.istio) {
            const ns = nsOf("istio");
            // Node-critical pods outside kube-system need a quota scoped to their priority class (GKE).
            const critical = new ResourceQuota(
                `${name}-istio-node-critical`,
                {
                    metadata: { name: "node-critical-pods", namespace: ns.name },
                    spec: {
                        hard: { pods: "1000" },
                        scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["system-node-critical"] }] },
                    },
                },
                { parent: this, dependsOn: ns.children },
            );
            const ready = [...ns.children, critical];
            const base = installChart(
                {
                    key: "istioBase",
                    name: `${name}-istio-base`,
                    namespace: ns.name,
                    releaseName: "istio-base",
                    chartMirror: args.chartMirror,
                    values: { defaultRevision: "default", ...o.istioBase },
                },
                { parent: this, dependsOn: ready },
            );
            const afterBase = [...ready, ...(base ? [base] : [])];
            const istiod = installChart(
                {
                    key: "istiod",
                    name: `${name}-istiod`,
                    namespace: ns.name,
                    chartMirror: args.chartMirror,
                    values: {
                        profile: "ambient",
                        pilot: {
                            autoscaleMin: replicas,
                            replicaCount: replicas,
                            topologySpreadConstraints: prod ? topologySpread(zones, { app: "istiod" }) : [],
                        },
                        ...o.istiod,
                    },
                },
                { parent: this, dependsOn: afterBase },
            );
            const cni = installChart(
                {
                    key: "istioCni",
                    name: `${name}-istio-cni`,
                    namespace: ns.name,
                    releaseName: "istio-cni",
                    chartMirror: args.chartMirror,
                    values: { profile: "ambient", ...o.istioCni },
                },
                { parent: this, dependsOn: afterBase },
            );
            const ztunnel = installChart(
                { key: "ztunnel", name: `${name}-ztunnel`, namespace: ns.name, chartMirror: args.chartMirror, values: { ...o.ztunnel } },
                { parent: this, dependsOn: afterBase },
            );
            Object.assign(this.charts, { istioBase: base, istiod, istioCni: cni, ztunnel });
            // Mesh-wide strict mTLS: a PeerAuthentication in the root namespace.
            this.peerAuthentication = new CustomResource(
                `${name}-mesh-mtls`,
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "PeerAuthentication",
                    metadata: { name: "default", namespace: ns.name },
                    spec: { mtls: { mode: "STRICT" } },
                },
                { parent: this, dependsOn: [...afterBase, ...[istiod, cni, ztunnel].filter((c): c is InstalledChart => c !== undefined)] },
            );
        }

        if (args.addons.falco) {
            const ns = nsOf("falco");
            this.charts.falco = installChart(
                {
                    key: "falco",
                    name: `${name}-falco`,
                    namespace: ns.name,
                    chartMirror: args.chartMirror,
                    values: {
                        driver: { kind: "modern_ebpf" },
                        tty: true,
                        falcosidekick: { enabled: false },
                        // Falco's Prometheus endpoint (its webserver, :8765) with one match counter per
                        // rule, scraped through the chart's ServiceMonitor; the platform's PrometheusRule
                        // turns matches of Error-or-higher rules into alerts (observability/falcoAlerts.ts).
                        metrics: { enabled: true, rulesCountersEnabled: true },
                        serviceMonitor: { create: true, labels: args.monitorLabels ?? {} },
                        // Every node, dedicated pools included.
                        tolerations: [{ operator: "Exists", effect: "NoSchedule" }],
                        resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                        ...o.falco,
                    },
                },
                { parent: this, dependsOn: [...ns.children, ...(args.monitoringDependsOn ?? [])] },
            );
        }

        if (args.addons.externalSecrets) {
            const ns = nsOf("externalSecrets");
            // The operator reads the cloud's secret manager as its own cloud identity.
            const identity = args.target.workloadIdentity.bind(
                `${name}-external-secrets-identity`,
                { namespace: ADDON_LAYOUT.externalSecrets.namespace, serviceAccount: "external-secrets", objectStoreAccess: "none" },
                { parent: this },
            );
            const pdb = { enabled: prod, maxUnavailable: 1 };
            this.charts.externalSecrets = installChart(
                {
                    key: "externalSecrets",
                    name: `${name}-external-secrets`,
                    namespace: ns.name,
                    chartMirror: args.chartMirror,
                    values: {
                        installCRDs: true,
                        replicaCount: replicas,
                        podDisruptionBudget: pdb,
                        serviceAccount: { create: true, name: "external-secrets", annotations: identity.serviceAccountAnnotations },
                        podLabels: identity.podLabels,
                        webhook: { replicaCount: replicas, port: ADDON_LAYOUT.externalSecrets.ports.webhook, podDisruptionBudget: pdb },
                        certController: { replicaCount: replicas, podDisruptionBudget: pdb },
                        ...o.externalSecrets,
                    },
                },
                { parent: this, dependsOn: ns.children },
            );
        }

        this.registerOutputs({ addons: args.addons });
    }
}
