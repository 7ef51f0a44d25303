import * as assert from "assert";
import { REDIS_AUTH_SECRET, REDIS_CONFIG, REDIS_TLS_SECRET, redisConfig } from "../../../components/platform/data/redis";
import { at, one } from "../helpers";
import { DataRun, runData, T } from "./fixtures";

const CR = "t-data-redis-replication";

describe("platform data: Redis (OT-Container-Kit operator, Sentinel)", function () {
    let prod: DataRun;
    let spec: any;
    before(async () => {
        prod = await runData();
        spec = (one(prod.run, T.redisReplication, CR).inputs as any).spec;
    });

    it("installs the Redis operator chart, pinned, scoped to its namespace, without a webhook", () => {
        const op = one(prod.run, T.chart, "t-data-redis-operator");
        assert.strictEqual(op.inputs.chart, "redis-operator");
        assert.strictEqual(op.inputs.version, "0.26.1");
        assert.deepStrictEqual(op.inputs.repositoryOpts, { repo: "https://ot-container-kit.github.io/helm-charts/" });
        assert.strictEqual(op.inputs.namespace, "data-redis");
        assert.deepStrictEqual(at(op.inputs, "values.redisOperator"), { watchNamespace: "data-redis", imagePullPolicy: "IfNotPresent", webhook: false });
        assert.deepStrictEqual(at(op.inputs, "values.rbac"), { enabled: true, scope: "namespace" });
    });

    it("runs Redis 7 as one primary and two replicas with three Sentinels (quorum 2) for automatic failover", () => {
        assert.strictEqual(spec.clusterSize, 3);
        assert.match(spec.kubernetesConfig.image, /:v7\.\d+\.\d+$/);
        assert.strictEqual(spec.sentinel.size, 3);
        assert.strictEqual(spec.sentinel.quorum, "2");
        assert.strictEqual(spec.sentinel.downAfterMilliseconds, "5000");
        assert.match(spec.sentinel.image, /redis-sentinel:v7\.\d+\.\d+$/);
        assert.deepStrictEqual(spec.pdb, { enabled: true, maxUnavailable: 1 });
        assert.strictEqual(spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
        assert.deepStrictEqual(spec.topologySpreadConstraints[0].labelSelector, { matchLabels: { app: "redis" } });
        assert.strictEqual(spec.sentinel.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    });

    it("requires a password from a generated secret for Redis and Sentinel", () => {
        assert.deepStrictEqual(spec.kubernetesConfig.redisSecret, { name: REDIS_AUTH_SECRET, key: "password" });
        assert.deepStrictEqual(spec.sentinel.redisSecret, { name: REDIS_AUTH_SECRET, key: "password" });
        const auth = one(prod.run, T.secret, "t-data-redis-auth");
        assert.strictEqual(auth.redactedInputs.stringData, "[secret]");
        assert.strictEqual(((auth.inputs.stringData as any).password as string).length, 32);
        assert.strictEqual(one(prod.run, T.password, "t-data-redis-password").inputs.length, 32);
    });

    it("serves TLS with a certificate from the private CA covering every Redis service name", () => {
        assert.deepStrictEqual(spec.TLS, { ca: "ca.crt", cert: "tls.crt", key: "tls.key", secret: { secretName: REDIS_TLS_SECRET } });
        const cert = one(prod.run, T.certificate, "t-data-redis-tls").inputs as any;
        assert.strictEqual(cert.spec.secretName, REDIS_TLS_SECRET);
        assert.deepStrictEqual(cert.spec.issuerRef, { name: "private-ca", kind: "ClusterIssuer", group: "cert-manager.io" });
        for (const host of [
            "redis-master.data-redis.svc.cluster.local",
            "redis.data-redis.svc.cluster.local",
            "*.redis-headless.data-redis.svc.cluster.local",
        ]) {
            assert.ok(cert.spec.dnsNames.includes(host), `certificate covers ${host}`);
        }
        const r = one(prod.run, T.redisReplication, CR);
        assert.ok(r.opts.dependsOn.includes(one(prod.run, T.certificate, "t-data-redis-tls").urn));
    });

    it("snapshots to RDB every 15 minutes (save 900 1) through the operator's additional config", () => {
        assert.deepStrictEqual(spec.redisConfig, { additionalRedisConfig: REDIS_CONFIG });
        const cm = one(prod.run, T.configMap, "t-data-redis-config").inputs as any;
        assert.strictEqual(cm.metadata.name, REDIS_CONFIG);
        const conf: string = cm.data["redis-additional.conf"];
        assert.strictEqual(conf, redisConfig());
        const saves = conf.split("\n").filter((l) => l.startsWith("save "));
        assert.deepStrictEqual(saves, ['save ""', "save 900 1"]);
    });

    it("persists on the SSD storage class and keeps the volumes after delete", async () => {
        assert.deepStrictEqual(spec.storage, {
            keepAfterDelete: true,
            volumeClaimTemplate: { spec: { storageClassName: "encrypted-ssd", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } } },
        });
        assert.deepStrictEqual(spec.kubernetesConfig.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        const r = one(prod.run, T.redisReplication, CR);
        assert.strictEqual(r.opts.protect, true);
        assert.strictEqual(r.opts.retainOnDelete, true);
        const dev = await runData({ environment: "dev" });
        assert.strictEqual((one(dev.run, T.redisReplication, CR).inputs as any).spec.storage.volumeClaimTemplate.spec.resources.requests.storage, "5Gi");
    });

    it("exports metrics on 9121 and scrapes them with a PodMonitor", () => {
        assert.strictEqual(spec.redisExporter.enabled, true);
        assert.strictEqual(spec.redisExporter.port, 9121);
        const pm = one(prod.run, T.podMonitor, "t-data-redis-pod-monitor").inputs as any;
        assert.deepStrictEqual(pm.spec, { selector: { matchLabels: { app: "redis" } }, podMetricsEndpoints: [{ portNumber: 9121, interval: "30s" }] });
    });

    it("runs with the restricted security profile", () => {
        assert.deepStrictEqual(spec.podSecurityContext, {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.strictEqual(spec.securityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(spec.securityContext.capabilities, { drop: ["ALL"] });
        assert.deepStrictEqual(spec.sentinel.securityContext, spec.securityContext);
    });
});
