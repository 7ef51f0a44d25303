import * as assert from "assert";
import { skippedCharts } from "../../../components/platform/charts";
import { leakedSecrets, ofType, one } from "../helpers";
import { DataRun, runData, STATIC_ACCESS_KEY, STATIC_SECRET_KEY, T } from "./fixtures";

describe("platform data: DataServices", function () {
    let prod: DataRun;
    before(async () => {
        prod = await runData({ store: "s3Compatible" });
    });

    it("exposes the agents' connection strings as secret outputs with TLS options on", () => {
        assert.deepStrictEqual(prod.run.redactedOutputs, { mongodbUri: "[secret]", postgresUri: "[secret]", redisUrl: "[secret]" });
        const out = prod.run.outputs as Record<string, string>;
        const pg = one(prod.run, T.secret, "t-data-postgres-app-credentials").inputs.stringData as Record<string, string>;
        assert.strictEqual(out.postgresUri, `postgresql://scarlet_app:${pg.password}@pg-rw.data-postgres.svc.cluster.local:5432/scarlet?sslmode=require`);
        const mongo = one(prod.run, T.secret, "t-data-mongodb-jamie-credentials").inputs.stringData as Record<string, string>;
        assert.strictEqual(
            out.mongodbUri,
            `mongodb://jamie:${mongo.password}@mongodb-rs0.data-mongodb.svc.cluster.local:27017/jamie?replicaSet=rs0&authSource=admin&tls=true`,
        );
        const redis = one(prod.run, T.secret, "t-data-redis-auth").inputs.stringData as Record<string, string>;
        assert.strictEqual(out.redisUrl, `rediss://:${redis.password}@redis-master.data-redis.svc.cluster.local:6379/0`);
    });

    it("generates every password with @pulumi/random (32 alphanumeric characters) and keeps it secret", () => {
        const passwords = ofType(prod.run, T.password);
        assert.strictEqual(passwords.length, 8, passwords.map((p) => p.name).join(", "));
        for (const p of passwords) {
            assert.deepStrictEqual(p.inputs, { length: 32, special: false, minLower: 2, minUpper: 2, minNumeric: 2 });
        }
        for (const s of ofType(prod.run, T.secret)) {
            assert.strictEqual(s.redactedInputs.stringData, "[secret]", `${s.name} keeps its values secret`);
        }
        assert.ok(prod.run.secrets.has(STATIC_SECRET_KEY));
        assert.ok(prod.run.secrets.has(STATIC_ACCESS_KEY));
    });

    it("leaks no secret value as a plain string into any registered input, output or log", () => {
        assert.ok(prod.run.secrets.size >= 10, `secrets seen: ${prod.run.secrets.size}`);
        assert.deepStrictEqual(leakedSecrets(prod.run), []);
        const text = JSON.stringify(prod.run.redactedOutputs) + JSON.stringify(prod.run.log);
        for (const s of prod.run.secrets) {
            assert.ok(!text.includes(s), "a secret appears in the outputs or the log");
        }
        // Chart values and custom resources refer to Secrets by name only. (User names travel in
        // the same Secrets and so are secret too, but they are no credentials: check the
        // generated passwords and the static keys.)
        const credentials = [...prod.run.secrets].filter((s) => /^[A-Za-z0-9]{32}$/.test(s) || s === STATIC_ACCESS_KEY || s === STATIC_SECRET_KEY);
        assert.strictEqual(credentials.length, 10, "8 generated passwords and 2 static keys");
        for (const r of [
            ...ofType(prod.run, T.chart),
            ...ofType(prod.run, T.pgCluster),
            ...ofType(prod.run, T.psmdb),
            ...ofType(prod.run, T.redisReplication),
            ...ofType(prod.run, T.barmanStore),
        ]) {
            const plain = JSON.stringify(r.inputs);
            for (const s of credentials) {
                assert.ok(!plain.includes(s), `${r.type} ${r.name} carries a secret value`);
            }
        }
    });

    it("uses no secret string (user names included) that the report scrubber would find in non-secret text", () => {
        // The preview scrubs every secret string of 6+ characters from its report: a user name
        // such as "backup" or "scarlet" would blank out resource and chart names.
        const visible = JSON.stringify(prod.run.resources.map((r) => [r.type, r.name, r.redactedInputs]));
        const clashes = [...prod.run.secrets].filter((s) => s.length >= 6 && visible.includes(s));
        assert.deepStrictEqual(clashes, []);
    });

    it("puts every component in its own namespace with the SSD storage class on every volume", () => {
        const ns = (type: string) => ofType(prod.run, type).map((r) => (r.inputs.metadata as any).namespace);
        assert.deepStrictEqual(ns(T.pgCluster), ["data-postgres"]);
        assert.deepStrictEqual(ns(T.psmdb), ["data-mongodb"]);
        assert.deepStrictEqual(ns(T.redisReplication), ["data-redis"]);
        const text = JSON.stringify(
            [...ofType(prod.run, T.pgCluster), ...ofType(prod.run, T.psmdb), ...ofType(prod.run, T.redisReplication)].map((r) => r.inputs),
        );
        const classes = [...text.matchAll(/"storageClass(?:Name)?":"([^"]+)"/g)].map((m) => m[1]);
        assert.deepStrictEqual(classes, ["encrypted-ssd", "encrypted-ssd", "encrypted-ssd", "encrypted-ssd"]);
    });

    it("with third-party charts off installs no operator, skips the CRs that need its CRDs and lists the skipped charts", async () => {
        const off = await runData({ thirdPartyCharts: false });
        assert.strictEqual(ofType(off.run, T.chart).length, 0);
        for (const t of [T.pgCluster, T.pgScheduledBackup, T.barmanStore, T.psmdb, T.redisReplication, T.certificate, T.podMonitor]) {
            assert.strictEqual(ofType(off.run, t).length, 0, `${t} skipped`);
        }
        assert.deepStrictEqual(off.data.skippedCharts, ["cloudnativePg", "barmanCloudPlugin", "psmdbOperator", "redisOperator"]);
        // The same charts the chart table reports as skipped.
        const fromTable = skippedCharts({ argocd: false, istio: false, falco: false, externalSecrets: false, velero: false }, false);
        for (const k of off.data.skippedCharts) {
            assert.ok((fromTable as string[]).includes(k), `${k} is in the table's skipped list`);
        }
        // The connection strings (and their Secrets) are still made, so the agents can be wired.
        assert.deepStrictEqual(off.run.redactedOutputs, { mongodbUri: "[secret]", postgresUri: "[secret]", redisUrl: "[secret]" });
        assert.strictEqual(ofType(off.run, T.password).length, 8);
    });

    it("orders every PodMonitor after the observability stack that brings its CRD", async () => {
        const r = await runData({ withMonitoring: true });
        const ready = one(r.run, T.configMap, "t-monitoring-ready").urn;
        const monitors = ofType(r.run, T.podMonitor);
        assert.deepStrictEqual(monitors.map((m) => m.name).sort(), ["t-data-mongodb-pod-monitor", "t-data-postgres-pod-monitor", "t-data-redis-pod-monitor"]);
        for (const m of monitors) {
            assert.ok(m.opts.dependsOn.includes(ready), `${m.name} waits for the monitoring stack`);
        }
    });

    it("warns once per store when the cluster has no object store (the databases' backups, Redis's copies)", async () => {
        const none = await runData({ store: "none" });
        assert.strictEqual(none.data.warnings.length, 3);
        assert.match(none.data.warnings[2], /Redis's daily copies off the cluster \(backups\/redis\) disabled/);
        assert.deepStrictEqual(none.bindings, []);
        assert.deepStrictEqual(prod.data.warnings, []);
    });
});
