/**
 * cert-manager and the platform's ClusterIssuers: Let's Encrypt staging and production (ACME
 * HTTP-01, answered through the Gateway's plain-HTTP listener) and a private CA (a self-signed
 * root certificate -> a CA issuer) for internal certificates (database TLS, service certificates).
 * Created before the data services so they can ask for certificates from the private CA.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, IssuerName } from "../types";
import type { ClusterTarget } from "../contract";
import { installChart, InstalledChart } from "./charts";
import type { FoundationNamespace } from "./foundation";
import { LAYOUT } from "./layout";
import { controllerReplicas, topologySpread } from "./scheduling";

/** Let's Encrypt ACME directories. */
export const ACME_SERVERS: Record<Exclude<IssuerName, "private-ca">, string> = {
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
};

/** Name of the platform's Gateway (ACME HTTP-01 challenges are routed through it). */
export const GATEWAY_NAME = "platform";

/** Name of the Gateway's plain-HTTP listener (redirects and ACME HTTP-01 challenges only). */
export const HTTP_LISTENER = "http";

/** Secret holding the private CA's root certificate and key (in cert-manager's namespace). */
export const PRIVATE_CA_SECRET = "platform-root-ca";

/** ClusterIssuer names, by issuer. */
export const ISSUER_NAMES: Record<IssuerName, string> = {
    "letsencrypt-staging": "letsencrypt-staging",
    "letsencrypt-prod": "letsencrypt-prod",
    "private-ca": "private-ca",
};

/** Arguments of CertManager. */
export interface CertManagerArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** `prod` runs the controller, webhook and CA injector with two replicas over zones and PDBs. */
    environment: Environment;
    /** cert-manager's namespace (and service account) from the Foundation. */
    namespace: FoundationNamespace;
    /** Namespace of the platform's Gateway (for the HTTP-01 solver's parent reference). */
    gatewayNamespace: pulumi.Input<string>;
    /** Contact e-mail for Let's Encrypt. */
    acmeEmail: string;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /**
     * What the chart waits for beyond its namespace: the Gateway API CRDs (GatewayController),
     * since cert-manager runs with Gateway API support on and stops at start without them.
     * @default []
     */
    dependsOn?: pulumi.Resource[];
    /**
     * Raw values merged over the platform's (escape hatch).
     * @default {}
     */
    chartOverrides?: Record<string, unknown>;
}

/** cert-manager, the Let's Encrypt issuers and the private CA issuer. */
export class CertManager extends pulumi.ComponentResource {
    /** The cert-manager chart (undefined when third-party charts are off). */
    public readonly chart?: InstalledChart;
    /** ClusterIssuer names, by issuer. */
    public readonly issuers: Record<IssuerName, string>;
    /** Everything a Certificate must wait for: the namespace, the chart and the issuers. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:CertManager", name, {}, opts);
        const prod = args.environment === "prod";
        const zones = args.target.zones;
        const cmNs = args.namespace;

        // cert-manager: the controller runs as the Foundation's service account.
        // The controller and the CA injector are leader-elected (HA at 2); the webhook serves admission
        // requests for every cert-manager object, so it runs 3 like any serving workload.
        const replicas = controllerReplicas(prod);
        const pdb = { enabled: prod, maxUnavailable: 1 };
        this.chart = installChart(
            {
                key: "certManager",
                name: `${name}-chart`,
                namespace: cmNs.name,
                chartMirror: args.chartMirror,
                values: {
                    crds: { enabled: true, keep: true },
                    replicaCount: replicas,
                    podDisruptionBudget: pdb,
                    topologySpreadConstraints: prod ? topologySpread(zones, { "app.kubernetes.io/name": "cert-manager" }) : [],
                    serviceAccount: { create: false, name: cmNs.serviceAccountName },
                    // Gateway API support: HTTP-01 challenges answered through the Gateway.
                    config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", enableGatewayAPI: true },
                    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                    prometheus: { enabled: true, servicemonitor: { enabled: false } },
                    webhook: {
                        replicaCount: prod ? 3 : 1,
                        podDisruptionBudget: pdb,
                        securePort: LAYOUT.certManager.ports.webhook,
                        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                    },
                    // The post-install check Job (a Helm hook the engine runs as an ordinary Job).
                    startupapicheck: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } } },
                    cainjector: {
                        replicaCount: replicas,
                        podDisruptionBudget: pdb,
                        resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "512Mi" } },
                    },
                    ...args.chartOverrides,
                },
            },
            { parent: this, dependsOn: [...cmNs.children, ...(args.dependsOn ?? [])] },
        );

        const cmReady = [...cmNs.children, ...(this.chart ? [this.chart] : [])];

        // ClusterIssuers: Let's Encrypt (HTTP-01 through the Gateway's HTTP listener) and a private CA.
        const acme = (issuer: Exclude<IssuerName, "private-ca">): CustomResource =>
            new CustomResource(
                `${name}-${issuer}`,
                {
                    apiVersion: "cert-manager.io/v1",
                    kind: "ClusterIssuer",
                    metadata: { name: issuer },
                    spec: {
                        acme: {
                            server: ACME_SERVERS[issuer],
                            email: args.acmeEmail,
                            privateKeySecretRef: { name: `${issuer}-account-key` },
                            solvers: [
                                {
                                    http01: {
                                        gatewayHTTPRoute: {
                                            parentRefs: [
                                                {
                                                    group: "gateway.networking.k8s.io",
                                                    kind: "Gateway",
                                                    name: GATEWAY_NAME,
                                                    namespace: args.gatewayNamespace,
                                                    sectionName: HTTP_LISTENER,
                                                },
                                            ],
                                        },
                                    },
                                },
                            ],
                        },
                    },
                },
                { parent: this, dependsOn: cmReady },
            );
        const staging = acme("letsencrypt-staging");
        const production = acme("letsencrypt-prod");
        const selfSigned = new CustomResource(
            `${name}-selfsigned-bootstrap`,
            { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "selfsigned-bootstrap" }, spec: { selfSigned: {} } },
            { parent: this, dependsOn: cmReady },
        );
        const rootCa = new CustomResource(
            `${name}-private-root-ca`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: PRIVATE_CA_SECRET, namespace: cmNs.name },
                spec: {
                    isCA: true,
                    commonName: "agent-platform private root CA",
                    secretName: PRIVATE_CA_SECRET,
                    duration: "87600h",
                    renewBefore: "720h",
                    privateKey: { algorithm: "ECDSA", size: 384, rotationPolicy: "Always" },
                    issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: "selfsigned-bootstrap" },
                },
            },
            { parent: this, dependsOn: [selfSigned] },
        );
        const privateCa = new CustomResource(
            `${name}-private-ca`,
            { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "private-ca" }, spec: { ca: { secretName: PRIVATE_CA_SECRET } } },
            { parent: this, dependsOn: [rootCa] },
        );
        this.issuers = ISSUER_NAMES;
        const issuerResources = [staging, production, selfSigned, rootCa, privateCa];
        this.ready = [...cmReady, ...issuerResources];
        this.registerOutputs({ issuers: this.issuers });
    }
}
