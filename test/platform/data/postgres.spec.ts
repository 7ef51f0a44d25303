import * as assert from "assert";
import { CHARTS } from "../../../components/platform/charts";
import { BARMAN_PLUGIN, PG_APP_SECRET, PG_CLUSTER, PG_OBJECT_STORE } from "../../../components/platform/data/postgres";
import { at, meta, ofType, one } from "../helpers";
import { DataRun, runData, STATIC_ACCESS_KEY, STATIC_SECRET_KEY, T } from "./fixtures";

describe("platform data: PostgreSQL (CloudNativePG)", function () {
    let prod: DataRun;
    before(async () => {
        prod = await runData();
    });

    it("installs the CloudNativePG operator and the Barman Cloud plugin from the chart table, pinned, into data-postgres", () => {
        const op = one(prod.run, T.chart, "t-data-postgres-operator");
        assert.strictEqual(op.inputs.chart, "cloudnative-pg");
        assert.strictEqual(op.inputs.version, "0.29.0");
        assert.deepStrictEqual(op.inputs.repositoryOpts, { repo: "https://cloudnative-pg.github.io/charts" });
        assert.strictEqual(op.inputs.namespace, "data-postgres");
        assert.strictEqual(at(op.inputs, "values.config.clusterWide"), false);
        assert.strictEqual(at(op.inputs, "values.crds.create"), true);
        const plugin = one(prod.run, T.chart, "t-data-postgres-barman-plugin");
        assert.strictEqual(plugin.inputs.chart, CHARTS.barmanCloudPlugin.chart);
        assert.strictEqual(plugin.inputs.version, "0.7.0");
        assert.deepStrictEqual(plugin.inputs.repositoryOpts, { repo: "https://cloudnative-pg.github.io/charts" });
        assert.ok(plugin.opts.dependsOn.includes(op.urn), "the plugin installs after the operator");
    });

    it("runs three instances spread over the zones with required zone anti-affinity on the data pool", () => {
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(meta(one(prod.run, T.pgCluster, "t-data-postgres-cluster")), { name: PG_CLUSTER, namespace: "data-postgres" });
        assert.strictEqual(c.spec.instances, 3);
        assert.strictEqual(c.spec.affinity.enablePodAntiAffinity, true);
        assert.strictEqual(c.spec.affinity.topologyKey, "topology.kubernetes.io/zone");
        assert.strictEqual(c.spec.affinity.podAntiAffinityType, "required");
        assert.deepStrictEqual(c.spec.affinity.tolerations, [{ key: "platform.agents.io/dedicated", operator: "Equal", value: "data", effect: "NoSchedule" }]);
        assert.deepStrictEqual(c.spec.topologySpreadConstraints[0], {
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { "cnpg.io/cluster": "pg" } },
        });
    });

    it("falls back to preferred anti-affinity when there are fewer zones than instances", async () => {
        const two = await runData({ zones: ["zone-a", "zone-b"] });
        const c = one(two.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.strictEqual(c.spec.instances, 3);
        assert.strictEqual(c.spec.affinity.podAntiAffinityType, "preferred");
    });

    it("stores data (500 Gi) and WAL (50 Gi) on the SSD storage class in prod; the 100 Gi minimum in dev", async () => {
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(c.spec.storage, { size: "500Gi", storageClass: "encrypted-ssd" });
        assert.deepStrictEqual(c.spec.walStorage, { size: "50Gi", storageClass: "encrypted-ssd" });
        assert.deepStrictEqual(c.spec.resources, { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } });
        const dev = await runData({ environment: "dev" });
        const d = one(dev.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(d.spec.storage, { size: "100Gi", storageClass: "encrypted-ssd" });
        // Dev (seed 000, two nodes): a primary and one standby, one per node.
        assert.strictEqual(d.spec.instances, 2);
    });

    it("requires TLS (1.3) and SCRAM: pg_hba rejects every non-TLS connection, no superuser access", () => {
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(c.spec.postgresql.pg_hba, [
            "hostnossl all all 0.0.0.0/0 reject",
            "hostnossl all all ::/0 reject",
            "hostssl all all 0.0.0.0/0 scram-sha-256",
            "hostssl all all ::/0 scram-sha-256",
        ]);
        assert.strictEqual(c.spec.postgresql.parameters.ssl_min_protocol_version, "TLSv1.3");
        assert.strictEqual(c.spec.postgresql.parameters.password_encryption, "scram-sha-256");
        assert.strictEqual(c.spec.enableSuperuserAccess, false);
        assert.deepStrictEqual(c.spec.certificates, { serverTLSSecret: "pg-server-tls", serverCASecret: "pg-server-tls" });
        assert.deepStrictEqual(c.spec.bootstrap, { initdb: { database: "scarlet", owner: "scarlet_app", secret: { name: PG_APP_SECRET } } });
        assert.match(c.spec.imageName, /^ghcr\.io\/cloudnative-pg\/postgresql:1[5-9]\.\d+$/);
    });

    it("serves a certificate from the private CA for every service name, before the Cluster starts", () => {
        const cert = one(prod.run, T.certificate, "t-data-postgres-server-tls");
        const spec = cert.inputs.spec as any;
        assert.strictEqual(spec.secretName, "pg-server-tls");
        assert.deepStrictEqual(spec.issuerRef, { name: "private-ca", kind: "ClusterIssuer", group: "cert-manager.io" });
        for (const host of ["pg-rw", "pg-rw.data-postgres.svc", "pg-ro.data-postgres.svc.cluster.local", "pg-r.data-postgres.svc.cluster.local"]) {
            assert.ok(spec.dnsNames.includes(host), `certificate covers ${host}`);
        }
        assert.ok(one(prod.run, T.pgCluster, "t-data-postgres-cluster").opts.dependsOn.includes(cert.urn));
    });

    it("archives WAL continuously and takes a daily base backup through the Barman Cloud plugin, kept 30 days (PITR)", () => {
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(c.spec.plugins, [{ name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: PG_OBJECT_STORE } }]);
        const store = one(prod.run, T.barmanStore, "t-data-postgres-object-store").inputs as any;
        assert.strictEqual(store.metadata.name, PG_OBJECT_STORE);
        assert.strictEqual(store.spec.retentionPolicy, "30d");
        assert.strictEqual(store.spec.configuration.destinationPath, "s3://agents-test-backups/postgres");
        assert.deepStrictEqual(store.spec.configuration.s3Credentials, { inheritFromIAMRole: true });
        assert.deepStrictEqual(store.spec.configuration.wal, { compression: "gzip", maxParallel: 4 });
        const sched = one(prod.run, T.pgScheduledBackup, "t-data-postgres-daily-backup").inputs as any;
        assert.deepStrictEqual(sched.spec, {
            schedule: "0 0 2 * * *",
            immediate: true,
            backupOwnerReference: "self",
            cluster: { name: PG_CLUSTER },
            method: "plugin",
            pluginConfiguration: { name: BARMAN_PLUGIN },
        });
    });

    it("binds the instances' ServiceAccount (named after the cluster) to a read-write cloud identity", () => {
        assert.deepStrictEqual(
            prod.bindings.find((b) => b.namespace === "data-postgres"),
            { name: "t-data-postgres-identity", namespace: "data-postgres", serviceAccount: PG_CLUSTER, objectStoreAccess: "readWrite" },
        );
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster").inputs as any;
        assert.deepStrictEqual(c.spec.serviceAccountTemplate, {
            metadata: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/t-data-postgres-identity" } },
        });
    });

    for (const [kind, url, creds] of [
        ["gcs", "gs://agents-test-backups/postgres", { googleCredentials: { gkeEnvironment: true } }],
        ["azureBlob", "https://agentsteststore.blob.core.windows.net/agents-test-backups/postgres", { azureCredentials: { inheritFromAzureAD: true } }],
    ] as const) {
        it(`uses the workload identity for a ${kind} store`, async () => {
            const r = await runData({ store: kind });
            const cfg = (one(r.run, T.barmanStore, "t-data-postgres-object-store").inputs as any).spec.configuration;
            assert.strictEqual(cfg.destinationPath, url);
            for (const [k, v] of Object.entries(creds)) {
                assert.deepStrictEqual(cfg[k], v);
            }
            assert.strictEqual(cfg.s3Credentials, undefined);
        });
    }

    it("reads an S3-compatible store's static keys from a Secret, never from the ObjectStore itself", async () => {
        const r = await runData({ store: "s3Compatible" });
        const cfg = (one(r.run, T.barmanStore, "t-data-postgres-object-store").inputs as any).spec.configuration;
        assert.strictEqual(cfg.endpointURL, "https://minio.example.internal:9000");
        assert.deepStrictEqual(cfg.s3Credentials, {
            accessKeyId: { name: "pg-backup-store-credentials", key: "AWS_ACCESS_KEY_ID" },
            secretAccessKey: { name: "pg-backup-store-credentials", key: "AWS_SECRET_ACCESS_KEY" },
        });
        const secret = one(r.run, T.secret, "t-data-postgres-store-credentials");
        assert.strictEqual(secret.redactedInputs.stringData, "[secret]");
        assert.deepStrictEqual(secret.inputs.stringData, { AWS_ACCESS_KEY_ID: STATIC_ACCESS_KEY, AWS_SECRET_ACCESS_KEY: STATIC_SECRET_KEY });
        assert.ok(!JSON.stringify(one(r.run, T.barmanStore, "t-data-postgres-object-store").inputs).includes(STATIC_SECRET_KEY));
    });

    it("survives a destroy: the Cluster is protected and retained on delete", () => {
        const c = one(prod.run, T.pgCluster, "t-data-postgres-cluster");
        assert.strictEqual(c.opts.protect, true);
        assert.strictEqual(c.opts.retainOnDelete, true);
    });

    it("scrapes the instances' metrics port with a PodMonitor", () => {
        const pm = one(prod.run, T.podMonitor, "t-data-postgres-pod-monitor").inputs as any;
        assert.deepStrictEqual(pm.spec, {
            selector: { matchLabels: { "cnpg.io/cluster": "pg" } },
            podMetricsEndpoints: [{ port: "metrics", interval: "30s" }],
        });
    });

    it("disables backups without an object store: no ObjectStore, no ScheduledBackup, no plugin, no identity, and a warning", async () => {
        const r = await runData({ store: "none" });
        assert.strictEqual(ofType(r.run, T.barmanStore).length, 0);
        assert.strictEqual(ofType(r.run, T.pgScheduledBackup).length, 0);
        assert.deepStrictEqual((one(r.run, T.pgCluster, "t-data-postgres-cluster").inputs as any).spec.plugins, []);
        assert.deepStrictEqual(r.bindings, []);
        assert.ok(
            r.data.warnings.includes(
                "no object store on this cluster: PostgreSQL base backups, WAL archiving and point-in-time recovery disabled (give the cluster an object store to enable them)",
            ),
            r.data.warnings.join("\n"),
        );
    });
});
