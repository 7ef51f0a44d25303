import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
    CHARTS,
    chartMirrorKind,
    chartSource,
    chartTable,
    helmPullCommand,
    localChartPath,
    localChartRef,
    missingFromMirror,
} from "../../components/platform/charts";
import { LAYOUT } from "../../components/platform/layout";
import { chartObjects, renderStack, testHelm, testMirror } from "../support/charts";

const CHARTS_DIR = path.resolve(__dirname, "..", "..", "charts");

type K8sObject = { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, any> };

/** The local charts as Helm renders them with the values the aws-prod stack passes (filled in `before`). */
const renderedCharts: Partial<Record<"jamie" | "scarlet", K8sObject[]>> = {};
function rendered(chart: "jamie" | "scarlet"): K8sObject[] {
    const objs = renderedCharts[chart];
    assert.ok(objs, `${chart} was not rendered`);
    return objs;
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

    it("fetches each third-party chart from a mirror at its pinned version: folder archive, OCI prefix or HTTP repository", () => {
        assert.deepStrictEqual(chartSource("certManager"), {
            chart: "cert-manager",
            version: "v1.21.1",
            repositoryOpts: { repo: "https://charts.jetstack.io" },
        });
        assert.deepStrictEqual(chartSource("envoyGateway", "/srv/charts"), { chart: "/srv/charts/gateway-helm-v1.8.1.tgz" });
        assert.deepStrictEqual(chartSource("loki", "mirror/charts"), { chart: "mirror/charts/loki-18.11.0.tgz" });
        assert.deepStrictEqual(chartSource("envoyGateway", "oci://registry.example.com/charts/"), {
            chart: "oci://registry.example.com/charts/gateway-helm",
            version: "v1.8.1",
        });
        assert.deepStrictEqual(chartSource("tempo", "https://charts.example.com"), {
            chart: "tempo",
            version: "2.2.4",
            repositoryOpts: { repo: "https://charts.example.com" },
        });
        assert.deepStrictEqual(chartSource("jamie", "/srv/charts"), { chart: "./charts/jamie" }, "local charts ignore the mirror");
        assert.deepStrictEqual([chartMirrorKind("oci://r/c"), chartMirrorKind("http://r"), chartMirrorKind("~/charts")], ["oci", "http", "folder"]);
    });

    it("the shared mirror holds every always-on chart; a missing archive is named", () => {
        const none = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };
        assert.deepStrictEqual(missingFromMirror(testMirror(), none), []);
        assert.deepStrictEqual(
            missingFromMirror(testMirror(), { ...none, falco: true }).map((m) => path.basename(m.file)),
            ["falco-9.2.0.tgz"],
            "the mirror's known gap (its README): falco 9.2.0",
        );
        assert.deepStrictEqual(helmPullCommand("certManager"), ["pull", "cert-manager", "--repo", "https://charts.jetstack.io", "--version", "v1.21.1"]);
    });

    it("finds the local charts from the module, not from the working directory", () => {
        assert.strictEqual(localChartPath("jamie"), path.join(CHARTS_DIR, "jamie"));
        // This project (mocha runs in it): the reference the stacks' state already holds.
        assert.strictEqual(localChartRef("scarlet", path.resolve(CHARTS_DIR, "..")), "./charts/scarlet");
        // A program elsewhere (the package installed in another project): still this module's folder.
        for (const cwd of [path.join(CHARTS_DIR, "..", "..", "consumer"), path.join(CHARTS_DIR, "jamie", "templates"), path.parse(CHARTS_DIR).root]) {
            const ref = localChartRef("jamie", cwd);
            assert.ok(ref.startsWith("./") || ref.startsWith("../"), `${ref} is relative, so the stack's state does not hold the checkout's path`);
            assert.strictEqual(path.resolve(cwd, ref), path.join(CHARTS_DIR, "jamie"), `from ${cwd}`);
        }
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
    before(async () => {
        const rs = await renderStack("aws-prod");
        for (const c of ["jamie", "scarlet"] as const) {
            renderedCharts[c] = chartObjects(rs, `-agents-${c}`) as unknown as K8sObject[];
        }
    });

    it("render with Helm's built-in Kubernetes version (a provider with no cluster to ask, renderYamlToDirectory)", () => {
        for (const c of ["jamie", "scarlet"]) {
            const out = execFileSync(testHelm(), ["template", c, path.join(CHARTS_DIR, c), "--set", "image.repository=example/x,image.tag=1.0.0"], {
                encoding: "utf8",
            });
            assert.match(out, /kind: Deployment/);
        }
    });

    for (const [chart, health, image] of [
        ["jamie", LAYOUT.jamie.ports.health, "ghcr.io/example/jamie:1.4.2"],
        ["scarlet", LAYOUT.scarlet.ports.health, "ghcr.io/example/scarlet:2.1.0"],
    ] as const) {
        describe(chart, () => {
            let objs: K8sObject[];
            let deploy: K8sObject;
            let pod: Record<string, any>;
            let container: Record<string, any>;
            before(() => {
                objs = rendered(chart);
                deploy = kind(objs, "Deployment");
                pod = deploy.spec.template.spec;
                container = pod.containers[0];
            });

            it("renders a Deployment, Service, HPA and PDB in the release namespace", () => {
                for (const k of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"]) {
                    assert.strictEqual(kind(objs, k).metadata.namespace, chart);
                }
                assert.strictEqual(container.image, image);
                // The HPA owns the count: the Deployment leaves replicas unset, so no apply resets it.
                assert.ok(!("replicas" in deploy.spec), `spec.replicas rendered with the HPA on: ${deploy.spec.replicas}`);
                assert.strictEqual(kind(objs, "HorizontalPodAutoscaler").spec.minReplicas, 3);
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
                assert.deepStrictEqual(pod.securityContext, {
                    runAsNonRoot: true,
                    runAsUser: 10001,
                    runAsGroup: 10001,
                    fsGroup: 10001,
                    seccompProfile: { type: "RuntimeDefault" },
                });
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
                const budget =
                    chart === "jamie"
                        ? { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } }
                        : { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } };
                assert.deepStrictEqual(container.resources, {
                    requests: { ...budget.requests, "ephemeral-storage": "1Gi" },
                    limits: { ...budget.limits, "ephemeral-storage": "2Gi" },
                });
            });

            it("mounts the storage budget as a per-pod workspace volume (Jamie 50 Gi, Scarlet 100 Gi)", () => {
                const vol = pod.volumes.find((v: { name: string }) => v.name === "workspace");
                assert.ok(vol, "workspace volume");
                assert.deepStrictEqual(vol.ephemeral.volumeClaimTemplate.spec.accessModes, ["ReadWriteOnce"]);
                assert.strictEqual(vol.ephemeral.volumeClaimTemplate.spec.resources.requests.storage, chart === "jamie" ? "50Gi" : "100Gi");
                assert.strictEqual(vol.ephemeral.volumeClaimTemplate.spec.storageClassName, "gp3-encrypted", "the aws-prod SSD class");
                assert.deepStrictEqual(
                    container.volumeMounts.find((m: { name: string }) => m.name === "workspace"),
                    { name: "workspace", mountPath: "/workspace" },
                );
                assert.ok(container.env.some((e: { name: string; value?: string }) => e.name === "WORKSPACE_DIR" && e.value === "/workspace"));
                assert.deepStrictEqual(
                    pod.topologySpreadConstraints.map((t: { topologyKey: string; whenUnsatisfiable: string }) => [t.topologyKey, t.whenUnsatisfiable]),
                    [
                        ["topology.kubernetes.io/zone", "DoNotSchedule"],
                        ["kubernetes.io/hostname", "ScheduleAnyway"],
                    ],
                );
                assert.strictEqual(
                    pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values[0],
                    "agents",
                );
                assert.strictEqual(pod.tolerations[0].key, "platform.agents.io/dedicated");
            });

            it("scales at 70 % CPU and keeps all but one pod through disruptions", () => {
                const hpa = kind(objs, "HorizontalPodAutoscaler");
                assert.strictEqual(hpa.spec.scaleTargetRef.name, chart);
                assert.deepStrictEqual(hpa.spec.metrics[0], {
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
                });
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
        assert.deepStrictEqual(
            pod.volumes.find((v: { name: string }) => v.name === "platform-ca"),
            {
                name: "platform-ca",
                secret: { secretName: "jamie-internal-tls", items: [{ key: "ca.crt", path: "ca.crt" }] },
            },
        );
        assert.deepStrictEqual(
            pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "platform-ca"),
            { name: "platform-ca", mountPath: "/etc/platform-ca", readOnly: true },
        );
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
