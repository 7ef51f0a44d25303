/**
 * The edge: TLS for everything that leaves the cluster. Envoy Gateway (a maintained Gateway API
 * implementation; the community ingress-nginx controller was retired in March 2026) and
 * cert-manager with three ClusterIssuers: Let's Encrypt staging and production (ACME HTTP-01
 * answered through the gateway) and a private CA (self-signed root -> CA issuer) for internal
 * certificates. One Gateway with an HTTPS listener per public host, each with its certificate,
 * and an HTTP listener whose only route redirects to HTTPS. Only the routes given in `routes`
 * are public (Jamie's portal and Grafana).
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, IssuerName } from "../../config/types";
import type { ClusterTarget } from "../contract";
import { installChart, InstalledChart } from "./charts";
import type { FoundationNamespace } from "./foundation";
import { LAYOUT } from "./layout";
import { kebab, NAMESPACE_NAME_LABEL } from "./networkPolicies";
import { topologySpread } from "./scheduling";

/** Let's Encrypt ACME directories. */
export const ACME_SERVERS: Record<Exclude<IssuerName, "private-ca">, string> = {
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
};

/** Envoy Gateway's controller name (GatewayClass `spec.controllerName`). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/** Name of the platform's Gateway, GatewayClass and EnvoyProxy. */
export const GATEWAY_NAME = "platform";

/** Name of the Gateway's plain-HTTP listener (redirects and ACME HTTP-01 challenges only). */
export const HTTP_LISTENER = "http";

/** Secret holding the private CA's root certificate and key (in cert-manager's namespace). */
export const PRIVATE_CA_SECRET = "platform-root-ca";

/** One public host: a hostname, its backend Service, and the namespace the route lives in. */
export interface PublicRoute {
    /** Short name: the listener is `https-<name>`, the certificate `<name>-tls`. */
    name: string;
    /** Fully qualified hostname, e.g. `jamie.agents.example.com`. */
    hostname: string;
    /** Namespace of the backend Service (the HTTPRoute is created there). */
    namespace: pulumi.Input<string>;
    /** Plain namespace name, for the listener's allowed-routes selector. */
    namespaceName: string;
    /** Backend Service name. */
    serviceName: pulumi.Input<string>;
    /** Backend Service port. */
    servicePort: pulumi.Input<number>;
    /** Resources the route must wait for (the backend's chart). */
    dependsOn?: pulumi.Resource[];
}

/** Arguments of the Edge. */
export interface EdgeArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** `prod` runs controllers and proxies with replicas over zones; `dev` with one. */
    environment: Environment;
    /** The gateway's namespace from the Foundation. */
    gatewayNamespace: FoundationNamespace;
    /** cert-manager's namespace from the Foundation. */
    certManagerNamespace: FoundationNamespace;
    /** Contact e-mail for Let's Encrypt. */
    acmeEmail: string;
    /** Issuer of the public certificates (`letsencrypt-prod`, `letsencrypt-staging`, `private-ca`). */
    issuer: IssuerName;
    /** Public hosts; nothing else is routed from outside. */
    routes: PublicRoute[];
    /** Install the third-party charts (cert-manager, Envoy Gateway). */
    thirdPartyCharts: boolean;
    /**
     * Raw values merged over the platform's for each chart (escape hatch).
     * @default {}
     */
    chartOverrides?: { certManager?: Record<string, unknown>; envoyGateway?: Record<string, unknown> };
}

/** Gateway API and cert-manager objects, typed loosely: they are CustomResources. */
type Cr = CustomResource;

/** cert-manager, Envoy Gateway, the ClusterIssuers, the Gateway, its certificates and routes. */
export class Edge extends pulumi.ComponentResource {
    /** The cert-manager chart (undefined when third-party charts are off). */
    public readonly certManager?: InstalledChart;
    /** The Envoy Gateway chart (undefined when third-party charts are off). */
    public readonly envoyGateway?: InstalledChart;
    /** ClusterIssuer names, by issuer. */
    public readonly issuers: Record<IssuerName, string>;
    /** The platform's Gateway. */
    public readonly gateway: Cr;
    /** Public URLs by route name (`https://<hostname>`). */
    public readonly urls: Record<string, string>;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Edge", name, {}, opts);
        const prod = args.environment === "prod";
        const zones = args.target.zones;
        const gwNs = args.gatewayNamespace;
        const cmNs = args.certManagerNamespace;
        const overrides = args.chartOverrides ?? {};

        // cert-manager: the controller runs as the Foundation's service account.
        const replicas = prod ? 2 : 1;
        const pdb = { enabled: prod, maxUnavailable: 1 };
        this.certManager = installChart(
            {
                key: "certManager",
                name: `${name}-cert-manager`,
                namespace: cmNs.name,
                thirdPartyCharts: args.thirdPartyCharts,
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
                        replicaCount: replicas,
                        podDisruptionBudget: pdb,
                        securePort: LAYOUT.certManager.ports.webhook,
                        resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                    },
                    cainjector: {
                        replicaCount: replicas,
                        podDisruptionBudget: pdb,
                        resources: { requests: { cpu: "20m", memory: "128Mi" }, limits: { cpu: "200m", memory: "512Mi" } },
                    },
                    ...overrides.certManager,
                },
            },
            { parent: this, dependsOn: cmNs.children },
        );

        // Envoy Gateway: the controller; it creates the Envoy proxies for each Gateway.
        this.envoyGateway = installChart(
            {
                key: "envoyGateway",
                name: `${name}-envoy-gateway`,
                namespace: gwNs.name,
                releaseName: "envoy-gateway",
                thirdPartyCharts: args.thirdPartyCharts,
                values: {
                    createNamespace: false,
                    deployment: {
                        replicas,
                        envoyGateway: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1024Mi" } } },
                        pod: { topologySpreadConstraints: prod ? topologySpread(zones, { "app.kubernetes.io/name": "gateway-helm" }) : [] },
                    },
                    podDisruptionBudget: { minAvailable: prod ? 1 : 0 },
                    config: { envoyGateway: { gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER }, provider: { type: "Kubernetes" } } },
                    ...overrides.envoyGateway,
                },
            },
            { parent: this, dependsOn: gwNs.children },
        );
        const cmReady = [...cmNs.children, ...(this.certManager ? [this.certManager] : [])];
        const gwReady = [...gwNs.children, ...(this.envoyGateway ? [this.envoyGateway] : [])];

        // ClusterIssuers: Let's Encrypt (HTTP-01 through the Gateway's HTTP listener) and a private CA.
        const acme = (issuer: Exclude<IssuerName, "private-ca">): Cr =>
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
                                            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY_NAME, namespace: gwNs.name, sectionName: HTTP_LISTENER }],
                                        },
                                    },
                                },
                            ],
                        },
                    },
                },
                { parent: this, dependsOn: cmReady },
            );
        acme("letsencrypt-staging");
        acme("letsencrypt-prod");
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
        new CustomResource(
            `${name}-private-ca`,
            { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "private-ca" }, spec: { ca: { secretName: PRIVATE_CA_SECRET } } },
            { parent: this, dependsOn: [rootCa] },
        );
        this.issuers = { "letsencrypt-staging": "letsencrypt-staging", "letsencrypt-prod": "letsencrypt-prod", "private-ca": "private-ca" };

        // The proxies: replicas over zones, a PDB, an HPA, a load balancer with the client address kept.
        const proxyLabels = { "app.kubernetes.io/managed-by": "envoy-gateway", "app.kubernetes.io/component": "proxy", "gateway.envoyproxy.io/owning-gateway-name": GATEWAY_NAME };
        const envoyProxy = new CustomResource(
            `${name}-envoy-proxy`,
            {
                apiVersion: "gateway.envoyproxy.io/v1alpha1",
                kind: "EnvoyProxy",
                metadata: { name: GATEWAY_NAME, namespace: gwNs.name },
                spec: {
                    provider: {
                        type: "Kubernetes",
                        kubernetes: {
                            envoyDeployment: {
                                replicas: prod ? 3 : 1,
                                pod: { topologySpreadConstraints: prod ? topologySpread(zones, proxyLabels) : [] },
                                container: { resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
                            },
                            envoyHpa: prod
                                ? { minReplicas: 3, maxReplicas: 9, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] }
                                : undefined,
                            envoyPDB: { maxUnavailable: 1 },
                            envoyService: { type: "LoadBalancer", externalTrafficPolicy: "Local" },
                        },
                    },
                },
            },
            { parent: this, dependsOn: gwReady },
        );
        const gatewayClass = new CustomResource(
            `${name}-gateway-class`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "GatewayClass",
                metadata: { name: GATEWAY_NAME },
                spec: {
                    controllerName: ENVOY_GATEWAY_CONTROLLER,
                    parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: GATEWAY_NAME, namespace: gwNs.name },
                },
            },
            { parent: this, dependsOn: [envoyProxy] },
        );

        // One certificate per public host, issued by the configured issuer into the gateway's namespace.
        const certificates = args.routes.map(
            (r) =>
                new CustomResource(
                    `${name}-${r.name}-certificate`,
                    {
                        apiVersion: "cert-manager.io/v1",
                        kind: "Certificate",
                        metadata: { name: `${r.name}-tls`, namespace: gwNs.name },
                        spec: {
                            secretName: `${r.name}-tls`,
                            dnsNames: [r.hostname],
                            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: this.issuers[args.issuer] },
                            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                            duration: "2160h",
                            renewBefore: "720h",
                        },
                    },
                    { parent: this, dependsOn: cmReady },
                ),
        );

        // The Gateway: HTTP (redirects and ACME challenges only, same-namespace routes) and one HTTPS
        // listener per host, each accepting routes only from its backend's namespace.
        this.gateway = new CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "Gateway",
                metadata: { name: GATEWAY_NAME, namespace: gwNs.name },
                spec: {
                    gatewayClassName: GATEWAY_NAME,
                    listeners: [
                        { name: HTTP_LISTENER, protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } },
                        ...args.routes.map((r) => ({
                            name: `https-${r.name}`,
                            protocol: "HTTPS",
                            port: 443,
                            hostname: r.hostname,
                            tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: `${r.name}-tls` }] },
                            allowedRoutes: {
                                namespaces: { from: "Selector", selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: r.namespaceName } } },
                                kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
                            },
                        })),
                    ],
                },
            },
            { parent: this, dependsOn: [gatewayClass, ...certificates] },
        );

        // Plain HTTP answers with a permanent redirect to HTTPS and nothing else.
        new CustomResource(
            `${name}-https-redirect`,
            {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: "https-redirect", namespace: gwNs.name },
                spec: {
                    parentRefs: [{ name: GATEWAY_NAME, sectionName: HTTP_LISTENER }],
                    rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
                },
            },
            { parent: this, dependsOn: [this.gateway] },
        );

        // The public routes, each bound to its own HTTPS listener.
        this.urls = {};
        for (const r of args.routes) {
            new CustomResource(
                `${name}-${kebab(r.name)}-route`,
                {
                    apiVersion: "gateway.networking.k8s.io/v1",
                    kind: "HTTPRoute",
                    metadata: { name: r.name, namespace: r.namespace },
                    spec: {
                        parentRefs: [{ name: GATEWAY_NAME, namespace: gwNs.name, sectionName: `https-${r.name}` }],
                        hostnames: [r.hostname],
                        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: r.serviceName, port: r.servicePort }] }],
                    },
                },
                { parent: this, dependsOn: [this.gateway, ...(r.dependsOn ?? [])] },
            );
            this.urls[r.name] = `https://${r.hostname}`;
        }

        this.registerOutputs({ urls: this.urls, issuers: this.issuers });
    }
}
