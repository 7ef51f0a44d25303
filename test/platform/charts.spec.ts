import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CHARTS, chartTable, localChartPath, notVisibleFor } from "../../components/platform/charts";
import { LAYOUT } from "../../components/platform/layout";
import { agentValuesFixture } from "./chartFixtures";

const FIXTURES = path.join(__dirname, "fixtures");
const CHARTS_DIR = path.resolve(__dirname, "..", "..", "charts");

type K8sObject = { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, any> };

function rendered(chart: "jamie" | "scarlet"): K8sObject[] {
    return YAML.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, `${chart}.rendered.yaml`), "utf8"))
        .map((d) => d.toJS() as K8sObject)
        .filter((o) => o !== null);
}

function kind(objs: K8sObject[], k: string): K8sObject {
    const found = objs.filter((o) => o.kind === k);
    assert.strictEqual(found.length, 1, `one ${k}`);
    return found[0];
}

describe("chart table", () => {
    it("names every chart with its repository and a pinned version", () => {
        for (const c of chartTable()) {
            assert.ok(c.version.length > 0 && c.version !== "latest" && /^v?\d+\.\d+\.\d+$/.test(c.version), `${c.key} pins an exact version (${c.version})`);
            if (c.local) {
                assert.ok(c.chart.startsWith("./charts/"), `${c.key} is a local chart path`);
                assert.strictEqual(c.repository, "");
            } else if (c.chart.startsWith("oci://")) {
                assert.strictEqual(c.repository, "", `${c.key}: an OCI chart carries its registry in its reference`);
            } else {
                assert.ok(c.repository.startsWith("https://"), `${c.key} comes from an HTTPS repository`);
            }
            assert.ok(c.notVisibleOffline.length > 20, `${c.key} says what the offline preview cannot see`);
        }
    });

    it("pins part 1's charts", () => {
        const pins = Object.fromEntries(chartTable().map((c) => [c.key, [c.chart, c.repository, c.version, c.kind]]));
        assert.deepStrictEqual(pins.certManager, ["cert-manager", "https://charts.jetstack.io", "v1.21.1", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.envoyGateway, ["oci://docker.io/envoyproxy/gateway-helm", "", "v1.8.1", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.ollama, ["ollama", "https://helm.otwld.com/", "1.77.0", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.argoCd, ["argo-cd", "https://argoproj.github.io/argo-helm", "9.5.11", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.istiod, ["istiod", "https://istio-release.storage.googleapis.com/charts", "1.29.2", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.falco, ["falco", "https://falcosecurity.github.io/charts", "9.2.0", "helm.v4.Chart"]);
        assert.deepStrictEqual(pins.externalSecrets, ["external-secrets", "https://charts.external-secrets.io", "2.8.0", "helm.v4.Chart"]);
        assert.ok(!chartTable().some((c) => c.chart.includes("ingress-nginx")), "the retired community ingress-nginx is not used");
    });

    it("answers what the offline preview cannot see by the chart reference a Helm resource carries", () => {
        assert.strictEqual(notVisibleFor("./charts/jamie"), CHARTS.jamie.notVisibleOffline);
        assert.strictEqual(notVisibleFor("oci://docker.io/envoyproxy/gateway-helm"), CHARTS.envoyGateway.notVisibleOffline);
        assert.match(notVisibleFor("cert-manager")!, /ClusterIssuers and Certificates are the program's own objects/);
        assert.strictEqual(notVisibleFor("ingress-nginx"), undefined);
    });

    it("local charts' Chart.yaml versions match the table", () => {
        for (const key of ["jamie", "scarlet"] as const) {
            const meta = YAML.parse(fs.readFileSync(path.join(localChartPath(key), "Chart.yaml"), "utf8"));
            assert.strictEqual(meta.name, key);
            assert.strictEqual(meta.version, CHARTS[key].version);
            assert.strictEqual(meta.apiVersion, "v2");
        }
    });
});

describe("local charts (rendered with helm template)", () => {
    it("the rendered fixtures are current: same chart files and same platform values", async () => {
        const recorded = fs.readFileSync(path.join(FIXTURES, "charts.sha256"), "utf8").trim().split("\n");
        const files = ["jamie", "scarlet"].flatMap((c) => listFiles(path.join(CHARTS_DIR, c)).map((f) => path.relative(CHARTS_DIR, f))).sort();
        const actual = files.map((f) => `${createHash("sha256").update(fs.readFileSync(path.join(CHARTS_DIR, f))).digest("hex")}  ${f}`);
        assert.deepStrictEqual(actual, recorded, "a chart changed since the fixtures were rendered: re-render them (see test/platform/chartFixtures.ts)");
        const values = await agentValuesFixture();
        for (const c of ["jamie", "scarlet"] as const) {
            assert.deepStrictEqual(values[c], YAML.parse(fs.readFileSync(path.join(FIXTURES, `${c}.values.yaml`), "utf8")), `the platform's ${c} values changed since the fixture was rendered`);
        }
    });

    for (const [chart, health, image] of [
        ["jamie", LAYOUT.jamie.ports.health, "ghcr.io/example/jamie:1.4.2"],
        ["scarlet", LAYOUT.scarlet.ports.health, "ghcr.io/example/scarlet:2.1.0"],
    ] as const) {
        describe(chart, () => {
            const objs = rendered(chart);
            const deploy = kind(objs, "Deployment");
            const pod = deploy.spec.template.spec;
            const container = pod.containers[0];

            it("renders a Deployment, Service, HPA and PDB in the release namespace", () => {
                for (const k of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) {
                    assert.strictEqual(kind(objs, k).metadata.namespace, chart);
                }
                assert.strictEqual(container.image, image);
                assert.strictEqual(deploy.spec.replicas, 3);
                assert.deepStrictEqual(deploy.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
            });

            it("probes the health port (liveness, readiness, startup)", () => {
                const healthPort = container.ports.find((p: { name: string }) => p.name === "health");
                assert.strictEqual(healthPort.containerPort, health);
                for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                    assert.strictEqual(container[probe].httpGet.port, "health", `${probe} uses the health port`);
                }
            });

            it("runs non-root with a read-only root filesystem, no capabilities and RuntimeDefault seccomp", () => {
                assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
                assert.deepStrictEqual(container.securityContext, {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                });
                assert.strictEqual(pod.automountServiceAccountToken, false);
                assert.strictEqual(pod.serviceAccountName, chart);
                assert.strictEqual(pod.hostNetwork, undefined);
            });

            it("requests and limits from the budget, spread over zones, preferring the agents pool", () => {
                const budget = chart === "jamie" ? { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } } : { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } };
                assert.deepStrictEqual(container.resources, budget);
                assert.deepStrictEqual(
                    pod.topologySpreadConstraints.map((t: { topologyKey: string; whenUnsatisfiable: string }) => [t.topologyKey, t.whenUnsatisfiable]),
                    [
                        ["topology.kubernetes.io/zone", "DoNotSchedule"],
                        ["kubernetes.io/hostname", "ScheduleAnyway"],
                    ],
                );
                assert.strictEqual(pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0], "agents");
                assert.strictEqual(pod.tolerations[0].key, "platform.agents.io/dedicated");
            });

            it("scales at 70 % CPU and keeps all but one pod through disruptions", () => {
                const hpa = kind(objs, "HorizontalPodAutoscaler");
                assert.strictEqual(hpa.spec.scaleTargetRef.name, chart);
                assert.deepStrictEqual(hpa.spec.metrics[0], { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } });
                assert.strictEqual(hpa.spec.minReplicas, 3);
                assert.strictEqual(kind(objs, "PodDisruptionBudget").spec.maxUnavailable, 1);
            });

            it("reads connection strings only from the Secret, never from plain env values", () => {
                const env = container.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
                const fromSecret = env.filter((e) => e.valueFrom).map((e) => [e.name, e.valueFrom!.secretKeyRef.name, e.valueFrom!.secretKeyRef.key]);
                assert.deepStrictEqual(
                    fromSecret,
                    chart === "jamie"
                        ? [
                              ["MONGODB_URI", "jamie-connections", "mongodbUri"],
                              ["REDIS_URL", "jamie-connections", "redisUrl"],
                          ]
                        : [["DATABASE_URL", "scarlet-connections", "postgresUri"]],
                );
                for (const e of env.filter((x) => x.value !== undefined)) {
                    assert.ok(!/@/.test(e.value!) && !/password|secret|token/i.test(e.name), `${e.name} is not a credential`);
                }
            });
        });
    }

    it("exposes Jamie's portal, API and health ports and Scarlet's API, metrics and health ports", () => {
        const ports = (c: "jamie" | "scarlet") => kind(rendered(c), "Service").spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]);
        assert.deepStrictEqual(ports("jamie"), [
            ["portal", 3000],
            ["api", 8000],
            ["health", 9000],
        ]);
        assert.deepStrictEqual(ports("scarlet"), [
            ["api", 8001],
            ["metrics", 9001],
            ["health", 8080],
        ]);
        assert.strictEqual(kind(rendered("scarlet"), "Service").spec.type, "ClusterIP");
    });

    it("Scarlet's ServiceMonitor scrapes its metrics port, Jamie's its health port", () => {
        assert.deepStrictEqual(kind(rendered("scarlet"), "ServiceMonitor").spec.endpoints, [{ port: "metrics", path: "/metrics", interval: "30s" }]);
        assert.deepStrictEqual(kind(rendered("jamie"), "ServiceMonitor").spec.endpoints, [{ port: "health", path: "/metrics", interval: "30s" }]);
        for (const c of ["jamie", "scarlet"] as const) {
            assert.deepStrictEqual(kind(rendered(c), "ServiceMonitor").spec.selector, { matchLabels: kind(rendered(c), "Service").spec.selector });
        }
    });

    it("Jamie mounts the private CA read-only and names it for Redis and MongoDB", () => {
        const pod = kind(rendered("jamie"), "Deployment").spec.template.spec;
        assert.deepStrictEqual(pod.volumes.find((v: { name: string }) => v.name === "platform-ca"), {
            name: "platform-ca",
            secret: { secretName: "jamie-internal-tls", items: [{ key: "ca.crt", path: "ca.crt" }] },
        });
        assert.deepStrictEqual(pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "platform-ca"), { name: "platform-ca", mountPath: "/etc/platform-ca", readOnly: true });
        const env = Object.fromEntries((pod.containers[0].env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
        for (const k of ["PLATFORM_CA_FILE", "REDIS_TLS_CA_FILE", "MONGODB_TLS_CA_FILE"]) {
            assert.strictEqual(env[k], "/etc/platform-ca/ca.crt");
        }
    });

    it("refuses to render without an image tag or with `latest`", () => {
        for (const c of ["jamie", "scarlet"]) {
            const helpers = fs.readFileSync(path.join(CHARTS_DIR, c, "templates", "_helpers.tpl"), "utf8");
            assert.match(helpers, /\$tag := toString \(\.Values\.image\.tag \| default ""\)/);
            assert.match(helpers, /if or \(eq \$tag ""\) \(eq \$tag "latest"\)/);
            assert.match(helpers, /fail "image\.tag is required and must not be \\"latest\\"/);
        }
    });
});

function listFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
