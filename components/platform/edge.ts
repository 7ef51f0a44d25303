/**
 * The edge: TLS for everything that enters the cluster. Envoy Gateway (a maintained Gateway API
 * implementation; the community ingress-nginx controller was retired in March 2026) runs one
 * Gateway with an HTTPS listener per public host, each with its certificate from the configured
 * issuer (see CertManager), and a plain-HTTP listener whose only route redirects to HTTPS (and
 * which answers ACME HTTP-01 challenges). Only the routes given in `routes` are public: Jamie's
 * portal and Grafana.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import type { Environment, IssuerName } from "../types";
import type { ClusterTarget } from "../contract";
import { CertManager, GATEWAY_NAME, HTTP_LISTENER } from "./certManager";
import { installChart, InstalledChart } from "./charts";
import type { FoundationNamespace } from "./foundation";
import { kebab, NAMESPACE_NAME_LABEL } from "./networkPolicies";
import { controllerResources, HPA_CPU_PERCENT, HPA_MEMORY_PERCENT } from "./budgets";
import { controllerReplicas, tolerateBurst, topologySpread } from "./scheduling";

export { GATEWAY_NAME, HTTP_LISTENER };

/** Envoy Gateway's controller name (GatewayClass `spec.controllerName`). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";
/**
 * The proxies' image: Envoy Gateway v1.8.1's own default (`DefaultEnvoyProxyImage` in its
 * api/v1alpha1/shared_types.go), written into the EnvoyProxy so it is in the manifests, in the
 * preview's image list and under the image rule, instead of chosen inside the controller.
 */
export const ENVOY_PROXY_IMAGE = "docker.io/envoyproxy/envoy:distroless-v1.38.1";

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
    /** cert-manager and its issuers (certificates wait for them). */
    certManager: CertManager;
    /** The Envoy Gateway controller (installed before cert-manager: see GatewayController). */
    controller: GatewayController;
    /** Issuer of the public certificates (`letsencrypt-prod`, `letsencrypt-staging`, `private-ca`). */
    issuer: IssuerName;
    /** Public hosts; nothing else is routed from outside. */
    routes: PublicRoute[];
}

/** Arguments of GatewayController. */
export interface GatewayControllerArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** `prod` runs the controller with two replicas over zones; `dev` with one. */
    environment: Environment;
    /** The gateway's namespace from the Foundation. */
    gatewayNamespace: FoundationNamespace;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /**
     * Raw values merged over the platform's (escape hatch).
     * @default {}
     */
    chartOverrides?: Record<string, unknown>;
}

/**
 * The Envoy Gateway controller and, with its chart, the Gateway API CRDs. Installed before
 * cert-manager: cert-manager runs with Gateway API support on (HTTP-01 through the Gateway) and
 * stops at start when those CRDs are missing. The Edge then creates the Gateway and routes.
 */
export class GatewayController extends pulumi.ComponentResource {
    /** The Envoy Gateway chart (undefined when third-party charts are off). */
    public readonly chart?: InstalledChart;
    /** What must exist before anything uses the Gateway API: the namespace and the chart. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: GatewayControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:GatewayController", name, {}, opts);
        const prod = args.environment === "prod";
        const zones = args.target.zones;
        const gwNs = args.gatewayNamespace;
        // The Envoy Gateway controller is leader-elected (HA at 2); traffic flows through the proxies.
        const replicas = controllerReplicas(prod);
        // Envoy Gateway: the controller; it creates the Envoy proxies for each Gateway.
        this.chart = installChart(
            {
                key: "envoyGateway",
                name: name,
                namespace: gwNs.name,
                releaseName: "envoy-gateway",
                chartMirror: args.chartMirror,
                values: {
                    createNamespace: false,
                    deployment: {
                        replicas,
                        envoyGateway: {
                            resources: controllerResources(
                                { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1024Mi" } },
                                args.environment,
                            ),
                            // Merged over the chart's restricted context (non-root 65532, no capabilities).
                            securityContext: { readOnlyRootFilesystem: true },
                        },
                        pod: { topologySpreadConstraints: prod ? topologySpread(zones, { "app.kubernetes.io/name": "gateway-helm" }) : [] },
                    },
                    podDisruptionBudget: { minAvailable: prod ? 1 : 0 },
                    // The certificate-generating Job (a Helm hook the engine runs as an ordinary Job).
                    certgen: { job: { resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "128Mi" } } } },
                    config: { envoyGateway: { gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER }, provider: { type: "Kubernetes" } } },
                    ...args.chartOverrides,
                },
            },
            { parent: this, dependsOn: gwNs.children },
        );
        this.ready = [...gwNs.children, ...(this.chart ? [this.chart] : [])];
        this.registerOutputs({});
    }
}

/** Gateway API and cert-manager objects, typed loosely: they are CustomResources. */
type Cr = CustomResource;

/** cert-manager, Envoy Gateway, the ClusterIssuers, the Gateway, its certificates and routes. */
export class Edge extends pulumi.ComponentResource {
    /** The Envoy Gateway chart (undefined when third-party charts are off). */
    public readonly envoyGateway?: InstalledChart;
    /** The platform's Gateway. */
    public readonly gateway: Cr;
    /** Public URLs by route name (`https://<hostname>`). */
    public readonly urls: Record<string, string>;

    constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Edge", name, {}, opts);
        const prod = args.environment === "prod";
        const zones = args.target.zones;
        const gwNs = args.gatewayNamespace;
        this.envoyGateway = args.controller.chart;
        const cmReady = args.certManager.ready;
        const gwReady = [...gwNs.children, ...(this.envoyGateway ? [this.envoyGateway] : [])];

        // The proxies: replicas over zones, a PDB, an HPA, a load balancer with the client address kept.
        const proxyLabels = {
            "app.kubernetes.io/managed-by": "envoy-gateway",
            "app.kubernetes.io/component": "proxy",
            "gateway.envoyproxy.io/owning-gateway-name": GATEWAY_NAME,
        };
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
                                // Stateless and HPA-scaled: may run on EKS Auto Mode's burst nodes.
                                pod: { topologySpreadConstraints: prod ? topologySpread(zones, proxyLabels) : [], tolerations: [tolerateBurst()] },
                                // Dev: 100m (one proxy for a handful of users on two small nodes).
                                container: {
                                    image: ENVOY_PROXY_IMAGE,
                                    resources: { requests: { cpu: prod ? "250m" : "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                                },
                            },
                            envoyHpa: prod
                                ? {
                                      // Envoy Gateway leaves the proxies' replicas to this HPA (it ignores
                                      // envoyDeployment.replicas when envoyHpa is set); Pulumi never applies them.
                                      minReplicas: 3,
                                      maxReplicas: 9,
                                      metrics: [
                                          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: HPA_CPU_PERCENT } } },
                                          {
                                              type: "Resource",
                                              resource: { name: "memory", target: { type: "Utilization", averageUtilization: HPA_MEMORY_PERCENT } },
                                          },
                                      ],
                                  }
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
                            issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: args.certManager.issuers[args.issuer] },
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

        this.registerOutputs({ urls: this.urls });
    }
}
