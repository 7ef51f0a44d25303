import * as assert from "assert";
import type { IssuerName } from "../../components/types";
import { namespaceQuotas } from "../../components/platform/budgets";
import { CHARTS } from "../../components/platform/charts";
import { CertManager } from "../../components/platform/certManager";
import { Edge, GatewayController } from "../../components/platform/edge";
import { Foundation } from "../../components/platform/foundation";
import { ComponentName, FLOWS, LAYOUT } from "../../components/platform/layout";
import { runWithMocks, RunResult } from "../../preview/harness";
import { fakeTarget } from "./fakeTarget";
import { at, meta, ofType, one, thirdPartyChartsSwitched } from "./helpers";

const CR_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const CERT = "kubernetes:cert-manager.io/v1:Certificate";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const CHART = "kubernetes:helm.sh/v4:Chart";

async function build(opts: { issuer?: IssuerName; thirdPartyCharts?: boolean; environment?: "prod" | "dev" } = {}): Promise<RunResult> {
    return thirdPartyChartsSwitched(opts.thirdPartyCharts, () =>
        runWithMocks(() => {
            const { target } = fakeTarget();
            const quotas = namespaceQuotas("prod");
            const comps: ComponentName[] = ["gateway", "certManager", "jamie", "monitoring"];
            const f = new Foundation(
                "t",
                { target, namespaces: comps.map((c) => ({ component: c, layout: LAYOUT[c], quota: quotas[c] })), flows: FLOWS },
                { provider: target.provider },
            );
            const environment = opts.environment ?? "prod";
            const controller = new GatewayController(
                "t-edge-envoy-gateway",
                { target, environment, gatewayNamespace: f.namespaces.gateway },
                { provider: target.provider },
            );
            const certManager = new CertManager(
                "t-tls",
                {
                    target,
                    environment,
                    namespace: f.namespaces.certManager,
                    gatewayNamespace: f.namespaces.gateway.name,
                    acmeEmail: "ops@example.com",
                    dependsOn: controller.ready,
                },
                { provider: target.provider },
            );
            new Edge(
                "t-edge",
                {
                    target,
                    environment,
                    gatewayNamespace: f.namespaces.gateway,
                    certManager,
                    controller,
                    issuer: opts.issuer ?? "letsencrypt-prod",
                    routes: [
                        {
                            name: "jamie",
                            hostname: "jamie.example.com",
                            namespace: f.namespaces.jamie.name,
                            namespaceName: "jamie",
                            serviceName: "jamie",
                            servicePort: 3000,
                        },
                        {
                            name: "grafana",
                            hostname: "grafana.example.com",
                            namespace: f.namespaces.monitoring.name,
                            namespaceName: "monitoring",
                            serviceName: "grafana",
                            servicePort: 80,
                        },
                    ],
                },
                { provider: target.provider },
            );
            return {};
        }),
    );
}

describe("platform edge (cert-manager, issuers, gateway)", function () {
    let run: RunResult;
    before(async () => {
        run = await build();
    });

    it("installs cert-manager with its CRDs, Gateway API support, HA replicas and the Foundation's service account", () => {
        const cm = one(run, CHART, "t-tls-chart");
        assert.strictEqual(cm.inputs.chart, "cert-manager");
        assert.deepStrictEqual(cm.inputs.repositoryOpts, { repo: "https://charts.jetstack.io" });
        assert.strictEqual(cm.inputs.version, CHARTS.certManager.version);
        assert.strictEqual(cm.inputs.namespace, "cert-manager");
        const v = cm.inputs.values as Record<string, any>;
        assert.deepStrictEqual(v.crds, { enabled: true, keep: true });
        assert.strictEqual(v.config.enableGatewayAPI, true);
        assert.strictEqual(v.config.kind, "ControllerConfiguration");
        assert.deepStrictEqual(v.serviceAccount, { create: false, name: "cert-manager" });
        assert.strictEqual(v.replicaCount, 2, "leader-elected controller: 2");
        assert.strictEqual(v.cainjector.replicaCount, 2, "leader-elected CA injector: 2");
        assert.strictEqual(v.webhook.replicaCount, 3, "the webhook serves admission requests: 3");
        assert.strictEqual(v.webhook.securePort, LAYOUT.certManager.ports.webhook);
        assert.deepStrictEqual(v.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
        assert.strictEqual(v.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    });

    it("installs cert-manager after the Envoy Gateway chart, whose CRDs include the Gateway API cert-manager needs at start", () => {
        const cm = one(run, CHART, "t-tls-chart");
        const eg = one(run, CHART, "t-edge-envoy-gateway");
        assert.ok(cm.opts.dependsOn.includes(eg.urn), `cert-manager depends on ${cm.opts.dependsOn.join(", ")}`);
    });

    it("installs Envoy Gateway (not ingress-nginx) from its OCI chart, pinned", () => {
        const eg = one(run, CHART, "t-edge-envoy-gateway");
        assert.strictEqual(eg.inputs.chart, "oci://docker.io/envoyproxy/gateway-helm");
        assert.strictEqual(eg.inputs.version, "v1.8.1");
        assert.strictEqual(eg.inputs.repositoryOpts, undefined);
        assert.strictEqual(eg.inputs.namespace, "platform-gateway");
        assert.strictEqual((eg.inputs.values as any).deployment.replicas, 2);
        assert.ok(!ofType(run, CHART).some((c) => String(c.inputs.chart).includes("ingress-nginx")));
    });

    it("creates Let's Encrypt staging and production issuers answering HTTP-01 through the Gateway's HTTP listener", () => {
        for (const [issuer, server] of [
            ["letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory"],
            ["letsencrypt-prod", "https://acme-v02.api.letsencrypt.org/directory"],
        ]) {
            const r = one(run, CR_ISSUER, `t-tls-${issuer}`);
            assert.strictEqual(meta(r).name, issuer);
            assert.deepStrictEqual(at(r.inputs, "spec.acme"), {
                server,
                email: "ops@example.com",
                privateKeySecretRef: { name: `${issuer}-account-key` },
                solvers: [
                    {
                        http01: {
                            gatewayHTTPRoute: {
                                parentRefs: [
                                    {
                                        group: "gateway.networking.k8s.io",
                                        kind: "Gateway",
                                        name: "platform",
                                        namespace: "platform-gateway",
                                        sectionName: "http",
                                    },
                                ],
                            },
                        },
                    },
                ],
            });
        }
    });

    it("creates a private CA: a self-signed root certificate and a CA issuer from it", () => {
        assert.deepStrictEqual(at(one(run, CR_ISSUER, "t-tls-selfsigned-bootstrap").inputs, "spec"), { selfSigned: {} });
        const root = one(run, CERT, "t-tls-private-root-ca");
        assert.strictEqual(meta(root).namespace, "cert-manager");
        assert.strictEqual(at(root.inputs, "spec.isCA"), true);
        assert.strictEqual(at(root.inputs, "spec.issuerRef.name"), "selfsigned-bootstrap");
        assert.deepStrictEqual(at(one(run, CR_ISSUER, "t-tls-private-ca").inputs, "spec"), { ca: { secretName: "platform-root-ca" } });
        assert.strictEqual(ofType(run, CR_ISSUER).length, 4);
    });

    it("serves each public host over HTTPS with its own certificate, and plain HTTP only on one listener", () => {
        const gw = one(run, GATEWAY, "t-edge-gateway");
        assert.strictEqual(meta(gw).namespace, "platform-gateway");
        const listeners = at(gw.inputs, "spec.listeners") as Record<string, any>[];
        assert.deepStrictEqual(
            listeners.map((l) => [l.name, l.protocol, l.port, l.hostname]),
            [
                ["http", "HTTP", 80, undefined],
                ["https-jamie", "HTTPS", 443, "jamie.example.com"],
                ["https-grafana", "HTTPS", 443, "grafana.example.com"],
            ],
        );
        assert.deepStrictEqual(listeners[1].tls, { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "jamie-tls" }] });
        assert.deepStrictEqual(listeners[1].allowedRoutes.namespaces, {
            from: "Selector",
            selector: { matchLabels: { "kubernetes.io/metadata.name": "jamie" } },
        });
        assert.deepStrictEqual(listeners[0].allowedRoutes, { namespaces: { from: "Same" } });
        for (const host of ["jamie", "grafana"]) {
            const cert = one(run, CERT, `t-edge-${host}-certificate`);
            assert.deepStrictEqual(at(cert.inputs, "spec.dnsNames"), [`${host}.example.com`]);
            assert.strictEqual(at(cert.inputs, "spec.secretName"), `${host}-tls`);
            assert.deepStrictEqual(at(cert.inputs, "spec.issuerRef"), { group: "cert-manager.io", kind: "ClusterIssuer", name: "letsencrypt-prod" });
        }
    });

    it("redirects HTTP to HTTPS and routes nothing else over HTTP", () => {
        const redirect = one(run, ROUTE, "t-edge-https-redirect");
        assert.deepStrictEqual(redirect.inputs.spec, {
            parentRefs: [{ name: "platform", sectionName: "http" }],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        });
        const overHttp = ofType(run, ROUTE).filter((r) =>
            (at(r.inputs, "spec.parentRefs") as { sectionName?: string }[]).some((p) => p.sectionName === "http"),
        );
        assert.deepStrictEqual(
            overHttp.map((r) => r.name),
            ["t-edge-https-redirect"],
        );
    });

    it("routes only Jamie's portal and Grafana, each on its HTTPS listener", () => {
        const routes = ofType(run, ROUTE).filter((r) => r.name !== "t-edge-https-redirect");
        assert.deepStrictEqual(
            routes
                .map((r) => [
                    meta(r).namespace,
                    at(r.inputs, "spec.hostnames"),
                    at(r.inputs, "spec.parentRefs.0.sectionName"),
                    at(r.inputs, "spec.rules.0.backendRefs"),
                ])
                .sort(),
            [
                ["jamie", ["jamie.example.com"], "https-jamie", [{ name: "jamie", port: 3000 }]],
                ["monitoring", ["grafana.example.com"], "https-grafana", [{ name: "grafana", port: 80 }]],
            ],
        );
    });

    it("runs the proxies with replicas over zones, an HPA at 70 % CPU and a PDB", () => {
        const proxy = one(run, "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "t-edge-envoy-proxy");
        const k = at(proxy.inputs, "spec.provider.kubernetes") as Record<string, any>;
        assert.strictEqual(k.envoyDeployment.replicas, 3);
        assert.strictEqual(k.envoyDeployment.pod.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
        assert.strictEqual(k.envoyHpa.metrics[0].resource.target.averageUtilization, 70);
        assert.deepStrictEqual(k.envoyPDB, { maxUnavailable: 1 });
        const gc = one(run, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass", "t-edge-gateway-class");
        assert.strictEqual(at(gc.inputs, "spec.controllerName"), "gateway.envoyproxy.io/gatewayclass-controller");
    });

    it("issues the public certificates from the configured issuer", async () => {
        const priv = await build({ issuer: "private-ca", environment: "dev" });
        for (const host of ["jamie", "grafana"]) {
            assert.strictEqual(at(one(priv, CERT, `t-edge-${host}-certificate`).inputs, "spec.issuerRef.name"), "private-ca");
        }
        assert.strictEqual((one(priv, CHART, "t-tls-chart").inputs.values as any).replicaCount, 1);
    });

    it("installs no chart when third-party charts are off, but keeps its own issuers, Gateway and routes", async () => {
        const off = await build({ thirdPartyCharts: false });
        assert.strictEqual(ofType(off, CHART).length, 0);
        assert.strictEqual(ofType(off, CR_ISSUER).length, 4);
        assert.strictEqual(ofType(off, GATEWAY).length, 1);
        assert.strictEqual(ofType(off, ROUTE).length, 3);
    });
});
