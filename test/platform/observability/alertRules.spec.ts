import * as assert from "assert";
import { ALERT_GROUPS, alertExpr, prometheusRuleSpec, THRESHOLDS } from "../../../components/platform/observability/alertRules";

/** The rule named `alert` as the PrometheusRule carries it. */
function rule(alert: string): { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> } {
    const found = prometheusRuleSpec()
        .groups.flatMap((g) => g.rules)
        .filter((r) => r.alert === alert);
    assert.strictEqual(found.length, 1, `one rule named ${alert}`);
    return found[0] as ReturnType<typeof rule>;
}

describe("platform observability: alert rules (the seed's thresholds)", function () {
    it("CPU above 80 % for 5 minutes, for nodes and for pods against their limits", () => {
        for (const name of ["NodeCpuHigh", "PodCpuHigh"]) {
            const r = rule(name);
            assert.match(r.expr, / > 0\.8$/);
            assert.strictEqual(r.for, "5m");
            assert.match(r.expr, /container_cpu_usage_seconds_total/);
        }
        assert.match(rule("NodeCpuHigh").expr, /machine_cpu_cores/);
        assert.match(rule("PodCpuHigh").expr, /kube_pod_container_resource_limits\{resource="cpu"\}/);
    });

    it("memory above 80 % for 5 minutes, for nodes and for pods against their limits", () => {
        for (const name of ["NodeMemoryHigh", "PodMemoryHigh"]) {
            const r = rule(name);
            assert.match(r.expr, / > 0\.8$/);
            assert.strictEqual(r.for, "5m");
            assert.match(r.expr, /container_memory_working_set_bytes/);
        }
        assert.match(rule("PodMemoryHigh").expr, /resource="memory"/);
    });

    it("error rate above 1 % for 5 minutes on the agents' 5xx responses", () => {
        const r = rule("AgentErrorRateHigh");
        assert.strictEqual(
            r.expr,
            'sum by (namespace) (rate(http_requests_total{namespace=~"jamie|scarlet",code=~"5.."}[5m])) / sum by (namespace) (rate(http_requests_total{namespace=~"jamie|scarlet"}[5m])) > 0.01',
        );
        assert.strictEqual(r.for, "5m");
        assert.strictEqual(r.labels.severity, "critical");
    });

    it("agent health degraded for 10 minutes: unready replicas or a failing health/metrics endpoint", () => {
        const r = rule("AgentHealthDegraded");
        assert.strictEqual(r.for, "10m");
        const [replicas, up] = r.expr.split(" or ");
        assert.match(replicas, /kube_deployment_status_replicas_available\{namespace=~"jamie\|scarlet"\} \/ kube_deployment_spec_replicas/);
        assert.match(replicas, / < 1$/);
        assert.strictEqual(up, 'min by (namespace) (up{namespace=~"jamie|scarlet"}) < 1');
    });

    it("Redis replication lag above 10 seconds", () => {
        const r = rule("RedisReplicationLagHigh");
        assert.strictEqual(r.expr, 'max by (pod) (redis_connected_slave_lag_seconds{namespace="data-redis"}) > 10');
        assert.strictEqual(r.for, "1m");
    });

    it("storage I/O latency above 10 ms per operation for 10 minutes (cAdvisor device time over operations)", () => {
        const r = rule("NodeStorageLatencyHigh");
        assert.match(r.expr, /container_fs_read_seconds_total\{id="\/"\}.*container_fs_writes_total\{id="\/"\}.*\) > 0\.01$/);
        assert.strictEqual(r.for, "10m");
    });

    it("network above 70 % of the node's baseline bandwidth for 10 minutes", () => {
        const r = rule("NodeNetworkHigh");
        assert.match(r.expr, /container_network_receive_bytes_total.*container_network_transmit_bytes_total.*\) \/ 195312500 > 0\.7$/);
        assert.strictEqual(r.for, "10m");
    });

    it("p99 latency above 1 second", () => {
        const r = rule("AgentLatencyP99High");
        assert.strictEqual(
            r.expr,
            'histogram_quantile(0.99, sum by (namespace, le) (rate(http_request_duration_seconds_bucket{namespace=~"jamie|scarlet"}[5m]))) > 1',
        );
        assert.strictEqual(r.for, "5m");
    });

    it("cache hit ratio below 50 % for 15 minutes", () => {
        const r = rule("RedisCacheHitRatioLow");
        assert.match(r.expr, /^sum\(rate\(redis_keyspace_hits_total\{namespace="data-redis"\}\[5m\]\)\) \/ \(sum\(rate\(redis_keyspace_hits_total/);
        assert.match(r.expr, /redis_keyspace_misses_total/);
        assert.match(r.expr, / < 0\.5$/);
        assert.strictEqual(r.for, "15m");
    });

    it("builds each expression from its threshold, so a changed threshold changes the rule", () => {
        const spec = ALERT_GROUPS[0].rules[0];
        assert.strictEqual(alertExpr({ ...spec, threshold: 0.9 }), `${spec.measure} > 0.9`);
        assert.strictEqual(alertExpr({ ...spec, op: "<", threshold: 2, orMeasure: "up" }), `${spec.measure} < 2 or up < 2`);
        assert.deepStrictEqual(THRESHOLDS, {
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
            ioLatencySeconds: 0.01,
            ioFor: "10m",
            networkRatio: 0.7,
            networkFor: "10m",
            networkBaselineBytesPerSecond: 195_312_500,
        });
    });

    it("gives every rule a severity, the platform label and a summary", () => {
        const rules = prometheusRuleSpec().groups.flatMap((g) => g.rules) as ReturnType<typeof rule>[];
        assert.strictEqual(rules.length, 19);
        for (const r of rules) {
            assert.ok(["warning", "critical"].includes(r.labels.severity), r.alert);
            assert.strictEqual(r.labels.platform, "agent-platform");
            assert.ok(r.annotations.summary.length > 20, r.alert);
        }
    });
});
