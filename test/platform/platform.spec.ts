import * as assert from "assert";
import type { OptionalAddons } from "../../components/types";
import { Platform, platformNamespaces, type PlatformArgs } from "../../components/platform";
import { LAYOUT } from "../../components/platform/layout";
import { runWithMocks, RunResult } from "../../preview/harness";
import { fakeTarget } from "./fakeTarget";
import { leakedSecrets, meta, ofType, one, thirdPartyChartsSwitched } from "./helpers";

const NONE: OptionalAddons = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };

type Settings = Omit<PlatformArgs, "target" | "environment"> & { thirdPartyCharts?: boolean };

function settings(over: Partial<Settings> = {}): Settings {
    return {
        domain: "agents.example.com",
        acmeEmail: "ops@example.com",
        issuer: "letsencrypt-prod",
        jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
        scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
        addons: NONE,
        ...over,
    };
}

async function build(over: Partial<Settings> = {}, environment: "prod" | "dev" = "prod"): Promise<{ run: RunResult; platform: Record<string, unknown> }> {
    let out: Record<string, unknown> = {};
    const { thirdPartyCharts, ...args } = settings(over);
    const run = await thirdPartyChartsSwitched(thirdPartyCharts, () =>
        runWithMocks(() => {
            const { target } = fakeTarget();
            const p = new Platform("t", { target, ...args, environment });
            out = { endpoints: p.endpoints, skippedCharts: p.skippedCharts, warnings: p.warnings };
            return { backupLocations: p.backupLocations, grafanaAdminPassword: p.grafanaAdminPassword };
        }),
    );
    return { run, platform: out };
}

describe("Platform", function () {
    let run: RunResult;
    let platform: Record<string, unknown>;
    before(async () => {
        ({ run, platform } = await build());
    });

    it("composes foundation, the gateway controller, cert-manager, data, observability, edge, agents and add-ons under one component", () => {
        const root = one(run, "agent-platform:platform:Platform", "t");
        const children = run.resources
            .filter((r) => r.parent === root.urn)
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.deepStrictEqual(children, [
            "agent-platform:platform:Addons t-addons",
            "agent-platform:platform:Agents t-agents",
            "agent-platform:platform:CertManager t-cert-manager",
            "agent-platform:platform:DataServices t-data",
            "agent-platform:platform:Edge t-edge",
            "agent-platform:platform:Foundation t-foundation",
            "agent-platform:platform:GatewayController t-edge-envoy-gateway",
            "agent-platform:platform:Observability t-observability",
        ]);
    });

    it("creates the data stores' PodMonitors after Observability (whose chart brings their CRDs)", () => {
        const observability = one(run, "agent-platform:platform:Observability", "t-observability");
        const monitors = run.resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor");
        assert.deepStrictEqual(monitors.map((m) => m.name).sort(), ["t-data-mongodb-pod-monitor", "t-data-postgres-pod-monitor", "t-data-redis-pod-monitor"]);
        for (const m of monitors) {
            assert.ok(
                m.opts.dependsOn.some((d) => d.includes(`${observability.type}$`)),
                `${m.name} does not wait for Observability: ${JSON.stringify(m.opts.dependsOn)}`,
            );
        }
    });

    it("exposes Jamie's portal and Grafana over HTTPS on the stack's domain", () => {
        assert.deepStrictEqual(platform.endpoints, { jamie: "https://jamie.agents.example.com", grafana: "https://grafana.agents.example.com" });
        const routes = ofType(run, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").filter((r) => r.name !== "t-edge-https-redirect");
        assert.deepStrictEqual(routes.map((r) => [meta(r).namespace, (r.inputs.spec as any).rules[0].backendRefs[0].port]).sort(), [
            ["jamie", 3000],
            ["monitoring", LAYOUT.monitoring.ports.grafana],
        ]);
    });

    it("wires every platform namespace, and the agents to the data stores through secrets", () => {
        assert.deepStrictEqual(
            ofType(run, "kubernetes:core/v1:Namespace")
                .map((n) => meta(n).name)
                .sort(),
            Object.values(LAYOUT)
                .map((l) => l.namespace)
                .sort(),
        );
        const jamieSecret = one(run, "kubernetes:core/v1:Secret", "t-agents-jamie-connections");
        assert.strictEqual(jamieSecret.redactedInputs.stringData, "[secret]");
        const uris = jamieSecret.inputs.stringData as { mongodbUri: string; redisUrl: string };
        assert.match(uris.mongodbUri, /^mongodb(\+srv)?:\/\//);
        assert.match(uris.redisUrl, /^rediss:\/\//);
        assert.match(
            (one(run, "kubernetes:core/v1:Secret", "t-agents-scarlet-connections").inputs.stringData as { postgresUri: string }).postgresUri,
            /^postgres(ql)?:\/\//,
        );
    });

    it("no secret value appears as a plain string in any registered input", () => {
        assert.ok(run.secrets.size > 0, "the run has secrets (generated passwords, connection strings)");
        assert.deepStrictEqual(leakedSecrets(run), []);
        assert.strictEqual(run.redactedOutputs.grafanaAdminPassword, "[secret]");
    });

    it("installs every wanted chart when third-party charts are on, and reports none skipped", () => {
        assert.deepStrictEqual(platform.skippedCharts, []);
        const charts = ofType(run, "kubernetes:helm.sh/v4:Chart").map((c) => String(c.inputs.chart));
        for (const c of ["cert-manager", "oci://docker.io/envoyproxy/gateway-helm", "ollama", "./charts/jamie", "./charts/scarlet"]) {
            assert.ok(charts.includes(c), `${c} is installed`);
        }
        assert.ok(!charts.includes("argo-cd") && !charts.includes("falco"), "add-ons are off by default");
    });

    it("third-party charts off: only the local charts install, and the run says which were skipped", async () => {
        const off = await build({ thirdPartyCharts: false });
        assert.deepStrictEqual(
            ofType(off.run, "kubernetes:helm.sh/v4:Chart")
                .map((c) => c.inputs.chart)
                .sort(),
            ["./charts/jamie", "./charts/scarlet"],
        );
        const skipped = off.platform.skippedCharts as string[];
        for (const k of ["certManager", "envoyGateway", "ollama"]) {
            assert.ok(skipped.includes(k), `${k} reported skipped`);
        }
        assert.ok((off.platform.warnings as string[]).some((w) => w.startsWith("third-party charts are off: not installed: ")));
    });

    it("with Istio on, enrols the agents, the gateway and monitoring in the ambient mesh, not the data stores", () => {
        const { namespaces } = platformNamespaces("prod", { ...NONE, istio: true }, 27);
        assert.deepStrictEqual(
            namespaces
                .filter((n) => n.meshed)
                .map((n) => n.component)
                .sort(),
            ["gateway", "jamie", "monitoring", "ollama", "scarlet"],
        );
        assert.ok(namespaces.some((n) => n.component === "istio" && n.podSecurity === "privileged"));
    });
});
