/**
 * The seed's alert rules (REQUIREMENTS.md "Alerts"), as PrometheusRule groups the program creates
 * itself so the policy pack and the tests can read them: CPU or memory > 80 % for 5 m (nodes and
 * workloads), error rate > 1 % for 5 m, agent health degraded for 10 m, Redis replication lag
 * > 10 s, p99 latency > 1 s, cache hit ratio < 50 % for 15 m. Each rule keeps its threshold and
 * duration as data; the expression is built from them, so one number is written once. Pure.
 *
 * Metric sources: node and container usage from the kubelet's cAdvisor endpoint (node-exporter
 * needs host access that the restricted monitoring namespace refuses), replica counts from
 * kube-state-metrics, Redis from redis_exporter, and the agents' HTTP metrics as the Prometheus
 * client conventions name them (`http_requests_total{code}`, `http_request_duration_seconds`).
 */
import { LAYOUT } from "../layout";
import { BACKUP_ALERT_GROUP } from "./backupAlerts";
import { FALCO_ALERT_GROUP } from "./falcoAlerts";

/** One alert: the measured expression, how it compares to the threshold, for how long. */
export interface AlertSpec {
    /** Alert name (PascalCase, as Alertmanager routes on it). */
    alert: string;
    /** PromQL of the measured quantity (without the comparison). */
    measure: string;
    /** A second quantity compared to the same threshold; the alert fires when either does. */
    orMeasure?: string;
    /** Comparison against the threshold. */
    op: ">" | "<" | "==";
    /** Threshold in the measure's unit (ratios as fractions: 80 % is 0.8). */
    threshold: number;
    /** How long the condition must hold, Prometheus duration. */
    for: string;
    severity: "warning" | "critical";
    /** One-line summary; `{{ $labels.x }}` and `{{ $value }}` are Alertmanager templates. */
    summary: string;
}

/** Named thresholds (the seed's figures). */
export const THRESHOLDS = {
    cpuRatio: 0.8,
    memoryRatio: 0.8,
    resourceFor: "5m",
    errorRatio: 0.01,
    errorFor: "5m",
    healthFor: "10m",
    redisLagSeconds: 10,
    redisLagFor: "1m",
    p99Seconds: 1,
    latencyFor: "5m",
    cacheHitRatio: 0.5,
    cacheFor: "15m",
    /** Storage I/O latency, seconds per operation (the seed's scale-out trigger: > 10 ms). */
    ioLatencySeconds: 0.01,
    ioFor: "10m",
    /** Network use as a fraction of the node's baseline bandwidth (the seed's trigger: > 70 %). */
    networkRatio: 0.7,
    networkFor: "10m",
    /**
     * The baseline bandwidth the network ratio divides by, bytes/s. cAdvisor does not know link
     * speeds, so this is a figure: 1.5625 Gbit/s, the published baseline of m6i.xlarge (AWS
     * "Amazon EC2 instance network bandwidth"), the smallest production node of any cloud here
     * (GKE e2-standard-4 and AKS D4s_v5 are rated higher), so the alert fires early, not late.
     */
    networkBaselineBytesPerSecond: 195_312_500,
} as const;

const AGENTS = `namespace=~"${LAYOUT.jamie.namespace}|${LAYOUT.scarlet.namespace}"`;
const REDIS_NS = `namespace="${LAYOUT.redis.namespace}"`;

/** Every alert, grouped as the PrometheusRule groups them. */
export const ALERT_GROUPS: { name: string; rules: AlertSpec[] }[] = [
    {
        name: "platform-resources",
        rules: [
            {
                alert: "NodeCpuHigh",
                measure: 'sum by (node) (rate(container_cpu_usage_seconds_total{id="/"}[5m])) / sum by (node) (machine_cpu_cores)',
                op: ">",
                threshold: THRESHOLDS.cpuRatio,
                for: THRESHOLDS.resourceFor,
                severity: "warning",
                summary: "Node {{ $labels.node }} CPU above 80 % for 5 minutes ({{ $value | humanizePercentage }}).",
            },
            {
                alert: "NodeMemoryHigh",
                measure: 'sum by (node) (container_memory_working_set_bytes{id="/"}) / sum by (node) (machine_memory_bytes)',
                op: ">",
                threshold: THRESHOLDS.memoryRatio,
                for: THRESHOLDS.resourceFor,
                severity: "warning",
                summary: "Node {{ $labels.node }} memory above 80 % for 5 minutes ({{ $value | humanizePercentage }}).",
            },
            {
                alert: "PodCpuHigh",
                measure:
                    'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=""}[5m])) / sum by (namespace, pod) (kube_pod_container_resource_limits{resource="cpu"})',
                op: ">",
                threshold: THRESHOLDS.cpuRatio,
                for: THRESHOLDS.resourceFor,
                severity: "warning",
                summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} uses more than 80 % of its CPU limit for 5 minutes.",
            },
            {
                alert: "PodMemoryHigh",
                measure:
                    'sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}) / sum by (namespace, pod) (kube_pod_container_resource_limits{resource="memory"})',
                op: ">",
                threshold: THRESHOLDS.memoryRatio,
                for: THRESHOLDS.resourceFor,
                severity: "warning",
                summary: "Pod {{ $labels.namespace }}/{{ $labels.pod }} uses more than 80 % of its memory limit for 5 minutes.",
            },
        ],
    },
    {
        name: "platform-scaling-signals",
        rules: [
            {
                alert: "NodeStorageLatencyHigh",
                // cAdvisor's per-device time and operation counters on the node's root cgroup.
                measure:
                    'sum by (node) (rate(container_fs_read_seconds_total{id="/"}[5m]) + rate(container_fs_write_seconds_total{id="/"}[5m])) / sum by (node) (rate(container_fs_reads_total{id="/"}[5m]) + rate(container_fs_writes_total{id="/"}[5m]))',
                op: ">",
                threshold: THRESHOLDS.ioLatencySeconds,
                for: THRESHOLDS.ioFor,
                severity: "warning",
                summary: "Node {{ $labels.node }} storage I/O takes more than 10 ms per operation for 10 minutes ({{ $value | humanizeDuration }}).",
            },
            {
                alert: "NodeNetworkHigh",
                measure: `sum by (node) (rate(container_network_receive_bytes_total{id="/"}[5m]) + rate(container_network_transmit_bytes_total{id="/"}[5m])) / ${THRESHOLDS.networkBaselineBytesPerSecond}`,
                op: ">",
                threshold: THRESHOLDS.networkRatio,
                for: THRESHOLDS.networkFor,
                severity: "warning",
                summary: "Node {{ $labels.node }} network above 70 % of its baseline bandwidth for 10 minutes ({{ $value | humanizePercentage }}).",
            },
        ],
    },
    {
        name: "platform-agents",
        rules: [
            {
                alert: "AgentErrorRateHigh",
                measure: `sum by (namespace) (rate(http_requests_total{${AGENTS},code=~"5.."}[5m])) / sum by (namespace) (rate(http_requests_total{${AGENTS}}[5m]))`,
                op: ">",
                threshold: THRESHOLDS.errorRatio,
                for: THRESHOLDS.errorFor,
                severity: "critical",
                summary: "More than 1 % of {{ $labels.namespace }} requests fail (5xx) for 5 minutes ({{ $value | humanizePercentage }}).",
            },
            {
                alert: "AgentHealthDegraded",
                // Fewer ready replicas than wanted, or a scrape target (health/metrics endpoint) down.
                measure: `min by (namespace) (kube_deployment_status_replicas_available{${AGENTS}} / kube_deployment_spec_replicas{${AGENTS}})`,
                orMeasure: `min by (namespace) (up{${AGENTS}})`,
                op: "<",
                threshold: 1,
                for: THRESHOLDS.healthFor,
                severity: "critical",
                summary: "{{ $labels.namespace }} has been degraded (unready replicas or failing health endpoint) for 10 minutes.",
            },
            {
                alert: "AgentLatencyP99High",
                measure: `histogram_quantile(0.99, sum by (namespace, le) (rate(http_request_duration_seconds_bucket{${AGENTS}}[5m])))`,
                op: ">",
                threshold: THRESHOLDS.p99Seconds,
                for: THRESHOLDS.latencyFor,
                severity: "warning",
                summary: "{{ $labels.namespace }} p99 latency above 1 s ({{ $value | humanizeDuration }}).",
            },
        ],
    },
    {
        name: "platform-redis",
        rules: [
            {
                alert: "RedisReplicationLagHigh",
                measure: `max by (pod) (redis_connected_slave_lag_seconds{${REDIS_NS}})`,
                op: ">",
                threshold: THRESHOLDS.redisLagSeconds,
                for: THRESHOLDS.redisLagFor,
                severity: "critical",
                summary: "A Redis replica of {{ $labels.pod }} lags more than 10 s behind the primary.",
            },
            {
                alert: "RedisCacheHitRatioLow",
                measure: `sum(rate(redis_keyspace_hits_total{${REDIS_NS}}[5m])) / (sum(rate(redis_keyspace_hits_total{${REDIS_NS}}[5m])) + sum(rate(redis_keyspace_misses_total{${REDIS_NS}}[5m])))`,
                op: "<",
                threshold: THRESHOLDS.cacheHitRatio,
                for: THRESHOLDS.cacheFor,
                severity: "warning",
                summary: "Redis cache hit ratio below 50 % for 15 minutes ({{ $value | humanizePercentage }}).",
            },
        ],
    },
    BACKUP_ALERT_GROUP,
    FALCO_ALERT_GROUP,
];

/** The PromQL of an alert: its measure compared to its threshold. */
export function alertExpr(a: AlertSpec): string {
    const one = `${a.measure} ${a.op} ${a.threshold}`;
    return a.orMeasure === undefined ? one : `${one} or ${a.orMeasure} ${a.op} ${a.threshold}`;
}

/** The `spec` of the PrometheusRule holding every alert. */
export function prometheusRuleSpec(): { groups: { name: string; rules: Record<string, unknown>[] }[] } {
    return {
        groups: ALERT_GROUPS.map((g) => ({
            name: g.name,
            rules: g.rules.map((a) => ({
                alert: a.alert,
                expr: alertExpr(a),
                for: a.for,
                labels: { severity: a.severity, platform: "agent-platform" },
                annotations: { summary: a.summary },
            })),
        })),
    };
}
