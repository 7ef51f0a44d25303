/**
 * Values for the observability charts: kube-prometheus-stack (Prometheus, Alertmanager, Grafana,
 * kube-state-metrics), Loki and Tempo. Keys were checked against each chart's values.yaml at the
 * pinned version (Helm ignores misspelled keys silently). Object storage per store kind: S3 and
 * GCS through the pod's cloud identity, Azure Blob through a federated token (Azure Workload
 * Identity), S3-compatible stores through static keys read from a Secret into the environment and
 * expanded in the config (`-config.expand-env`), so no key is ever a chart value.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AlertingConfig } from "../../types";
import type { Environment } from "../../types";
import type { ObjectStoreAccessInfo } from "../data/common";
import { RESTRICTED_CONTAINER, STATIC_KEYS } from "../data/common";
import { controllerResources } from "../budgets";
import { LAYOUT, serviceHost } from "../layout";
import { DATASOURCE_UIDS } from "./dashboards";
import { toolFolder } from "../../retention";

/** Service names the charts create (pinned with fullnameOverride so the URLs below hold). */
export const SERVICES = {
    /** kube-prometheus-stack's fullnameOverride: Prometheus is `monitoring-prometheus`. */
    stack: "monitoring",
    prometheus: "monitoring-prometheus",
    alertmanager: "monitoring-alertmanager",
    grafana: "grafana",
    loki: "loki",
    tempo: "tempo",
    alloy: "alloy",
} as const;

/** Secret with Grafana's admin user and password. */
export const GRAFANA_ADMIN_SECRET = "grafana-admin";

/** Sizes of the observability stack per environment (REQUIREMENTS.md: Prometheus 200 GB, Loki 500 GB, Tempo 100 GB). */
export interface ObservabilitySizes {
    prometheusReplicas: number;
    prometheusVolumeGi: number;
    alertmanagerReplicas: number;
    /** Loki replicas when object-store backed (each with a WAL/cache volume). */
    lokiReplicas: number;
    /** Loki's per-replica volume with an object store (WAL, index cache). */
    lokiCacheVolumeGi: number;
    /** Loki's single volume when there is no object store (all logs on disk). */
    lokiLocalVolumeGi: number;
    tempoVolumeGi: number;
}

/** Sizes for an environment. */
export function observabilitySizes(environment: Environment): ObservabilitySizes {
    return environment === "prod"
        ? {
              prometheusReplicas: 2,
              prometheusVolumeGi: 200,
              alertmanagerReplicas: 3,
              lokiReplicas: 3,
              lokiCacheVolumeGi: 50,
              lokiLocalVolumeGi: 500,
              tempoVolumeGi: 100,
          }
        : {
              prometheusReplicas: 1,
              prometheusVolumeGi: 50,
              alertmanagerReplicas: 1,
              lokiReplicas: 1,
              lokiCacheVolumeGi: 10,
              lokiLocalVolumeGi: 50,
              tempoVolumeGi: 20,
          };
}

/** Pod security context meeting the restricted profile. */
export function restrictedPod(uid: number): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Placement values shared by the charts (preferred monitoring pool, its toleration). */
export interface Placement {
    affinity: Record<string, unknown>;
    tolerations: Record<string, string>[];
}

/** In-cluster URLs of the stack. */
export function observabilityUrls(): { prometheus: string; alertmanager: string; loki: string; tempo: string; otlpGrpc: string; otlpHttp: string } {
    const p = LAYOUT.monitoring.ports;
    return {
        prometheus: `http://${serviceHost("monitoring", SERVICES.prometheus)}:${p.prometheus}`,
        alertmanager: `http://${serviceHost("monitoring", SERVICES.alertmanager)}:${p.alertmanager}`,
        loki: `http://${serviceHost("monitoring", SERVICES.loki)}:${p.loki}`,
        tempo: `http://${serviceHost("monitoring", SERVICES.tempo)}:${p.tempo}`,
        otlpGrpc: `http://${serviceHost("monitoring", SERVICES.tempo)}:${p.otlpGrpc}`,
        otlpHttp: `http://${serviceHost("monitoring", SERVICES.tempo)}:${p.otlpHttp}`,
    };
}

/** Grafana's additional data sources (Prometheus comes with the stack, uid `prometheus`). */
export function grafanaDataSources(): Record<string, unknown>[] {
    const urls = observabilityUrls();
    return [
        {
            name: "Loki",
            type: "loki",
            uid: DATASOURCE_UIDS.loki,
            access: "proxy",
            url: urls.loki,
            jsonData: {
                derivedFields: [{ name: "trace_id", matcherRegex: "trace_?[iI][dD]=(\\w+)", url: "$${__value.raw}", datasourceUid: DATASOURCE_UIDS.tempo }],
            },
        },
        {
            name: "Tempo",
            type: "tempo",
            uid: DATASOURCE_UIDS.tempo,
            access: "proxy",
            url: urls.tempo,
            jsonData: {
                tracesToLogsV2: { datasourceUid: DATASOURCE_UIDS.loki, filterByTraceID: true },
                serviceMap: { datasourceUid: DATASOURCE_UIDS.prometheus },
                nodeGraph: { enabled: true },
            },
        },
    ];
}

/**
 * Secret holding Alertmanager's configuration (`alertmanager.yaml`), created by the program from
 * `alertmanagerConfig()` with its value a Pulumi secret, so receivers' keys never sit in chart
 * values or in a Secret the chart renders with literal data. The policy pack allow-lists exactly
 * `monitoring/alertmanager-config` (secrets-kubernetes-disallow-plaintext).
 */
export const ALERTMANAGER_CONFIG_SECRET = "alertmanager-config";

/** Key of `ALERTMANAGER_CONFIG_SECRET` the Prometheus Operator reads (its default for `configSecret`). */
export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";

/** Alertmanager receiver names the routes use. */
export const RECEIVERS = { none: "null", critical: "critical", warning: "warning", heartbeat: "heartbeat" } as const;

/**
 * The platform's Alertmanager configuration (Alertmanager's `alertmanager.yaml` as an object),
 * written into the program's own Secret (a Pulumi secret). Grouping and inhibition are
 * kube-prometheus-stack 88.5.3's `alertmanager.config` default: alerts grouped by namespace,
 * critical inhibits warning/info of the same alert and namespace, warning inhibits info,
 * `InfoInhibitor` silences infos.
 *
 * Routes from `alerting` (stack config):
 * - `Watchdog` (the default rules' always-firing dead-man's switch) -> `heartbeat`: a webhook to
 *   `heartbeatUrl` every 5 minutes (the service pages when it stops); `null` without one.
 * - `severity=critical` -> `critical`: PagerDuty (Events API v2, `routingKey`), Slack and e-mail.
 * - `severity=warning` and anything else -> `warning`: Slack and e-mail (no paging).
 * A receiver without any target is `null`-like (Alertmanager accepts an empty receiver); with no
 * receivers configured every route ends at `null` and the platform warns (prod).
 */
export function alertmanagerConfig(alerting: AlertingConfig = {}): Record<string, unknown> {
    const inhibit = (source: string | undefined, target: string, equal: string[]): Record<string, unknown> => ({
        ...(source ? { source_matchers: [source] } : {}),
        target_matchers: [target],
        ...(equal.length > 0 ? { equal } : {}),
    });
    const slack = alerting.slackWebhookUrl
        ? [
              {
                  api_url: alerting.slackWebhookUrl,
                  ...(alerting.slackChannel ? { channel: alerting.slackChannel } : {}),
                  send_resolved: true,
                  title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})",
                  text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
              },
          ]
        : undefined;
    const email = alerting.emailTo
        ? [
              {
                  to: alerting.emailTo,
                  from: alerting.emailFrom,
                  smarthost: alerting.smtpSmarthost,
                  require_tls: true,
                  send_resolved: true,
                  ...(alerting.smtpUsername ? { auth_username: alerting.smtpUsername } : {}),
                  ...(alerting.smtpPassword ? { auth_password: alerting.smtpPassword } : {}),
              },
          ]
        : undefined;
    const pagerduty = alerting.pagerDutyRoutingKey ? [{ routing_key: alerting.pagerDutyRoutingKey, send_resolved: true, severity: "critical" }] : undefined;
    const receiver = (name: string, parts: Record<string, unknown[] | undefined>): Record<string, unknown> =>
        Object.fromEntries([["name", name], ...Object.entries(parts).filter(([, v]) => v !== undefined)]);
    const receivers = [
        { name: RECEIVERS.none },
        receiver(RECEIVERS.critical, { pagerduty_configs: pagerduty, slack_configs: slack, email_configs: email }),
        receiver(RECEIVERS.warning, { slack_configs: slack, email_configs: email }),
        receiver(RECEIVERS.heartbeat, { webhook_configs: alerting.heartbeatUrl ? [{ url: alerting.heartbeatUrl, send_resolved: false }] : undefined }),
    ];
    return {
        global: { resolve_timeout: "5m" },
        inhibit_rules: [
            inhibit("severity = critical", "severity =~ warning|info", ["namespace", "alertname"]),
            inhibit("severity = warning", "severity = info", ["namespace", "alertname"]),
            inhibit("alertname = InfoInhibitor", "severity = info", ["namespace"]),
            inhibit(undefined, "alertname = InfoInhibitor", []),
        ],
        route: {
            group_by: ["namespace"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "12h",
            // Nothing configured: the default route ends at null, as the chart's default did.
            receiver: alerting.slackWebhookUrl || alerting.emailTo || alerting.pagerDutyRoutingKey ? RECEIVERS.warning : RECEIVERS.none,
            routes: [
                { receiver: RECEIVERS.heartbeat, matchers: ['alertname = "Watchdog"'], group_wait: "0s", group_interval: "1m", repeat_interval: "5m" },
                { receiver: RECEIVERS.none, matchers: ['alertname = "InfoInhibitor"'] },
                { receiver: RECEIVERS.critical, matchers: ['severity = "critical"'], repeat_interval: "1h" },
                { receiver: RECEIVERS.warning, matchers: ['severity = "warning"'] },
            ],
        },
        receivers,
        templates: ["/etc/alertmanager/config/*.tmpl"],
    };
}

/**
 * Probe for a kiwigrid k8s-sidecar container (Grafana's dashboard and data-source loaders). The
 * sidecar serves `/healthz` on `$HEALTH_PORT` (503 until the first sync, and when it lost the
 * API server for 60 s or a watcher died), but the grafana chart (12.11.1, inside
 * kube-prometheus-stack 88.5.3) gives every sidecar a different `HEALTH_PORT` (8084 dashboards,
 * 8082 data sources) and only one shared `sidecar.livenessProbe`/`readinessProbe`, so an
 * `httpGet` with one port cannot fit both: the probe runs the sidecar's own Python against its
 * own `HEALTH_PORT` (non-2xx raises, exit 1).
 */
export function sidecarProbe(periodSeconds: number, failureThreshold: number): Record<string, unknown> {
    return {
        exec: {
            command: [
                "python",
                "-c",
                "import os, urllib.request; urllib.request.urlopen('http://localhost:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=3)",
            ],
        },
        initialDelaySeconds: 10,
        periodSeconds,
        timeoutSeconds: 5,
        failureThreshold,
    };
}

/** Resources of a k8s-sidecar container (a Python watcher: ~60-80 Mi resident, plus a probe interpreter). */
export const SIDECAR_RESOURCES = { requests: { cpu: "20m", memory: "96Mi" }, limits: { memory: "256Mi" } };

/** Arguments of `prometheusStackValues`. */
export interface StackValuesArgs {
    environment: Environment;
    storageClass: pulumi.Input<string>;
    metricsDays: number;
    place: Placement;
    /** Public Grafana URL (`https://grafana.<domain>`), when known. */
    grafanaUrl?: string;
}

/** kube-prometheus-stack values. */
export function prometheusStackValues(a: StackValuesArgs): Record<string, unknown> {
    const s = observabilitySizes(a.environment);
    const pvc = (gi: number) => ({
        volumeClaimTemplate: { spec: { storageClassName: a.storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${gi}Gi` } } } },
    });
    const p = LAYOUT.monitoring.ports;
    return {
        fullnameOverride: SERVICES.stack,
        crds: { enabled: true },
        // Node-exporter needs host namespaces and hostPath, refused in the restricted namespace;
        // node usage comes from the kubelet's cAdvisor instead. Managed control planes hide these.
        nodeExporter: { enabled: false },
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        defaultRules: {
            create: true,
            rules: {
                nodeExporterAlerting: false,
                nodeExporterRecording: false,
                etcd: false,
                kubeControllerManager: false,
                kubeSchedulerAlerting: false,
                kubeSchedulerRecording: false,
                kubeProxy: false,
            },
        },
        // No admission webhook: the API server would need a path into the namespace; the rules are checked by the policy pack instead.
        prometheusOperator: {
            admissionWebhooks: { enabled: false },
            tls: { enabled: false },
            resources: controllerResources({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }, a.environment),
            // The config-reloader sidecar the operator adds to the Prometheus and Alertmanager pods:
            // the chart passes 0 (no requests, no limit) unless set, and no probes unless enableProbe
            // (templates/prometheus-operator/deployment.yaml, --config-reloader-* flags).
            prometheusConfigReloader: { enableProbe: true, resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } } },
            affinity: a.place.affinity,
            tolerations: a.place.tolerations,
        },
        prometheus: {
            service: { port: p.prometheus },
            prometheusSpec: {
                replicas: s.prometheusReplicas,
                retention: `${a.metricsDays}d`,
                // Trim by size before the volume fills (90 % of it).
                retentionSize: `${Math.floor(s.prometheusVolumeGi * 0.9)}GB`,
                storageSpec: pvc(s.prometheusVolumeGi),
                // Select every rule, ServiceMonitor and PodMonitor in the cluster, not only the chart's own.
                ruleSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                resources:
                    a.environment === "prod"
                        ? { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } }
                        : { requests: { cpu: "100m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
                securityContext: restrictedPod(1000),
                affinity: a.place.affinity,
                tolerations: a.place.tolerations,
                podAntiAffinity: "soft",
                podAntiAffinityTopologyKey: "topology.kubernetes.io/zone",
            },
        },
        alertmanager: {
            service: { port: p.alertmanager },
            alertmanagerSpec: {
                replicas: s.alertmanagerReplicas,
                // The configuration comes from the program's Secret (ALERTMANAGER_CONFIG_SECRET): with
                // useExistingSecret the chart renders no Secret of its own (templates/alertmanager/secret.yaml)
                // and configSecret names ours in the Alertmanager resource (templates/alertmanager/alertmanager.yaml).
                useExistingSecret: true,
                configSecret: ALERTMANAGER_CONFIG_SECRET,
                retention: "120h",
                storage: pvc(10),
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                securityContext: restrictedPod(1000),
                affinity: a.place.affinity,
                tolerations: a.place.tolerations,
                podAntiAffinity: "soft",
                podAntiAffinityTopologyKey: "topology.kubernetes.io/zone",
            },
        },
        grafana: {
            fullnameOverride: SERVICES.grafana,
            defaultDashboardsEnabled: true,
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            service: { port: p.grafana, targetPort: 3000 },
            persistence: { enabled: false },
            // No chart test Pod (a Helm test hook, never part of the install).
            testFramework: { enabled: false },
            // Read-only root filesystem: Grafana writes only to its data folder (the chart's `storage`
            // emptyDir, persistence being off), its search index (`search` emptyDir) and /tmp (ours).
            containerSecurityContext: RESTRICTED_CONTAINER,
            extraEmptyDirMounts: [{ name: "tmp", mountPath: "/tmp" }],
            sidecar: {
                dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
                datasources: { enabled: true, defaultDatasourceEnabled: true },
                // Shared by both sidecars (grafana chart: one resources, securityContext and probe set for all).
                // They write only into their target folders, which are emptyDirs.
                resources: SIDECAR_RESOURCES,
                securityContext: RESTRICTED_CONTAINER,
                readinessProbe: sidecarProbe(15, 3),
                livenessProbe: sidecarProbe(30, 4),
            },
            additionalDataSources: grafanaDataSources(),
            "grafana.ini": {
                server: a.grafanaUrl ? { root_url: a.grafanaUrl } : {},
                security: { cookie_secure: true, disable_gravatar: true },
                analytics: { reporting_enabled: false, check_for_updates: false },
                users: { allow_sign_up: false },
            },
            resources: controllerResources({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }, a.environment),
            affinity: a.place.affinity,
            tolerations: a.place.tolerations,
        },
        // kube-state-metrics keeps every watched object's metrics in memory (chart default: no resources).
        "kube-state-metrics": {
            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            // MongoDB backups' completion times as metrics (PBM exports none): the MongoBackupTooOld alert.
            customResourceState: { enabled: true, config: PSMDB_BACKUP_METRICS },
            rbac: { extraRules: [{ apiGroups: ["psmdb.percona.com"], resources: ["perconaservermongodbbackups"], verbs: ["list", "watch"] }] },
            affinity: a.place.affinity,
            tolerations: a.place.tolerations,
        },
    };
}

/**
 * kube-state-metrics custom-resource configuration (its `CustomResourceStateMetrics` format): one
 * gauge per `PerconaServerMongoDBBackup`, `kube_customresource_mongodb_backup_completed_timestamp`,
 * the backup's `status.completed` (RFC 3339, which kube-state-metrics turns into Unix seconds), set
 * only once PBM reports the backup complete. Read by observability/backupAlerts.ts.
 */
export const PSMDB_BACKUP_METRICS = {
    kind: "CustomResourceStateMetrics",
    spec: {
        resources: [
            {
                groupVersionKind: { group: "psmdb.percona.com", version: "v1", kind: "PerconaServerMongoDBBackup" },
                metricNamePrefix: "kube_customresource_mongodb_backup",
                labelsFromPath: { name: ["metadata", "name"], namespace: ["metadata", "namespace"], cluster: ["spec", "clusterName"] },
                metrics: [
                    {
                        name: "completed_timestamp",
                        help: "When the backup completed (Unix seconds).",
                        each: { type: "Gauge", gauge: { path: ["status", "completed"] } },
                    },
                ],
            },
        ],
    },
};

/** An S3-compatible store's endpoint as `host:port` (Loki's and Tempo's S3 clients take no scheme) and whether it is plain HTTP. */
function s3CompatibleEndpoint(endpoint: pulumi.Input<string> | undefined): { host: pulumi.Output<string>; insecure: pulumi.Output<boolean> } {
    const e = pulumi.output(endpoint ?? "");
    return { host: e.apply((x) => x.replace(/^https?:\/\//, "").replace(/\/+$/, "")), insecure: e.apply((x) => x.startsWith("http://")) };
}

/**
 * Loki's `loki.storage` block and schema object-store name for a store (or the local filesystem).
 *
 * With a store, Loki writes every object (chunks, TSDB index, ruler and delete requests) under
 * `loki/` of the cluster's bucket, the prefix the lifecycle backstop rule of components/retention.ts
 * (`TOOL_PREFIXES.loki`) expires. Only Loki's Thanos object-store clients take a prefix
 * (`storage_prefix`, letters, digits and dashes, so the folder name without its slash): the loki
 * chart 18.11.0 writes them into `common.storage.object_store` when `use_thanos_objstore` is true
 * (templates/_helpers.tpl `loki.commonStorageConfig` / `loki.thanosStorageConfig`, bucket from
 * `bucketNames`). The legacy `s3`/`gcs`/`azure` blocks stay for the ruler's storage block, which
 * the chart still builds from them.
 */
export function lokiStorage(access: ObjectStoreAccessInfo | undefined): { type: string; storage: Record<string, unknown> } {
    if (!access) {
        return { type: "filesystem", storage: { type: "filesystem" } };
    }
    const buckets = { chunks: access.store.bucket, ruler: access.store.bucket, admin: access.store.bucket };
    const thanos = (type: string, client: Record<string, unknown>): Record<string, unknown> => ({
        use_thanos_objstore: true,
        object_store: { type, storage_prefix: toolFolder("loki"), [type]: client },
    });
    switch (access.kind) {
        case "s3":
            return {
                type: "s3",
                storage: {
                    type: "s3",
                    bucketNames: buckets,
                    s3: { region: access.store.region },
                    ...thanos("s3", { endpoint: pulumi.interpolate`s3.${access.store.region}.amazonaws.com`, region: access.store.region }),
                },
            };
        case "gcs":
            return { type: "gcs", storage: { type: "gcs", bucketNames: buckets, gcs: {}, ...thanos("gcs", {}) } };
        case "azureBlob":
            return {
                type: "azure",
                storage: {
                    type: "azure",
                    bucketNames: buckets,
                    azure: { accountName: access.store.storageAccount, useFederatedToken: true },
                    // No key: the Thanos Azure client then takes Azure's default credential chain, which reads the federated token.
                    ...thanos("azure", { account_name: access.store.storageAccount }),
                },
            };
        case "s3Compatible": {
            const keys = { accessKeyId: `\${${STATIC_KEYS.accessKeyId}}`, secretAccessKey: `\${${STATIC_KEYS.secretAccessKey}}` };
            const ep = s3CompatibleEndpoint(access.store.endpoint);
            return {
                type: "s3",
                storage: {
                    type: "s3",
                    bucketNames: buckets,
                    s3: { endpoint: access.store.endpoint, region: access.store.region, s3ForcePathStyle: true, ...keys },
                    ...thanos("s3", {
                        endpoint: ep.host,
                        region: access.store.region,
                        insecure: ep.insecure,
                        bucket_lookup_type: "path",
                        access_key_id: keys.accessKeyId,
                        secret_access_key: keys.secretAccessKey,
                    }),
                },
            };
        }
    }
}

/** Arguments of `lokiValues`. */
export interface LokiValuesArgs {
    environment: Environment;
    storageClass: pulumi.Input<string>;
    logsDays: number;
    access?: ObjectStoreAccessInfo;
    place: Placement;
}

/** Loki values: monolithic, replicated three ways over the object store (one replica on local disk without one). */
export function lokiValues(a: LokiValuesArgs): Record<string, unknown> {
    const s = observabilitySizes(a.environment);
    const { type, storage } = lokiStorage(a.access);
    const replicas = a.access ? s.lokiReplicas : 1;
    const staticKeys = a.access?.credentialsSecret;
    return {
        deploymentMode: "Monolithic",
        fullnameOverride: SERVICES.loki,
        loki: {
            auth_enabled: false,
            commonConfig: { replication_factor: replicas },
            storage,
            schemaConfig: { configs: [{ from: "2025-01-01", store: "tsdb", object_store: type, schema: "v13", index: { prefix: "index_", period: "24h" } }] },
            limits_config: { retention_period: `${a.logsDays * 24}h` },
            compactor: { retention_enabled: true, delete_request_store: type, working_directory: "/var/loki/compactor" },
            server: { http_listen_port: LAYOUT.monitoring.ports.loki },
        },
        serviceAccount: { create: true, name: SERVICES.loki, annotations: a.access ? a.access.identity.serviceAccountAnnotations : {} },
        singleBinary: {
            replicas,
            podLabels: a.access ? a.access.identity.podLabels : {},
            persistence: {
                enabled: true,
                size: `${a.access ? s.lokiCacheVolumeGi : s.lokiLocalVolumeGi}Gi`,
                storageClass: a.storageClass,
                whenDeleted: "Retain",
                whenScaled: "Retain",
            },
            extraArgs: staticKeys ? ["-config.expand-env=true"] : [],
            extraEnvFrom: staticKeys ? [{ secretRef: { name: staticKeys.metadata.name } }] : [],
            resources:
                a.environment === "prod"
                    ? { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } }
                    : { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
            affinity: a.place.affinity,
            tolerations: a.place.tolerations,
        },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        gateway: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        minio: { enabled: false },
        // No rules sidecar: the platform's alerts are a PrometheusRule, not Loki rules, and the sidecar
        // would bring a ClusterRole reading every ConfigMap and Secret of the cluster (loki chart
        // 18.11.0: templates/backend/clusterrole.yaml, sidecar container in templates/_pod.tpl).
        // Its resources are set for whoever turns it back on through chartOverrides.
        sidecar: { rules: { enabled: false }, resources: SIDECAR_RESOURCES },
    };
}

/**
 * Tempo's `tempo.storage.trace` block for a store (or local disk). With an object store the chart's
 * default `local` block (values.yaml, tempo 2.2.4) is deleted (`null`) so the config names one backend.
 */
export function tempoTraceStorage(access: ObjectStoreAccessInfo | undefined): Record<string, unknown> {
    const wal = { path: "/var/tempo/wal" };
    if (!access) {
        return { backend: "local", local: { path: "/var/tempo/traces" }, wal };
    }
    const local = null;
    switch (access.kind) {
        case "s3":
            return {
                backend: "s3",
                local,
                s3: {
                    bucket: access.store.bucket,
                    region: access.store.region,
                    endpoint: pulumi.interpolate`s3.${access.store.region}.amazonaws.com`,
                    prefix: toolFolder("tempo"),
                },
                wal,
            };
        case "gcs":
            return { backend: "gcs", local, gcs: { bucket_name: access.store.bucket, prefix: toolFolder("tempo") }, wal };
        case "azureBlob":
            return {
                backend: "azure",
                local,
                azure: {
                    container_name: access.store.bucket,
                    storage_account_name: access.store.storageAccount,
                    use_federated_token: true,
                    prefix: toolFolder("tempo"),
                },
                wal,
            };
        case "s3Compatible":
            return {
                backend: "s3",
                local,
                s3: {
                    bucket: access.store.bucket,
                    region: access.store.region,
                    endpoint: pulumi.output(access.store.endpoint ?? "").apply((e) => e.replace(/^https?:\/\//, "")),
                    forcepathstyle: true,
                    prefix: toolFolder("tempo"),
                    access_key: `\${${STATIC_KEYS.accessKeyId}}`,
                    secret_key: `\${${STATIC_KEYS.secretAccessKey}}`,
                },
                wal,
            };
    }
}

/** Arguments of `tempoValues`. */
export interface TempoValuesArgs {
    environment: Environment;
    storageClass: pulumi.Input<string>;
    tracesDays: number;
    access?: ObjectStoreAccessInfo;
    place: Placement;
}

/** Jaeger protocols the tempo chart enables by default (values.yaml `tempo.receivers.jaeger.protocols`, 2.2.4). */
export const TEMPO_JAEGER_PROTOCOLS = ["grpc", "thrift_binary", "thrift_compact", "thrift_http"] as const;

/**
 * Tempo's configuration file, as the chart's `config` value (a template the chart passes through
 * `tpl`, templates/configmap-tempo.yaml). The chart's default writes `toYaml .Values.tempo.receivers`
 * whole, so Jaeger would always be in it: Tempo's distributor refuses a Jaeger receiver with no
 * protocol, and removing `tempo.receivers.jaeger` breaks the chart's Service (templates/_ports.tpl
 * reads `.Values.tempo.receivers.jaeger.protocols.*`). This one is the chart's default with the
 * receivers narrowed to OTLP; every other block still comes from the `tempo.*` values.
 */
export const TEMPO_CONFIG = [
    "stream_over_http_enabled: {{ .Values.tempo.streamOverHttpEnabled }}",
    "memberlist:",
    '  cluster_label: "{{ .Release.Name }}.{{ .Release.Namespace }}"',
    "multitenancy_enabled: {{ .Values.tempo.multitenancyEnabled }}",
    "usage_report:",
    "  reporting_enabled: {{ .Values.tempo.reportingEnabled }}",
    "compactor:",
    "  compaction:",
    "    block_retention: {{ .Values.tempo.retention }}",
    "distributor:",
    "  receivers:",
    "    otlp:",
    "      {{- toYaml .Values.tempo.receivers.otlp | nindent 6 }}",
    "ingester:",
    "  {{- toYaml .Values.tempo.ingester | nindent 2 }}",
    "server:",
    "  {{- toYaml .Values.tempo.server | nindent 2 }}",
    "storage:",
    "  {{- toYaml .Values.tempo.storage | nindent 2 }}",
    "querier:",
    "  {{- toYaml .Values.tempo.querier | nindent 2 }}",
    "query_frontend:",
    "  {{- toYaml .Values.tempo.queryFrontend | nindent 2 }}",
    "overrides:",
    "  {{- toYaml .Values.tempo.overrides | nindent 2 }}",
    "",
].join("\n");

/**
 * Tempo values: OTLP gRPC 4317 and HTTP 4318 only, blocks in the object store, WAL on an SSD volume.
 * Jaeger is off in two places (tempo chart 2.2.4): the config file (`TEMPO_CONFIG`) lists only OTLP,
 * and each default Jaeger protocol is deleted (`null`) so the Service opens none of Jaeger's UDP/HTTP
 * ports; `tempo.receivers.jaeger` itself must stay a map, its templates dereference it.
 */
export function tempoValues(a: TempoValuesArgs): Record<string, unknown> {
    const s = observabilitySizes(a.environment);
    const p = LAYOUT.monitoring.ports;
    const staticKeys = a.access?.credentialsSecret;
    return {
        fullnameOverride: SERVICES.tempo,
        replicas: 1,
        config: TEMPO_CONFIG,
        tempo: {
            retention: `${a.tracesDays * 24}h`,
            reportingEnabled: false,
            server: { http_listen_port: p.tempo },
            storage: { trace: tempoTraceStorage(a.access) },
            receivers: {
                jaeger: { protocols: Object.fromEntries(TEMPO_JAEGER_PROTOCOLS.map((p) => [p, null])) },
                otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${p.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${p.otlpHttp}` } } },
            },
            extraArgs: staticKeys ? { "config.expand-env": "true" } : {},
            extraEnvFrom: staticKeys ? [{ secretRef: { name: staticKeys.metadata.name } }] : [],
            securityContext: RESTRICTED_CONTAINER,
            resources:
                a.environment === "prod"
                    ? { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } }
                    : { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } },
        },
        securityContext: restrictedPod(10001),
        serviceAccount: { create: true, name: SERVICES.tempo, annotations: a.access ? a.access.identity.serviceAccountAnnotations : {} },
        podLabels: a.access ? a.access.identity.podLabels : {},
        persistence: { enabled: true, size: `${s.tempoVolumeGi}Gi`, storageClassName: a.storageClass, accessModes: ["ReadWriteOnce"] },
        affinity: a.place.affinity,
        tolerations: a.place.tolerations,
    };
}

/**
 * The Alloy pipeline: every pod's logs read through the Kubernetes API (`loki.source.kubernetes`,
 * no host mounts, so it runs in the restricted namespace), labelled with namespace, pod, container
 * and app, pushed to Loki. Clustering spreads the targets over the replicas.
 */
export function alloyConfig(lokiPushUrl: string): string {
    return [
        'discovery.kubernetes "pods" {',
        '  role = "pod"',
        "}",
        "",
        'discovery.relabel "pods" {',
        "  targets = discovery.kubernetes.pods.targets",
        "  rule {",
        '    source_labels = ["__meta_kubernetes_namespace"]',
        '    target_label  = "namespace"',
        "  }",
        "  rule {",
        '    source_labels = ["__meta_kubernetes_pod_name"]',
        '    target_label  = "pod"',
        "  }",
        "  rule {",
        '    source_labels = ["__meta_kubernetes_pod_container_name"]',
        '    target_label  = "container"',
        "  }",
        "  rule {",
        '    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]',
        '    target_label  = "app"',
        "  }",
        "}",
        "",
        'loki.source.kubernetes "pods" {',
        "  targets    = discovery.relabel.pods.output",
        "  forward_to = [loki.write.default.receiver]",
        "  clustering {",
        "    enabled = true",
        "  }",
        "}",
        "",
        'loki.write "default" {',
        "  endpoint {",
        `    url = "${lokiPushUrl}"`,
        "  }",
        "}",
        "",
    ].join("\n");
}

/** Arguments of `alloyValues`. */
export interface AlloyValuesArgs {
    environment: Environment;
    place: Placement;
}

/** Alloy's HTTP port (the alloy chart's `alloy.listenPort` default, 1.11.1): UI, metrics, /-/ready. */
export const ALLOY_PORT = 12345;

/** Grafana Alloy values: a clustered Deployment shipping pod logs to Loki, least-privilege RBAC, restricted profile. */
export function alloyValues(a: AlloyValuesArgs): Record<string, unknown> {
    const storage = "/tmp/alloy";
    return {
        fullnameOverride: SERVICES.alloy,
        crds: { create: false },
        alloy: {
            configMap: { create: true, content: alloyConfig(`${observabilityUrls().loki}/loki/api/v1/push`) },
            clustering: { enabled: true },
            storagePath: storage,
            enableReporting: false,
            mounts: { varlog: false, dockercontainers: false, extra: [{ name: "storage", mountPath: storage }] },
            // The chart probes readiness only (/-/ready); liveness on the same endpoint, more patient.
            livenessProbe: {
                httpGet: { path: "/-/ready", port: ALLOY_PORT, scheme: "HTTP" },
                initialDelaySeconds: 30,
                periodSeconds: 15,
                timeoutSeconds: 5,
                failureThreshold: 4,
            },
            securityContext: { ...RESTRICTED_CONTAINER, runAsUser: 473, runAsGroup: 473 },
            resources:
                a.environment === "prod"
                    ? { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } }
                    : { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        },
        global: { podSecurityContext: restrictedPod(473) },
        // No config-reloader sidecar (its chart template has no probe values): the configuration
        // changes only through Pulumi, and with the reloader off the chart stamps the pods with
        // the configuration's checksum (templates/controllers/_pod.yaml), so a change rolls them.
        configReloader: { enabled: false },
        controller: {
            type: "deployment",
            // Three in production, one per zone: the clustered replicas share the targets.
            replicas: a.environment === "prod" ? 3 : 1,
            volumes: { extra: [{ name: "storage", emptyDir: { sizeLimit: "2Gi" } }] },
            affinity: a.place.affinity,
            tolerations: a.place.tolerations,
        },
        // Only what the log pipeline needs: no Secrets, no ConfigMaps, no nodes. The chart (alloy
        // 1.11.1, templates/rbac.yaml) writes `rules` then `clusterRules` into one ClusterRole,
        // each with toYaml, so both must be non-empty lists (`[]` or null would print a bare `[]` or
        // `null` after the first list: invalid YAML). The namespaced kinds go in `rules`, the
        // cluster-scoped one (namespaces) in `clusterRules`, replacing the chart's node rules.
        rbac: {
            create: true,
            rules: [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }],
            clusterRules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }],
        },
    };
}
