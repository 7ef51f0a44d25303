/**
 * The platform's Grafana dashboards (cluster, agents, databases) as dashboard JSON, provisioned
 * through ConfigMaps that Grafana's sidecar picks up by the `grafana_dashboard` label. Each panel
 * is one PromQL query (LogQL for the log panel); the alert thresholds are drawn on the panels that
 * have one, from the same table as the alert rules. Pure.
 */
import { LAYOUT } from "../layout";
import { THRESHOLDS } from "./alertRules";

/** Data source uids (Grafana provisioning sets them, so dashboards can refer to them). */
export const DATASOURCE_UIDS = { prometheus: "prometheus", loki: "loki", tempo: "tempo" } as const;

/** One panel: a title, its queries, a unit and an optional threshold line. */
export interface PanelSpec {
    title: string;
    /** PromQL (or LogQL for a `logs` panel) per series. */
    queries: string[];
    /** Grafana unit: `percentunit`, `s`, `bytes`, `reqps`, `short`. */
    unit: string;
    /** @default "timeseries" */
    type?: "timeseries" | "logs";
    /** A red threshold line. */
    threshold?: number;
}

/** One dashboard: a stable uid, a title, its panels. */
export interface DashboardSpec {
    uid: string;
    title: string;
    panels: PanelSpec[];
}

const AGENTS = `namespace=~"${LAYOUT.jamie.namespace}|${LAYOUT.scarlet.namespace}"`;
const DATA = `namespace=~"${LAYOUT.postgres.namespace}|${LAYOUT.mongodb.namespace}|${LAYOUT.redis.namespace}"`;

/** The three dashboards. */
export const DASHBOARDS: DashboardSpec[] = [
    {
        uid: "platform-cluster",
        title: "Platform / Cluster",
        panels: [
            {
                title: "Node CPU",
                queries: ['sum by (node) (rate(container_cpu_usage_seconds_total{id="/"}[5m])) / sum by (node) (machine_cpu_cores)'],
                unit: "percentunit",
                threshold: THRESHOLDS.cpuRatio,
            },
            {
                title: "Node memory",
                queries: ['sum by (node) (container_memory_working_set_bytes{id="/"}) / sum by (node) (machine_memory_bytes)'],
                unit: "percentunit",
                threshold: THRESHOLDS.memoryRatio,
            },
            { title: "Pods not ready by namespace", queries: ['sum by (namespace) (kube_pod_status_ready{condition="false"})'], unit: "short" },
            {
                title: "Persistent volume usage",
                queries: ["max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes / kubelet_volume_stats_capacity_bytes)"],
                unit: "percentunit",
            },
            { title: "Firing alerts", queries: ['sum by (alertname) (ALERTS{alertstate="firing"})'], unit: "short" },
        ],
    },
    {
        uid: "platform-agents",
        title: "Platform / Agents (Jamie, Scarlet)",
        panels: [
            { title: "Requests per second", queries: [`sum by (namespace) (rate(http_requests_total{${AGENTS}}[5m]))`], unit: "reqps" },
            {
                title: "Error rate (5xx)",
                queries: [
                    `sum by (namespace) (rate(http_requests_total{${AGENTS},code=~"5.."}[5m])) / sum by (namespace) (rate(http_requests_total{${AGENTS}}[5m]))`,
                ],
                unit: "percentunit",
                threshold: THRESHOLDS.errorRatio,
            },
            {
                title: "p99 latency",
                queries: [`histogram_quantile(0.99, sum by (namespace, le) (rate(http_request_duration_seconds_bucket{${AGENTS}}[5m])))`],
                unit: "s",
                threshold: THRESHOLDS.p99Seconds,
            },
            { title: "Available replicas", queries: [`sum by (namespace, deployment) (kube_deployment_status_replicas_available{${AGENTS}})`], unit: "short" },
            {
                title: "CPU against limit",
                queries: [
                    `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{${AGENTS},container!=""}[5m])) / sum by (namespace, pod) (kube_pod_container_resource_limits{${AGENTS},resource="cpu"})`,
                ],
                unit: "percentunit",
                threshold: THRESHOLDS.cpuRatio,
            },
            { title: "Agent logs", type: "logs", queries: [`{${AGENTS}}`], unit: "short" },
        ],
    },
    {
        uid: "platform-databases",
        title: "Platform / Databases",
        panels: [
            { title: "PostgreSQL backends", queries: [`sum by (pod) (cnpg_backends_total{namespace="${LAYOUT.postgres.namespace}"})`], unit: "short" },
            { title: "PostgreSQL replication lag", queries: [`max by (pod) (cnpg_pg_replication_lag{namespace="${LAYOUT.postgres.namespace}"})`], unit: "s" },
            {
                title: "PostgreSQL last archived WAL age",
                queries: [`time() - max(cnpg_pg_stat_archiver_last_archived_time{namespace="${LAYOUT.postgres.namespace}"})`],
                unit: "s",
            },
            { title: "MongoDB replica set member health", queries: [`mongodb_rs_members_health{namespace="${LAYOUT.mongodb.namespace}"}`], unit: "short" },
            {
                title: "MongoDB operations per second",
                queries: [`sum by (type) (rate(mongodb_ss_opcounters{namespace="${LAYOUT.mongodb.namespace}"}[5m]))`],
                unit: "ops",
            },
            {
                title: "Redis replication lag",
                queries: [`max by (pod) (redis_connected_slave_lag_seconds{namespace="${LAYOUT.redis.namespace}"})`],
                unit: "s",
                threshold: THRESHOLDS.redisLagSeconds,
            },
            {
                title: "Redis cache hit ratio",
                queries: [
                    `sum(rate(redis_keyspace_hits_total{namespace="${LAYOUT.redis.namespace}"}[5m])) / (sum(rate(redis_keyspace_hits_total{namespace="${LAYOUT.redis.namespace}"}[5m])) + sum(rate(redis_keyspace_misses_total{namespace="${LAYOUT.redis.namespace}"}[5m])))`,
                ],
                unit: "percentunit",
                threshold: THRESHOLDS.cacheHitRatio,
            },
            {
                title: "Redis seconds since last RDB save",
                queries: [`time() - max by (pod) (redis_rdb_last_save_timestamp_seconds{namespace="${LAYOUT.redis.namespace}"})`],
                unit: "s",
                threshold: 900,
            },
            {
                title: "Database volume usage",
                queries: [
                    `max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${DATA}} / kubelet_volume_stats_capacity_bytes{${DATA}})`,
                ],
                unit: "percentunit",
            },
        ],
    },
];

/** Grafana dashboard JSON for a spec (two panels per row, 12 columns wide each). */
export function dashboardJson(d: DashboardSpec): Record<string, unknown> {
    return {
        uid: d.uid,
        title: d.title,
        tags: ["agent-platform"],
        timezone: "utc",
        schemaVersion: 39,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        panels: d.panels.map((p, i) => {
            const logs = p.type === "logs";
            const datasource = { type: logs ? "loki" : "prometheus", uid: logs ? DATASOURCE_UIDS.loki : DATASOURCE_UIDS.prometheus };
            return {
                id: i + 1,
                type: p.type ?? "timeseries",
                title: p.title,
                datasource,
                gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
                targets: p.queries.map((expr, j) => ({ refId: String.fromCharCode(65 + j), expr, datasource })),
                fieldConfig: {
                    defaults: {
                        unit: p.unit,
                        thresholds:
                            p.threshold === undefined
                                ? { mode: "absolute", steps: [{ color: "green", value: null }] }
                                : {
                                      mode: "absolute",
                                      steps: [
                                          { color: "green", value: null },
                                          { color: "red", value: p.threshold },
                                      ],
                                  },
                        custom: p.threshold === undefined ? {} : { thresholdsStyle: { mode: "line" } },
                    },
                    overrides: [],
                },
            };
        }),
    };
}
