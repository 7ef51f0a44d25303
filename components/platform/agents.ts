/**
 * The agents: Ollama (the model server, its models on an SSD volume that outlives the release),
 * Jamie and Scarlet from their own charts in `charts/`. Connection strings reach the agents only
 * through Kubernetes Secrets made here from the data services' secret outputs (env via
 * `secretKeyRef`), never as chart values.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { PersistentVolumeClaim, Secret } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { AgentImage, Environment } from "../types";
import type { ClusterTarget } from "../contract";
import { AGENT_EPHEMERAL_STORAGE, agentBudgets, HPA_CPU_PERCENT, HPA_MEMORY_PERCENT, WorkloadBudget } from "./budgets";
import { installChart, InstalledChart } from "./charts";
import type { FoundationNamespace } from "./foundation";
import { LAYOUT, serviceHost } from "./layout";
import { preferRole, tolerateBurst, tolerateRole } from "./scheduling";

/** Secret connection strings from the data services (pulumi secrets). */
export interface AgentConnections {
    /** MongoDB URI for Jamie (TLS, auth). */
    mongodbUri: pulumi.Input<string>;
    /** Redis URL for Jamie (TLS, auth). */
    redisUrl: pulumi.Input<string>;
    /** PostgreSQL URI for Scarlet (TLS). */
    postgresUri: pulumi.Input<string>;
}

/** Name of the Secret holding Jamie's connection strings. */
export const JAMIE_SECRET = "jamie-connections";
/** Name of the Secret holding Scarlet's connection string. */
export const SCARLET_SECRET = "scarlet-connections";
/** Secret of Jamie's certificate from the private CA (its `ca.crt` is the trust anchor Jamie mounts). */
export const JAMIE_INTERNAL_TLS = "jamie-internal-tls";
/** Name of the PersistentVolumeClaim holding Ollama's models. */
export const OLLAMA_MODELS_PVC = "ollama-models";

/** Arguments of the Agents component. */
export interface AgentsArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** Sizes and replica counts come from the per-workload budgets of this environment. */
    environment: Environment;
    /** Namespaces (with their service accounts) from the Foundation. */
    namespaces: { jamie: FoundationNamespace; scarlet: FoundationNamespace; ollama: FoundationNamespace };
    /** Jamie's image (stack config `platform.jamie`). */
    jamie: AgentImage;
    /** Scarlet's image (stack config `platform.scarlet`). */
    scarlet: AgentImage;
    /** Connection strings from the data services; kept secret end to end. */
    connections: AgentConnections;
    /**
     * OTLP endpoint (Tempo) the agents send traces to.
     * @default "" (no trace export)
     */
    otlpEndpoint?: pulumi.Input<string>;
    /**
     * Install the agents' ServiceMonitors (Jamie's health port, Scarlet's metrics port; needs the
     * Prometheus Operator CRDs, i.e. the observability stack).
     * @default true
     */
    serviceMonitor?: boolean;
    /**
     * Labels on the agents' ServiceMonitors so Prometheus selects them.
     * @default {}
     */
    serviceMonitorLabels?: Record<string, string>;
    /**
     * What installs the ServiceMonitor CRD (the observability component): Jamie's and Scarlet's charts wait for it,
     * so the provider can tell the kind's scope and the API server knows it when they render (found by the e2e
     * against a real API server: "failed to determine if the following GVK is namespaced").
     * @default []
     */
    serviceMonitorReady?: pulumi.Resource[];
    /** Conversation history retention, days (Jamie). */
    conversationDays: number;
    /**
     * Models Ollama pulls at start.
     * @default ["llama3.2:3b"]
     */
    ollamaModels?: string[];
    /**
     * ClusterIssuer of the platform's internal certificates; Jamie gets a certificate from it and
     * mounts its CA to verify the data stores' TLS. Empty: no certificate, no CA mounted.
     * @default "private-ca"
     */
    internalIssuer?: string;
    /**
     * Resources the internal certificate waits for (cert-manager and its issuers).
     * @default []
     */
    issuerReady?: pulumi.Resource[];
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /**
     * Protect Ollama's model volume from `pulumi destroy` (it is retained on delete either way).
     * @default true
     */
    protectStateful?: boolean;
    /**
     * Raw values merged over the platform's for each chart (escape hatch).
     * @default {}
     */
    chartOverrides?: { jamie?: Record<string, unknown>; scarlet?: Record<string, unknown>; ollama?: Record<string, unknown> };
}

/** HPA, PDB, replicas, resources, spread and placement values shared by both agent charts. */
export function agentChartValues(
    budget: WorkloadBudget,
    zones: readonly string[],
    nodeRoleLabel: string,
    storageClass: pulumi.Input<string> = "",
): Record<string, unknown> {
    return {
        replicaCount: budget.minReplicas,
        resources: {
            requests: { ...budget.resources.requests, "ephemeral-storage": AGENT_EPHEMERAL_STORAGE.request },
            limits: { ...budget.resources.limits, "ephemeral-storage": AGENT_EPHEMERAL_STORAGE.limit },
        },
        // The storage budget (REQUIREMENTS.md: Jamie 50 GB, Scarlet 100 GB): a volume per pod on the SSD class.
        workspace: { size: budget.workspaceGi ? `${budget.workspaceGi}Gi` : "", storageClass, mountPath: "/workspace" },
        autoscaling: {
            enabled: true,
            minReplicas: budget.minReplicas,
            maxReplicas: budget.maxReplicas,
            targetCPUUtilizationPercentage: HPA_CPU_PERCENT,
            targetMemoryUtilizationPercentage: HPA_MEMORY_PERCENT,
        },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        topologySpread: { enabled: true, zoneWhenUnsatisfiable: zones.length > 1 ? "DoNotSchedule" : "ScheduleAnyway" },
        affinity: preferRole(nodeRoleLabel, "agents"),
        // Stateless and HPA-scaled: may also run on EKS Auto Mode's burst nodes.
        tolerations: [...tolerateRole("agents"), tolerateBurst()],
    };
}

/** Ollama, Jamie and Scarlet, with their connection Secrets. */
export class Agents extends pulumi.ComponentResource {
    /** Jamie's chart. */
    public readonly jamie: InstalledChart;
    /** Scarlet's chart. */
    public readonly scarlet: InstalledChart;
    /** Ollama's chart (undefined when third-party charts are off). */
    public readonly ollama?: InstalledChart;
    /** Jamie's portal Service, for the public route. */
    public readonly jamiePortal: { serviceName: string; port: number };
    /** In-cluster URLs of the agents' internal APIs and of Ollama. */
    public readonly internalUrls: { jamieApi: string; scarletApi: string; ollama: string };

    constructor(name: string, args: AgentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Agents", name, {}, opts);
        const budgets = agentBudgets(args.environment);
        const ns = args.namespaces;
        const zones = args.target.zones;
        const overrides = args.chartOverrides ?? {};
        const protect = args.protectStateful ?? true;
        this.internalUrls = {
            jamieApi: `http://${serviceHost("jamie", "jamie")}:${LAYOUT.jamie.ports.api}`,
            scarletApi: `http://${serviceHost("scarlet", "scarlet")}:${LAYOUT.scarlet.ports.api}`,
            ollama: `http://${serviceHost("ollama", "ollama")}:${LAYOUT.ollama.ports.api}`,
        };

        // Ollama: one replica with its models on an SSD volume the program owns (retained on delete).
        const models = new PersistentVolumeClaim(
            `${name}-ollama-models`,
            {
                metadata: { name: OLLAMA_MODELS_PVC, namespace: ns.ollama.name, labels: { "app.kubernetes.io/name": "ollama" } },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.target.ssdStorageClass,
                    resources: { requests: { storage: `${budgets.ollama.modelVolumeGi}Gi` } },
                },
            },
            { parent: this, dependsOn: ns.ollama.children, protect, retainOnDelete: true },
        );
        this.ollama = installChart(
            {
                key: "ollama",
                name: `${name}-ollama`,
                namespace: ns.ollama.name,
                chartMirror: args.chartMirror,
                values: {
                    replicaCount: 1,
                    ollama: { port: LAYOUT.ollama.ports.api, mountPath: "/data/ollama", models: { pull: args.ollamaModels ?? ["llama3.2:3b"] } },
                    serviceAccount: { create: false, name: ns.ollama.serviceAccountName, automount: false },
                    podLabels: ns.ollama.podLabels,
                    podSecurityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                    securityContext: {
                        allowPrivilegeEscalation: false,
                        readOnlyRootFilesystem: true,
                        runAsNonRoot: true,
                        privileged: false,
                        capabilities: { drop: ["ALL"] },
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    // The image's HOME is /root; point it and the model store at the volume.
                    extraEnv: [
                        { name: "HOME", value: "/data/ollama" },
                        { name: "OLLAMA_MODELS", value: "/data/ollama/models" },
                    ],
                    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "2Gi" } }],
                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    resources: budgets.ollama.resources,
                    persistentVolume: {
                        enabled: true,
                        existingClaim: models.metadata.name,
                        storageClass: args.target.ssdStorageClass,
                        size: `${budgets.ollama.modelVolumeGi}Gi`,
                    },
                    updateStrategy: { type: "Recreate" },
                    affinity: preferRole(args.target.nodeRoleLabel, "agents"),
                    tolerations: tolerateRole("agents"),
                    tests: { enabled: false },
                    ...overrides.ollama,
                },
            },
            { parent: this, dependsOn: [...ns.ollama.children, models] },
        );

        // Connection strings: Secrets in the agents' namespaces, from the data services' secret outputs.
        const jamieSecret = new Secret(
            `${name}-jamie-connections`,
            {
                metadata: { name: JAMIE_SECRET, namespace: ns.jamie.name, labels: { "app.kubernetes.io/name": "jamie" } },
                type: "Opaque",
                stringData: { mongodbUri: pulumi.secret(args.connections.mongodbUri), redisUrl: pulumi.secret(args.connections.redisUrl) },
            },
            { parent: this, dependsOn: ns.jamie.children },
        );
        const scarletSecret = new Secret(
            `${name}-scarlet-connections`,
            {
                metadata: { name: SCARLET_SECRET, namespace: ns.scarlet.name, labels: { "app.kubernetes.io/name": "scarlet" } },
                type: "Opaque",
                stringData: { postgresUri: pulumi.secret(args.connections.postgresUri) },
            },
            { parent: this, dependsOn: ns.scarlet.children },
        );

        // Jamie's certificate from the private CA: a client certificate, and its secret's ca.crt is
        // the trust anchor for Redis (and any store whose certificates chain to the private CA).
        const issuer = args.internalIssuer ?? "private-ca";
        const jamieCert = issuer
            ? new CustomResource(
                  `${name}-jamie-internal-tls`,
                  {
                      apiVersion: "cert-manager.io/v1",
                      kind: "Certificate",
                      metadata: { name: JAMIE_INTERNAL_TLS, namespace: ns.jamie.name },
                      spec: {
                          secretName: JAMIE_INTERNAL_TLS,
                          commonName: serviceHost("jamie", "jamie"),
                          dnsNames: [serviceHost("jamie", "jamie")],
                          usages: ["digital signature", "key encipherment", "client auth", "server auth"],
                          privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                          duration: "2160h",
                          renewBefore: "720h",
                          issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: issuer },
                      },
                  },
                  { parent: this, dependsOn: [...ns.jamie.children, ...(args.issuerReady ?? [])] },
              )
            : undefined;

        const otlp = args.otlpEndpoint ?? "";
        this.jamie = installChart(
            {
                key: "jamie",
                name: `${name}-jamie`,
                namespace: ns.jamie.name,
                chartMirror: args.chartMirror,
                values: {
                    image: { repository: args.jamie.repository, tag: args.jamie.tag },
                    serviceAccount: { create: false, name: ns.jamie.serviceAccountName },
                    podLabels: ns.jamie.podLabels,
                    ports: LAYOUT.jamie.ports,
                    ...agentChartValues(budgets.jamie, zones, args.target.nodeRoleLabel, args.target.ssdStorageClass),
                    connections: { secretName: jamieSecret.metadata.name, mongodbUriKey: "mongodbUri", redisUrlKey: "redisUrl" },
                    ollamaUrl: this.internalUrls.ollama,
                    scarletUrl: this.internalUrls.scarletApi,
                    otlpEndpoint: otlp,
                    conversationRetentionDays: args.conversationDays,
                    trust: { secretName: jamieCert ? JAMIE_INTERNAL_TLS : "", caKey: "ca.crt" },
                    serviceMonitor: { enabled: args.serviceMonitor ?? true, path: "/metrics", interval: "30s", labels: args.serviceMonitorLabels ?? {} },
                    ...overrides.jamie,
                },
            },
            { parent: this, dependsOn: [...ns.jamie.children, jamieSecret, ...(jamieCert ? [jamieCert] : []), ...(args.serviceMonitorReady ?? [])] },
        )!;
        this.scarlet = installChart(
            {
                key: "scarlet",
                name: `${name}-scarlet`,
                namespace: ns.scarlet.name,
                chartMirror: args.chartMirror,
                values: {
                    image: { repository: args.scarlet.repository, tag: args.scarlet.tag },
                    serviceAccount: { create: false, name: ns.scarlet.serviceAccountName },
                    podLabels: ns.scarlet.podLabels,
                    ports: LAYOUT.scarlet.ports,
                    ...agentChartValues(budgets.scarlet, zones, args.target.nodeRoleLabel, args.target.ssdStorageClass),
                    connections: { secretName: scarletSecret.metadata.name, postgresUriKey: "postgresUri" },
                    jamieUrl: this.internalUrls.jamieApi,
                    otlpEndpoint: otlp,
                    serviceMonitor: { enabled: args.serviceMonitor ?? true, interval: "30s", labels: args.serviceMonitorLabels ?? {} },
                    ...overrides.scarlet,
                },
            },
            { parent: this, dependsOn: [...ns.scarlet.children, scarletSecret, ...(args.serviceMonitorReady ?? [])] },
        )!;
        this.jamiePortal = { serviceName: "jamie", port: LAYOUT.jamie.ports.portal };

        this.registerOutputs({ jamiePortal: this.jamiePortal, internalUrls: this.internalUrls });
    }
}
