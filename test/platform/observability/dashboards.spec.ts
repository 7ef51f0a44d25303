import * as assert from "assert";
import { DASHBOARDS, dashboardJson, DATASOURCE_UIDS } from "../../../components/platform/observability/dashboards";
import { THRESHOLDS } from "../../../components/platform/observability/alertRules";

describe("platform observability: dashboards", function () {
    it("has a cluster, an agents and a databases dashboard with stable uids", () => {
        assert.deepStrictEqual(
            DASHBOARDS.map((d) => d.uid),
            ["platform-cluster", "platform-agents", "platform-databases"],
        );
    });

    it("covers each database and both agents", () => {
        const queries = (uid: string) =>
            DASHBOARDS.find((d) => d.uid === uid)!
                .panels.flatMap((p) => p.queries)
                .join("\n");
        const db = queries("platform-databases");
        for (const metric of ["cnpg_", "mongodb_", "redis_connected_slave_lag_seconds", "redis_keyspace_hits_total", "redis_rdb_last_save_timestamp_seconds"]) {
            assert.ok(db.includes(metric), `databases dashboard shows ${metric}`);
        }
        const agents = queries("platform-agents");
        assert.ok(agents.includes('namespace=~"jamie|scarlet"'));
        assert.ok(agents.includes("http_request_duration_seconds_bucket"));
    });

    it("draws the alert thresholds on the matching panels", () => {
        const panel = (uid: string, title: string) => DASHBOARDS.find((d) => d.uid === uid)!.panels.find((p) => p.title === title)!;
        assert.strictEqual(panel("platform-cluster", "Node CPU").threshold, THRESHOLDS.cpuRatio);
        assert.strictEqual(panel("platform-agents", "Error rate (5xx)").threshold, THRESHOLDS.errorRatio);
        assert.strictEqual(panel("platform-agents", "p99 latency").threshold, THRESHOLDS.p99Seconds);
        assert.strictEqual(panel("platform-databases", "Redis cache hit ratio").threshold, THRESHOLDS.cacheHitRatio);
        assert.strictEqual(panel("platform-databases", "Redis replication lag").threshold, THRESHOLDS.redisLagSeconds);
    });

    it("renders Grafana JSON: one panel per spec, a 2-column grid, the right data source, a red threshold step", () => {
        const spec = DASHBOARDS[1];
        const json = dashboardJson(spec) as any;
        assert.strictEqual(json.uid, "platform-agents");
        assert.strictEqual(json.panels.length, spec.panels.length);
        assert.deepStrictEqual(json.panels[0].gridPos, { h: 8, w: 12, x: 0, y: 0 });
        assert.deepStrictEqual(json.panels[1].gridPos, { h: 8, w: 12, x: 12, y: 0 });
        assert.deepStrictEqual(json.panels[2].gridPos, { h: 8, w: 12, x: 0, y: 8 });
        const errors = json.panels.find((p: any) => p.title === "Error rate (5xx)");
        assert.deepStrictEqual(errors.fieldConfig.defaults.thresholds.steps, [
            { color: "green", value: null },
            { color: "red", value: 0.01 },
        ]);
        assert.deepStrictEqual(errors.datasource, { type: "prometheus", uid: DATASOURCE_UIDS.prometheus });
        const logs = json.panels.find((p: any) => p.type === "logs");
        assert.deepStrictEqual(logs.datasource, { type: "loki", uid: DATASOURCE_UIDS.loki });
        assert.deepStrictEqual(logs.targets[0].refId, "A");
        // Valid JSON round trip (what the ConfigMap carries).
        assert.deepStrictEqual(JSON.parse(JSON.stringify(json)), json);
    });
});
