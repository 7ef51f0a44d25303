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
import type { ClusterTarget, SecretManager } from "../contract";
import { controllerResources, cpuMillis, LIMIT_RANGE, memoryMi, type QuotaHard, type Resources } from "./budgets";
import { CHARTS, installChart, InstalledChart } from "./charts";
import type { FoundationNamespace, PodSecurityLevel } from "./foundation";
import type { ComponentLayout } from "./layout";
import type { FlowSpec } from "./networkPolicies";
import { controllerReplicas, topologySpread } from "./scheduling";
import { VELERO_LAYOUT, VELERO_RESOURCES } from "./velero";

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

/**
 * Istio's release images: the official registry at the pinned charts' version (Istio's chart
 * version is its release version). Set explicitly because a chart packaged from Istio's git tree
 * (as the test mirror's are, ../shared/charts/README.md) keeps the development defaults
 * `gcr.io/istio-testing` and `latest`; the published charts carry these same values.
 */
export const ISTIO_IMAGES = { hub: "docker.io/istio", tag: CHARTS.istiod.version };

/**
 * Add-on containers' resources in production (dev: `controllerResources`, a quarter of the CPU
 * request). Argo CD's are the chart's commented examples (argo-cd 9.5.11 values.yaml) with memory
 * limits raised where a container holds state in memory (the application controller's cluster
 * cache, the repo server's manifest generation); External Secrets' start from the chart's example
 * request (10m / 32Mi). istiod: Istio's load test (1,000 services, 2,000 pods, 70,000 requests/s)
 * measured istiod at 1 vCPU and 1.5 GB (istio.io, "Performance and Scalability"), far above this
 * platform's mesh, so 1 vCPU / 2 GiB is its limit and the request keeps the chart's 500m CPU with
 * 1 GiB of memory (the chart's default 2 GiB request exceeds the LimitRange's 512 MiB default
 * limit, and the API server refuses such a pod). ztunnel's default request (200m / 512 MiB) is
 * sized for a 200,000-pod cluster (its values.yaml); the platform's clusters run hundreds.
 * ztunnel reads its CPU limit as its worker-thread count (ZTUNNEL_CPU_LIMIT), so it gets a whole
 * core; istio-cni keeps the chart's request. Falco: the chart's commented example (falco 9.1.0
 * values.yaml, 100m / 512 Mi request, 1 CPU / 1 GiB limit), the same in dev (`addonResources`).
 * Every limit is within the LimitRange's maximum.
 */
export const ADDON_RESOURCES = {
    argoCdController: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    argoCdServer: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    argoCdRepoServer: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
    argoCdCopyutil: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
    argoCdApplicationSet: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    argoCdNotifications: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    argoCdRedis: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    argoCdRedisSecretInit: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    istiod: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
    istioCni: { requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ztunnel: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    externalSecrets: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    externalSecretsWebhook: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    externalSecretsCertController: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    falco: { requests: { cpu: "100m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
} as const satisfies Record<string, Resources>;

/** A container of ADDON_RESOURCES. */
export type AddonContainer = keyof typeof ADDON_RESOURCES;

/**
 * A container's resources in an environment, as the add-on values set them: `controllerResources`
 * (dev: a quarter of the CPU request), except Falco's, which keep their figures in dev too.
 */
export function addonResources(k: AddonContainer, environment: Environment): Resources {
    return k === "falco" ? ADDON_RESOURCES.falco : controllerResources(ADDON_RESOURCES[k], environment);
}

/**
 * istiod's HPA maximum (`pilot.autoscaleMax`), in both environments: the chart's default (istiod
 * 1.29.2 values.yaml), set explicitly so its namespace quota is computed from the same figure.
 */
export const ISTIOD_MAX_REPLICAS = 5;

/**
 * Replica counts of the add-ons' workloads: serving workloads run 3 in prod (the pack's minimum),
 * leader-elected controllers 2 (`controllerReplicas`); dev runs one of each.
 */
export function addonReplicas(environment: Environment): { serving: number; leaderElected: number } {
    const prod = environment === "prod";
    return { serving: prod ? 3 : 1, leaderElected: controllerReplicas(prod) };
}

/** One workload an add-on's charts run, as its namespace's quota counts it. */
export interface AddonWorkload {
    /** The workload's name in the rendered chart (without the release prefix), e.g. `istiod`. */
    name: string;
    /**
     * `Deployment`: `replicas` plus one surge pod (a rolling update's `maxSurge` of 25 % rounds up
     * to 1 up to 4 replicas; istiod's is set to 1); `DaemonSet`: one pod per node at the cluster's
     * `maxNodes` plus one surge pod (ztunnel's `maxSurge: 1`); `StatefulSet` and `Job`: `replicas`.
     */
    kind: "Deployment" | "DaemonSet" | "StatefulSet" | "Job";
    /** Pods at the most (Deployment: its HPA maximum, if it has one); not used for a DaemonSet. */
    replicas: number;
    /** Each container's resources. */
    containers: Resources[];
    /** Each init container's resources (the quota counts a pod at the larger of their maximum and the containers' sum). */
    initContainers?: Resources[];
}

/**
 * A container the chart gives no resources to, as the API server admits it: the namespace
 * LimitRange's defaults (Falco's falcoctl containers, whose resources the add-on leaves unset).
 */
const LIMIT_RANGE_DEFAULT: Resources = { requests: LIMIT_RANGE.defaultRequest, limits: LIMIT_RANGE.default };

/**
 * What each add-on's charts run in an environment (rendered from the pinned charts with the
 * values below: argo-cd 9.5.11, istiod / istio-cni / ztunnel 1.29.2, falco 9.1.0,
 * external-secrets 2.8.0; velero 12.1.0 from its values in velero.ts, the chart not being in the mirror), with the replica counts and ADDON_RESOURCES the values use, so the
 * quota cannot drift from the values. Argo CD's redis-secret-init hook Job is counted (it runs
 * during every install and upgrade).
 */
export function addonWorkloads(addon: keyof OptionalAddons, environment: Environment): AddonWorkload[] {
    const { serving, leaderElected } = addonReplicas(environment);
    const r = (k: AddonContainer): Resources => addonResources(k, environment);
    switch (addon) {
        case "argocd":
            return [
                { name: "argocd-server", kind: "Deployment", replicas: serving, containers: [r("argoCdServer")] },
                {
                    name: "argocd-repo-server",
                    kind: "Deployment",
                    replicas: serving,
                    containers: [r("argoCdRepoServer")],
                    initContainers: [r("argoCdCopyutil")],
                },
                { name: "argocd-applicationset-controller", kind: "Deployment", replicas: leaderElected, containers: [r("argoCdApplicationSet")] },
                { name: "argocd-notifications-controller", kind: "Deployment", replicas: 1, containers: [r("argoCdNotifications")] },
                { name: "argocd-redis", kind: "Deployment", replicas: 1, containers: [r("argoCdRedis")] },
                { name: "argocd-application-controller", kind: "StatefulSet", replicas: 1, containers: [r("argoCdController")] },
                { name: "argocd-redis-secret-init", kind: "Job", replicas: 1, containers: [r("argoCdRedisSecretInit")] },
            ];
        case "istio":
            return [
                { name: "istiod", kind: "Deployment", replicas: ISTIOD_MAX_REPLICAS, containers: [r("istiod")] },
                { name: "istio-cni-node", kind: "DaemonSet", replicas: 0, containers: [r("istioCni")] },
                { name: "ztunnel", kind: "DaemonSet", replicas: 0, containers: [r("ztunnel")] },
            ];
        case "falco":
            // The falco container, falcoctl's rule follower beside it and its installer as init container.
            return [{ name: "falco", kind: "DaemonSet", replicas: 0, containers: [r("falco"), LIMIT_RANGE_DEFAULT], initContainers: [LIMIT_RANGE_DEFAULT] }];
        case "externalSecrets":
            return [
                { name: "external-secrets", kind: "Deployment", replicas: leaderElected, containers: [r("externalSecrets")] },
                { name: "external-secrets-webhook", kind: "Deployment", replicas: serving, containers: [r("externalSecretsWebhook")] },
                { name: "external-secrets-cert-controller", kind: "Deployment", replicas: leaderElected, containers: [r("externalSecretsCertController")] },
            ];
        case "velero":
            // One server (no leader election: policy singletons) with the cloud's plugin as init container; no node agent.
            return [
                {
                    name: "velero",
                    kind: "Deployment",
                    replicas: 1,
                    containers: [controllerResources(VELERO_RESOURCES.server, environment)],
                    initContainers: [VELERO_RESOURCES.plugin],
                },
            ];
    }
}

/** How many pods of a workload the quota must admit at once on a cluster of `maxNodes` nodes. */
export function workloadPods(w: AddonWorkload, maxNodes: number): number {
    switch (w.kind) {
        case "Deployment":
            return w.replicas + 1;
        case "DaemonSet":
            return maxNodes + 1;
        default:
            return w.replicas;
    }
}

/**
 * The ResourceQuota `hard` map of an add-on's namespace on a cluster of `maxNodes` nodes
 * (`ClusterTarget.maxNodes`): the sum over `addonWorkloads` of pods x each pod's requests and
 * limits (a pod counts at the larger of its containers' sum and its largest init container, as the
 * API server counts it), rounded up to whole CPUs and GiB; `pods` twice the pod count (room for
 * completed Jobs and evicted pods). No volumes, load balancers or node ports: the add-ons use none.
 * Example: Istio in prod on 27 nodes admits 6 istiod pods and 28 of each node agent, limits
 * 6 x 1 + 28 x (0.5 + 1) = 48 CPU.
 */
export function addonQuota(addon: keyof OptionalAddons, environment: Environment, maxNodes: number): QuotaHard {
    if (!Number.isInteger(maxNodes) || maxNodes < 1) {
        throw new Error(`addonQuota: maxNodes must be a positive whole number of nodes, found ${String(maxNodes)}`);
    }
    const sum = { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
    for (const w of addonWorkloads(addon, environment)) {
        const n = workloadPods(w, maxNodes);
        const pod = (pick: (c: Resources) => number): number =>
            Math.max(
                w.containers.reduce((t, c) => t + pick(c), 0),
                ...(w.initContainers ?? []).map(pick),
            );
        sum.requestsCpu += n * pod((c) => cpuMillis(c.requests.cpu));
        sum.requestsMemory += n * pod((c) => memoryMi(c.requests.memory));
        sum.limitsCpu += n * pod((c) => cpuMillis(c.limits.cpu));
        sum.limitsMemory += n * pod((c) => memoryMi(c.limits.memory));
        sum.pods += n;
    }
    const cpus = (m: number): string => String(Math.ceil(m / 1000));
    const gib = (mi: number): string => `${Math.ceil(mi / 1024)}Gi`;
    return {
        "requests.cpu": cpus(sum.requestsCpu),
        "requests.memory": gib(sum.requestsMemory),
        "limits.cpu": cpus(sum.limitsCpu),
        "limits.memory": gib(sum.limitsMemory),
        pods: String(sum.pods * 2),
        "requests.storage": "0",
        persistentvolumeclaims: "0",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/** Name of the ClusterSecretStore External Secrets gets (one per cluster, cluster-wide). */
export const CLUSTER_SECRET_STORE = "cloud-secrets";

/** The API version of External Secrets' stores the pinned chart (2.8.0) serves and stores. */
export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/** The warning a cluster without a secret manager gets when External Secrets is on. */
export const NO_SECRET_STORE_WARNING =
    "External Secrets is on but this cluster has no cloud secret manager (DigitalOcean or an existing cluster): no ClusterSecretStore is created; add your own SecretStore (docs/platform.md)";

/**
 * The `spec` of the ClusterSecretStore that reads `sm` as the operator's own workload identity
 * (the ServiceAccount `serviceAccount` in `namespace`, bound with `secretManagerAccess: "read"`):
 * - AWS: `provider.aws`, service SecretsManager in `region`, `auth.jwt.serviceAccountRef` (IRSA);
 * - GCP: `provider.gcpsm` in `project`, `auth.workloadIdentity` with the cluster's location and name;
 * - Azure: `provider.azurekv`, `authType: WorkloadIdentity`, the secrets vault's `vaultUrl`.
 * Throws, naming the field, when `sm` lacks what its kind needs.
 */
export function clusterSecretStoreSpec(sm: SecretManager, namespace: string, serviceAccount: string): pulumi.Output<{ provider: Record<string, unknown> }> {
    type Spec = { provider: Record<string, unknown> };
    const need = <T>(v: T | undefined, field: string): T => {
        if (v === undefined) {
            throw new Error(`secretManager of kind ${sm.kind} has no ${field}`);
        }
        return v;
    };
    const serviceAccountRef = { name: serviceAccount, namespace };
    switch (sm.kind) {
        case "awsSecretsManager":
            return pulumi
                .output(need(sm.region, "region"))
                .apply((region): Spec => ({ provider: { aws: { service: "SecretsManager", region, auth: { jwt: { serviceAccountRef } } } } }));
        case "gcpSecretManager": {
            const projectID = need(sm.project, "project");
            const clusterLocation = need(sm.clusterLocation, "clusterLocation");
            return need(sm.clusterName, "clusterName").apply((clusterName): Spec => ({
                provider: { gcpsm: { projectID, auth: { workloadIdentity: { clusterLocation, clusterName, serviceAccountRef } } } },
            }));
        }
        case "azureKeyVault":
            return need(sm.vaultUrl, "vaultUrl").apply((vaultUrl): Spec => ({
                provider: { azurekv: { authType: "WorkloadIdentity", vaultUrl, serviceAccountRef } },
            }));
    }
}

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
    /** External Secrets' ClusterSecretStore on the cloud's secret manager (on, and the cluster has one). */
    public readonly clusterSecretStore?: CustomResource;
    /** What the add-ons could not set up (the report shows them with the cluster's warnings). */
    public readonly warnings: string[] = [];

    constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Addons", name, {}, opts);
        const prod = args.environment === "prod";
        // Replicas and resources as addonWorkloads counts them for the namespaces' quotas.
        const { serving, leaderElected } = addonReplicas(args.environment);
        const res = (k: AddonContainer): Resources => addonResources(k, args.environment);
        const probe = { enabled: true };
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
                        server: { replicas: serving, pdb, resources: res("argoCdServer") },
                        repoServer: { replicas: serving, pdb, resources: res("argoCdRepoServer"), copyutil: { resources: res("argoCdCopyutil") } },
                        // Leader election is on above one replica (the chart's argocd-cmd-params-cm preset).
                        applicationSet: { replicas: leaderElected, pdb, resources: res("argoCdApplicationSet"), livenessProbe: probe, readinessProbe: probe },
                        // One shard: the controller manages this cluster only (policy: singletons).
                        controller: { replicas: 1, pdb, resources: res("argoCdController") },
                        // The chart fixes replicas: 1 for both (policy: singletons).
                        notifications: { resources: res("argoCdNotifications"), livenessProbe: probe, readinessProbe: probe },
                        redis: { resources: res("argoCdRedis"), livenessProbe: probe, readinessProbe: probe },
                        redisSecretInit: { resources: res("argoCdRedisSecretInit") },
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
                        global: { hub: ISTIO_IMAGES.hub, tag: ISTIO_IMAGES.tag },
                        // The chart copies `pilot.*` to its top level (templates/zzy_descope_legacy.yaml).
                        pilot: {
                            autoscaleMin: serving,
                            autoscaleMax: ISTIOD_MAX_REPLICAS,
                            replicaCount: serving,
                            // One surge pod in a rollout (the chart's 100 % would double istiod), as its quota counts.
                            rollingMaxSurge: 1,
                            topologySpreadConstraints: prod ? topologySpread(zones, { app: "istiod" }) : [],
                            resources: res("istiod"),
                            seccompProfile: { type: "RuntimeDefault" },
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
                    values: {
                        profile: "ambient",
                        global: { hub: ISTIO_IMAGES.hub, tag: ISTIO_IMAGES.tag },
                        resources: res("istioCni"),
                        seccompProfile: { type: "RuntimeDefault" },
                        ...o.istioCni,
                    },
                },
                { parent: this, dependsOn: afterBase },
            );
            const ztunnel = installChart(
                {
                    key: "ztunnel",
                    name: `${name}-ztunnel`,
                    namespace: ns.name,
                    chartMirror: args.chartMirror,
                    // ztunnel's chart reads hub and tag at its top level, not under global.
                    values: { hub: ISTIO_IMAGES.hub, tag: ISTIO_IMAGES.tag, resources: res("ztunnel"), ...o.ztunnel },
                },
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
                        resources: res("falco"),
                        ...o.falco,
                    },
                },
                { parent: this, dependsOn: [...ns.children, ...(args.monitoringDependsOn ?? [])] },
            );
        }

        if (args.addons.externalSecrets) {
            const ns = nsOf("externalSecrets");
            // The operator reads the cloud's secret manager as its own cloud identity: the secrets under
            // the cluster's prefix (contract.ts SecretManager).
            const sm = args.target.secretManager;
            const identity = args.target.workloadIdentity.bind(
                `${name}-external-secrets-identity`,
                {
                    namespace: ADDON_LAYOUT.externalSecrets.namespace,
                    serviceAccount: "external-secrets",
                    objectStoreAccess: "none",
                    secretManagerAccess: sm ? "read" : "none",
                },
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
                        // The controller and the certificate controller elect a leader (policy: leaderElected).
                        leaderElect: true,
                        replicaCount: leaderElected,
                        podDisruptionBudget: pdb,
                        resources: res("externalSecrets"),
                        // The health server (--live-addr, port 8082) serves both probes.
                        livenessProbe: probe,
                        readinessProbe: probe,
                        serviceAccount: { create: true, name: "external-secrets", annotations: identity.serviceAccountAnnotations },
                        podLabels: identity.podLabels,
                        webhook: {
                            replicaCount: serving,
                            port: ADDON_LAYOUT.externalSecrets.ports.webhook,
                            podDisruptionBudget: pdb,
                            resources: res("externalSecretsWebhook"),
                            livenessProbe: probe,
                        },
                        certController: {
                            replicaCount: leaderElected,
                            podDisruptionBudget: pdb,
                            resources: res("externalSecretsCertController"),
                            livenessProbe: probe,
                        },
                        ...o.externalSecrets,
                    },
                },
                { parent: this, dependsOn: ns.children },
            );
            if (sm) {
                // The store's CRD comes with the chart (installCRDs).
                const chart = this.charts.externalSecrets;
                this.clusterSecretStore = new CustomResource(
                    `${name}-cluster-secret-store`,
                    {
                        apiVersion: EXTERNAL_SECRETS_API,
                        kind: "ClusterSecretStore",
                        metadata: { name: CLUSTER_SECRET_STORE },
                        spec: clusterSecretStoreSpec(sm, ADDON_LAYOUT.externalSecrets.namespace, "external-secrets"),
                    },
                    { parent: this, dependsOn: [...ns.children, ...(chart ? [chart] : [])] },
                );
            } else {
                this.warnings.push(NO_SECRET_STORE_WARNING);
            }
        }

        this.registerOutputs({ addons: args.addons });
    }
}
