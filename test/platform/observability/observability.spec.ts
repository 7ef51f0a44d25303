import * as assert from "assert";
import * as YAML from "yaml";
import type { ObjectStoreKind } from "../../../components/contract";
import { LAYOUT } from "../../../components/platform/layout";
import { alertmanagerConfig, DASHBOARDS, Observability } from "../../../components/platform/observability";
import { runWithMocks, RunResult } from "../../../preview/harness";
import { RETENTION, STATIC_SECRET_KEY, T, targetWithStore } from "../data/fixtures";
import type { FakeBinding } from "../fakeTarget";
import { at, leakedSecrets, ofType, one, thirdPartyChartsSwitched } from "../helpers";

interface ObsRun {
    run: RunResult;
    bindings: FakeBinding[];
    obs: { skippedCharts: string[]; warnings: string[]; grafanaService: unknown; otlpEndpoint: string; prometheusUrl: string };
}

async function runObs(
    opts: { store?: ObjectStoreKind | "none"; environment?: "prod" | "dev"; thirdPartyCharts?: boolean; alertmanagerConfig?: Record<string, unknown> } = {},
): Promise<ObsRun> {
    let bindings: FakeBinding[] = [];
    let obs = {} as ObsRun["obs"];
    const run = await thirdPartyChartsSwitched(opts.thirdPartyCharts, () =>
        runWithMocks(() => {
            const fake = targetWithStore(opts.store ?? "s3");
            bindings = fake.bindings;
            const o = new Observability(
                "t-obs",
                {
                    target: fake.target,
                    environment: opts.environment ?? "prod",
                    namespace: LAYOUT.monitoring.namespace,
                    retention: RETENTION,
                    grafanaUrl: "https://grafana.agents.example.com",
                    alertmanagerConfig: opts.alertmanagerConfig,
                },
                { provider: fake.target.provider },
            );
            obs = {
                skippedCharts: o.skippedCharts,
                warnings: o.warnings,
                grafanaService: o.grafanaService,
                otlpEndpoint: o.otlpEndpoint,
                prometheusUrl: o.prometheusUrl,
            };
            return { grafanaAdminPassword: o.grafanaAdminPassword };
        }),
    );
    return { run, bindings, obs };
}

const values = (r: RunResult, name: string): any => one(r, T.chart, name).inputs.values;

describe("platform observability", function () {
    let prod: ObsRun;
    before(async () => {
        prod = await runObs();
    });

    it("installs kube-prometheus-stack, Loki and Tempo from the chart table, pinned, into monitoring", () => {
        const expect: [string, string, string, string][] = [
            ["t-obs-stack", "kube-prometheus-stack", "88.5.3", "https://prometheus-community.github.io/helm-charts"],
            ["t-obs-loki", "loki", "18.11.0", "https://grafana-community.github.io/helm-charts"],
            ["t-obs-tempo", "tempo", "2.2.4", "https://grafana-community.github.io/helm-charts"],
            ["t-obs-alloy", "alloy", "1.11.1", "https://grafana.github.io/helm-charts"],
        ];
        assert.strictEqual(ofType(prod.run, T.chart).length, 4);
        for (const [name, chart, version, repo] of expect) {
            const c = one(prod.run, T.chart, name);
            assert.strictEqual(c.inputs.chart, chart);
            assert.strictEqual(c.inputs.version, version);
            assert.deepStrictEqual(c.inputs.repositoryOpts, { repo });
            assert.strictEqual(c.inputs.namespace, "monitoring");
        }
    });

    it("keeps 30 days of metrics on 200 Gi SSD volumes, two Prometheus replicas spread over zones", () => {
        const p = values(prod.run, "t-obs-stack").prometheus.prometheusSpec;
        assert.strictEqual(p.retention, "30d");
        assert.strictEqual(p.retentionSize, "180GB");
        assert.strictEqual(p.replicas, 2);
        assert.deepStrictEqual(p.storageSpec, {
            volumeClaimTemplate: { spec: { storageClassName: "encrypted-ssd", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } } },
        });
        assert.strictEqual(p.podAntiAffinityTopologyKey, "topology.kubernetes.io/zone");
        for (const k of ["ruleSelectorNilUsesHelmValues", "serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues"]) {
            assert.strictEqual(p[k], false, `${k}: Prometheus selects every rule and monitor`);
        }
        assert.deepStrictEqual(p.securityContext.seccompProfile, { type: "RuntimeDefault" });
    });

    it("runs Alertmanager (3 replicas with storage) and no node agent that the restricted namespace would refuse", () => {
        const v = values(prod.run, "t-obs-stack");
        assert.strictEqual(v.alertmanager.alertmanagerSpec.replicas, 3);
        assert.strictEqual(v.alertmanager.alertmanagerSpec.useExistingSecret, true, "the chart renders no Secret of its own");
        assert.strictEqual(v.alertmanager.alertmanagerSpec.configSecret, "alertmanager-config");
        assert.strictEqual(v.alertmanager.config, undefined, "no Alertmanager configuration in chart values");
        assert.strictEqual(v.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName, "encrypted-ssd");
        assert.deepStrictEqual(v.nodeExporter, { enabled: false });
        assert.strictEqual(v.prometheusOperator.admissionWebhooks.enabled, false);
    });

    it("wires Grafana: admin from a generated Secret, Prometheus, Loki and Tempo data sources, dashboards by label, port 3000", () => {
        const g = values(prod.run, "t-obs-stack").grafana;
        assert.deepStrictEqual(g.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.strictEqual(g.adminPassword, undefined);
        assert.strictEqual(g.fullnameOverride, "grafana");
        assert.deepStrictEqual(g.service, { port: 3000, targetPort: 3000 });
        assert.deepStrictEqual(g.sidecar.dashboards, { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" });
        assert.strictEqual(g.sidecar.datasources.defaultDatasourceEnabled, true, "the stack provisions Prometheus (uid prometheus)");
        assert.deepStrictEqual(
            g.additionalDataSources.map((d: any) => [d.name, d.type, d.uid, d.url]),
            [
                ["Loki", "loki", "loki", "http://loki.monitoring.svc.cluster.local:3100"],
                ["Tempo", "tempo", "tempo", "http://tempo.monitoring.svc.cluster.local:3200"],
            ],
        );
        assert.strictEqual(g["grafana.ini"].server.root_url, "https://grafana.agents.example.com");
        const admin = one(prod.run, T.secret, "t-obs-grafana-admin");
        assert.strictEqual(admin.redactedInputs.stringData, "[secret]");
        assert.strictEqual((admin.inputs.stringData as any)["admin-password"].length, 32);
        assert.deepStrictEqual(prod.run.redactedOutputs, { grafanaAdminPassword: "[secret]" });
    });

    it("creates Alertmanager's configuration Secret itself, its value a Pulumi secret, before the stack's chart", async () => {
        const secret = one(prod.run, T.secret, "t-obs-alertmanager-config");
        assert.deepStrictEqual(secret.inputs.metadata, { name: "alertmanager-config", namespace: "monitoring" });
        assert.strictEqual(secret.redactedInputs.stringData, "[secret]");
        const config = YAML.parse((secret.inputs.stringData as Record<string, string>)["alertmanager.yaml"]);
        assert.strictEqual(config.route.receiver, "null");
        assert.deepStrictEqual(config, alertmanagerConfig());
        assert.ok(one(prod.run, T.chart, "t-obs-stack").opts.dependsOn.includes(secret.urn));
        const custom = { route: { receiver: "pager" }, receivers: [{ name: "pager", webhook_configs: [{ url: "https://pager.example.com/hook/k3y" }] }] };
        const withReceiver = await runObs({ alertmanagerConfig: custom });
        const data = (one(withReceiver.run, T.secret, "t-obs-alertmanager-config").inputs.stringData as Record<string, string>)["alertmanager.yaml"];
        assert.deepStrictEqual(YAML.parse(data), custom);
        assert.ok(withReceiver.run.secrets.has(data), "the configuration (with the receiver's URL) is a secret in state");
    });

    it("stores logs in the object store for 30 days (720h), three replicas on SSD WAL volumes, through a bound identity", () => {
        const l = values(prod.run, "t-obs-loki");
        assert.strictEqual(l.deploymentMode, "Monolithic");
        assert.strictEqual(l.loki.storage.type, "s3");
        assert.deepStrictEqual(l.loki.storage.bucketNames, { chunks: "agents-test-backups", ruler: "agents-test-backups", admin: "agents-test-backups" });
        assert.deepStrictEqual(l.loki.storage.s3, { region: "eu-west-1" });
        assert.strictEqual(l.loki.storage.use_thanos_objstore, true, "only the Thanos clients take a key prefix");
        assert.deepStrictEqual(l.loki.storage.object_store, {
            type: "s3",
            storage_prefix: "loki",
            s3: { endpoint: "s3.eu-west-1.amazonaws.com", region: "eu-west-1" },
        });
        assert.deepStrictEqual(l.sidecar.rules, { enabled: false }, "no rules sidecar (and no cluster-wide Secret reads)");
        assert.strictEqual(l.loki.schemaConfig.configs[0].object_store, "s3");
        assert.strictEqual(l.loki.schemaConfig.configs[0].schema, "v13");
        assert.strictEqual(l.loki.limits_config.retention_period, "720h");
        assert.deepStrictEqual(l.loki.compactor, { retention_enabled: true, delete_request_store: "s3", working_directory: "/var/loki/compactor" });
        assert.strictEqual(l.loki.commonConfig.replication_factor, 3);
        assert.strictEqual(l.singleBinary.replicas, 3);
        assert.strictEqual(l.singleBinary.persistence.storageClass, "encrypted-ssd");
        assert.strictEqual(l.singleBinary.persistence.size, "50Gi");
        assert.deepStrictEqual([l.read.replicas, l.write.replicas, l.backend.replicas], [0, 0, 0]);
        assert.deepStrictEqual(l.serviceAccount, {
            create: true,
            name: "loki",
            annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/t-obs-loki-identity" },
        });
    });

    it("stores traces in the object store with OTLP receivers on 4317 (gRPC) and 4318 (HTTP) only, WAL on a 100 Gi SSD volume", () => {
        const t = values(prod.run, "t-obs-tempo");
        assert.deepStrictEqual(t.tempo.receivers, {
            jaeger: { protocols: { grpc: null, thrift_binary: null, thrift_compact: null, thrift_http: null } },
            otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } },
        });
        assert.ok(t.config.includes("    otlp:\n      {{- toYaml .Values.tempo.receivers.otlp | nindent 6 }}"), "the config file lists OTLP receivers only");
        assert.ok(!t.config.includes("jaeger") && !t.config.includes("toYaml .Values.tempo.receivers |"), "the config file never writes the Jaeger receivers");
        assert.deepStrictEqual(t.tempo.storage.trace, {
            backend: "s3",
            local: null,
            s3: { bucket: "agents-test-backups", region: "eu-west-1", endpoint: "s3.eu-west-1.amazonaws.com", prefix: "tempo" },
            wal: { path: "/var/tempo/wal" },
        });
        assert.strictEqual(t.tempo.retention, "336h");
        assert.strictEqual(t.tempo.server.http_listen_port, 3200);
        assert.deepStrictEqual(t.persistence, { enabled: true, size: "100Gi", storageClassName: "encrypted-ssd", accessModes: ["ReadWriteOnce"] });
        assert.strictEqual(t.serviceAccount.name, "tempo");
        assert.deepStrictEqual(t.securityContext.seccompProfile, { type: "RuntimeDefault" });
    });

    it("ships every pod's logs to Loki with Alloy through the API server: no host mounts, least-privilege RBAC, restricted profile", () => {
        const a = values(prod.run, "t-obs-alloy");
        assert.strictEqual(a.controller.type, "deployment");
        assert.strictEqual(a.controller.replicas, 3, "one per zone in production");
        assert.deepStrictEqual(a.configReloader, { enabled: false }, "no unprobed reloader: the chart rolls the pods on a config checksum instead");
        assert.strictEqual(a.alloy.livenessProbe.httpGet.path, "/-/ready");
        assert.strictEqual(a.alloy.clustering.enabled, true);
        assert.deepStrictEqual([a.alloy.mounts.varlog, a.alloy.mounts.dockercontainers], [false, false]);
        const config: string = a.alloy.configMap.content;
        assert.ok(config.includes('loki.source.kubernetes "pods"'));
        assert.ok(config.includes('url = "http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push"'));
        assert.deepStrictEqual(a.rbac.rules, [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }]);
        assert.deepStrictEqual(a.rbac.clusterRules, [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }]);
        assert.strictEqual(a.alloy.securityContext.runAsNonRoot, true);
        assert.deepStrictEqual(a.alloy.securityContext.capabilities, { drop: ["ALL"] });
        assert.deepStrictEqual(a.global.podSecurityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.ok(one(prod.run, T.chart, "t-obs-alloy").opts.dependsOn.includes(one(prod.run, T.chart, "t-obs-loki").urn));
    });

    it("binds Loki and Tempo (the object-store writers) to read-write cloud identities", () => {
        assert.deepStrictEqual(prod.bindings, [
            { name: "t-obs-loki-identity", namespace: "monitoring", serviceAccount: "loki", objectStoreAccess: "readWrite" },
            { name: "t-obs-tempo-identity", namespace: "monitoring", serviceAccount: "tempo", objectStoreAccess: "readWrite" },
        ]);
    });

    it("uses GCS and Azure Blob (federated token) storage per the store kind", async () => {
        const gcs = await runObs({ store: "gcs" });
        assert.strictEqual(values(gcs.run, "t-obs-loki").loki.storage.type, "gcs");
        assert.deepStrictEqual(values(gcs.run, "t-obs-tempo").tempo.storage.trace.gcs, { bucket_name: "agents-test-backups", prefix: "tempo" });
        assert.deepStrictEqual(values(gcs.run, "t-obs-loki").loki.storage.object_store, { type: "gcs", storage_prefix: "loki", gcs: {} });
        const az = await runObs({ store: "azureBlob" });
        assert.deepStrictEqual(values(az.run, "t-obs-loki").loki.storage.azure, { accountName: "agentsteststore", useFederatedToken: true });
        assert.strictEqual(values(az.run, "t-obs-loki").loki.schemaConfig.configs[0].object_store, "azure");
        assert.deepStrictEqual(values(az.run, "t-obs-loki").loki.storage.object_store, {
            type: "azure",
            storage_prefix: "loki",
            azure: { account_name: "agentsteststore" },
        });
        assert.deepStrictEqual(values(az.run, "t-obs-tempo").tempo.storage.trace.azure, {
            container_name: "agents-test-backups",
            storage_account_name: "agentsteststore",
            use_federated_token: true,
            prefix: "tempo",
        });
    });

    it("reads an S3-compatible store's keys from a Secret into the environment, never into chart values", async () => {
        const r = await runObs({ store: "s3Compatible" });
        const l = values(r.run, "t-obs-loki");
        assert.strictEqual(l.loki.storage.s3.accessKeyId, "${AWS_ACCESS_KEY_ID}");
        assert.strictEqual(l.loki.storage.s3.secretAccessKey, "${AWS_SECRET_ACCESS_KEY}");
        assert.deepStrictEqual(l.loki.storage.object_store.s3, {
            endpoint: "minio.example.internal:9000",
            region: "us-east-1",
            insecure: false,
            bucket_lookup_type: "path",
            access_key_id: "${AWS_ACCESS_KEY_ID}",
            secret_access_key: "${AWS_SECRET_ACCESS_KEY}",
        });
        assert.deepStrictEqual(l.singleBinary.extraArgs, ["-config.expand-env=true"]);
        assert.deepStrictEqual(l.singleBinary.extraEnvFrom, [{ secretRef: { name: "loki-store-credentials" } }]);
        const t = values(r.run, "t-obs-tempo");
        assert.strictEqual(t.tempo.storage.trace.s3.endpoint, "minio.example.internal:9000");
        assert.strictEqual(t.tempo.storage.trace.s3.secret_key, "${AWS_SECRET_ACCESS_KEY}");
        assert.deepStrictEqual(t.tempo.extraArgs, { "config.expand-env": "true" });
        for (const c of ofType(r.run, T.chart)) {
            assert.ok(!JSON.stringify(c.inputs).includes(STATIC_SECRET_KEY), `${c.name} carries no key`);
        }
        assert.deepStrictEqual(leakedSecrets(r.run), []);
    });

    it("creates the alert rules as a PrometheusRule after the stack's chart", () => {
        const rule = one(prod.run, T.prometheusRule, "t-obs-alerts");
        assert.deepStrictEqual((rule.inputs.metadata as any).name, "platform-alerts");
        assert.strictEqual((rule.inputs.metadata as any).namespace, "monitoring");
        const alerts = (rule.inputs.spec as any).groups.flatMap((g: any) => g.rules.map((x: any) => x.alert));
        assert.deepStrictEqual(alerts, [
            "NodeCpuHigh",
            "NodeMemoryHigh",
            "PodCpuHigh",
            "PodMemoryHigh",
            "NodeStorageLatencyHigh",
            "NodeNetworkHigh",
            "AgentErrorRateHigh",
            "AgentHealthDegraded",
            "AgentLatencyP99High",
            "RedisReplicationLagHigh",
            "RedisCacheHitRatioLow",
            "PostgresBaseBackupTooOld",
            "PostgresWalArchiveTooOld",
            "PostgresWalArchiveFailing",
            "MongoBackupTooOld",
            "RedisBackupTooOld",
            "ConfigurationBackupTooOld",
            "FalcoCriticalEvent",
            "FalcoErrorEvent",
        ]);
        assert.ok(rule.opts.dependsOn.includes(one(prod.run, T.chart, "t-obs-stack").urn));
    });

    it("provisions the cluster, agents and databases dashboards as labelled ConfigMaps", () => {
        const maps = ofType(prod.run, T.configMap);
        assert.deepStrictEqual(
            maps.map((m) => (m.inputs.metadata as any).name),
            ["dashboard-platform-agents", "dashboard-platform-cluster", "dashboard-platform-databases"],
        );
        for (const m of maps) {
            assert.deepStrictEqual((m.inputs.metadata as any).labels, { grafana_dashboard: "1" });
            const [file, json] = Object.entries(m.inputs.data as Record<string, string>)[0];
            const d = JSON.parse(json);
            assert.strictEqual(file, `${d.uid}.json`);
            assert.strictEqual(d.panels.length, DASHBOARDS.find((x) => x.uid === d.uid)!.panels.length);
        }
    });

    it("exposes Grafana's service, the OTLP endpoint and the Prometheus URL from the port map", () => {
        assert.deepStrictEqual(prod.obs.grafanaService, { name: "grafana", namespace: "monitoring", port: 3000 });
        assert.strictEqual(prod.obs.otlpEndpoint, "http://tempo.monitoring.svc.cluster.local:4317");
        assert.strictEqual(prod.obs.prometheusUrl, "http://monitoring-prometheus.monitoring.svc.cluster.local:9090");
        assert.strictEqual(at(values(prod.run, "t-obs-stack"), "prometheus.service.port"), 9090);
    });

    it("keeps logs and traces on local volumes without an object store, with a warning and no identities", async () => {
        const r = await runObs({ store: "none" });
        const l = values(r.run, "t-obs-loki");
        assert.strictEqual(l.loki.storage.type, "filesystem");
        assert.strictEqual(l.singleBinary.replicas, 1);
        assert.strictEqual(l.singleBinary.persistence.size, "500Gi");
        assert.strictEqual(values(r.run, "t-obs-tempo").tempo.storage.trace.backend, "local");
        assert.deepStrictEqual(r.bindings, []);
        assert.deepStrictEqual(r.obs.warnings, [
            "no object store on this cluster: Loki object storage (logs kept on one local volume, no replication) and Tempo object storage (traces on a local volume) disabled (give the cluster an object store to enable them)",
        ]);
        assert.deepStrictEqual(prod.obs.warnings, []);
    });

    it("sizes dev smaller: one Prometheus of 50 Gi, one Alertmanager, one Loki", async () => {
        const dev = await runObs({ environment: "dev" });
        const v = values(dev.run, "t-obs-stack");
        assert.strictEqual(v.prometheus.prometheusSpec.replicas, 1);
        assert.strictEqual(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage, "50Gi");
        assert.strictEqual(v.prometheus.prometheusSpec.retention, "30d");
        assert.strictEqual(v.alertmanager.alertmanagerSpec.replicas, 1);
        assert.strictEqual(values(dev.run, "t-obs-loki").singleBinary.replicas, 1);
    });

    it("with third-party charts off installs no chart, skips the PrometheusRule and lists the skipped charts; dashboards remain", async () => {
        const off = await runObs({ thirdPartyCharts: false });
        assert.strictEqual(ofType(off.run, T.chart).length, 0);
        assert.strictEqual(ofType(off.run, T.prometheusRule).length, 0);
        assert.deepStrictEqual(off.obs.skippedCharts, ["kubePrometheusStack", "loki", "tempo", "alloy"]);
        assert.strictEqual(ofType(off.run, T.configMap).length, 3);
    });
});
