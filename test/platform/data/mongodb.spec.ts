import * as assert from "assert";
import {
    MONGO_APP_SECRET,
    MONGO_IMAGES,
    MONGO_SERVICE_ACCOUNT,
    MONGO_STORAGE,
    MONGO_STORE_SECRET,
    MONGO_SYSTEM_SECRET,
} from "../../../components/platform/data/mongodb";
import { at, ofType, one } from "../helpers";
import { DataRun, runData, STATIC_SECRET_KEY, T } from "./fixtures";
import { FAKE_AZURE_ACCOUNT_KEY, FAKE_GCS_PRIVATE_KEY, fakeServiceAccountEmail } from "../fakeTarget";

const CR = "t-data-mongodb-replica-set";

describe("platform data: MongoDB (Percona Operator for MongoDB)", function () {
    let prod: DataRun;
    let spec: any;
    before(async () => {
        prod = await runData();
        spec = (one(prod.run, T.psmdb, CR).inputs as any).spec;
    });

    it("installs the Percona operator chart, pinned, watching its own namespace only", () => {
        const op = one(prod.run, T.chart, "t-data-mongodb-operator");
        assert.strictEqual(op.inputs.chart, "psmdb-operator");
        assert.strictEqual(op.inputs.version, "1.22.0");
        assert.deepStrictEqual(op.inputs.repositoryOpts, { repo: "https://percona.github.io/percona-helm-charts/" });
        assert.strictEqual(op.inputs.namespace, "data-mongodb");
        assert.strictEqual(at(op.inputs, "values.watchAllNamespaces"), false);
        assert.strictEqual(at(op.inputs, "values.disableTelemetry"), true);
    });

    it("runs MongoDB 8 (7+) as a 3-member replica set, one member per zone, with a PDB", () => {
        assert.strictEqual(spec.crVersion, "1.22.0");
        assert.match(spec.image, /^percona\/percona-server-mongodb:(7|8)\.\d+\.\d+-\d+$/);
        assert.strictEqual(spec.replsets.length, 1);
        const rs = spec.replsets[0];
        assert.strictEqual(rs.name, "rs0");
        assert.strictEqual(rs.size, 3);
        // The operator ignores antiAffinityTopologyKey once `advanced` is set: the members' required
        // anti-affinity is spelt out inside `advanced`, with the node affinity to the data pool.
        assert.strictEqual(rs.affinity.antiAffinityTopologyKey, undefined);
        const anti = rs.affinity.advanced.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
        assert.deepStrictEqual(anti, [
            {
                topologyKey: "topology.kubernetes.io/zone",
                labelSelector: {
                    matchLabels: { "app.kubernetes.io/instance": "mongodb", "app.kubernetes.io/replset": "rs0", "app.kubernetes.io/component": "mongod" },
                },
            },
        ]);
        assert.ok(rs.affinity.advanced.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, "prefers the data pool");
        assert.deepStrictEqual(rs.arbiter, { enabled: false, size: 1 }, "no arbiter in prod: three data-bearing members");
        assert.strictEqual(spec.unsafeFlags, undefined);
        assert.strictEqual(rs.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
        assert.strictEqual(rs.topologySpreadConstraints[0].whenUnsatisfiable, "DoNotSchedule");
        assert.deepStrictEqual(rs.podDisruptionBudget, { maxUnavailable: 1 });
        assert.deepStrictEqual(rs.expose, { enabled: false });
        assert.deepStrictEqual(spec.sharding, { enabled: false });
        assert.deepStrictEqual(spec.logcollector, { enabled: false }, "no fluent-bit sidecar outside the restricted profile");
    });

    it("stores 200 Gi per member on the SSD storage class in prod, the 50 Gi minimum in dev", async () => {
        assert.deepStrictEqual(spec.replsets[0].volumeSpec, {
            persistentVolumeClaim: { storageClassName: "encrypted-ssd", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } },
        });
        const dev = await runData({ environment: "dev" });
        const d = (one(dev.run, T.psmdb, CR).inputs as any).spec.replsets[0];
        assert.strictEqual(d.volumeSpec.persistentVolumeClaim.resources.requests.storage, "50Gi");
        // Dev (seed 000, two nodes): two data-bearing members and the lightweight arbiter, 3 votes.
        assert.strictEqual(d.size, 2);
        assert.strictEqual(d.arbiter.enabled, true);
        assert.strictEqual(d.arbiter.size, 1);
        assert.deepStrictEqual(d.arbiter.resources, { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } });
        assert.deepStrictEqual(
            (one(dev.run, T.psmdb, CR).inputs as any).spec.unsafeFlags,
            { replsetSize: true },
            "the operator refuses < 3 data members without it",
        );
    });

    it("requires TLS and authenticates with generated users: system users and Jamie's from Secrets", () => {
        assert.deepStrictEqual(spec.tls, {
            mode: "requireTLS",
            allowInvalidCertificates: false,
            certValidityDuration: "2160h",
            issuerConf: { name: "private-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
        });
        assert.deepStrictEqual(spec.secrets, { users: MONGO_SYSTEM_SECRET });
        assert.deepStrictEqual(spec.users, [
            {
                name: "jamie",
                db: "admin",
                passwordSecretRef: { name: MONGO_APP_SECRET, key: "password" },
                roles: [
                    { name: "readWrite", db: "jamie" },
                    { name: "dbAdmin", db: "jamie" },
                ],
            },
        ]);
        const system = one(prod.run, T.secret, "t-data-mongodb-system-users");
        assert.strictEqual(system.redactedInputs.stringData, "[secret]");
        assert.deepStrictEqual(Object.keys(system.inputs.stringData as object).sort(), [
            "MONGODB_BACKUP_PASSWORD",
            "MONGODB_BACKUP_USER",
            "MONGODB_CLUSTER_ADMIN_PASSWORD",
            "MONGODB_CLUSTER_ADMIN_USER",
            "MONGODB_CLUSTER_MONITOR_PASSWORD",
            "MONGODB_CLUSTER_MONITOR_USER",
            "MONGODB_DATABASE_ADMIN_PASSWORD",
            "MONGODB_DATABASE_ADMIN_USER",
            "MONGODB_USER_ADMIN_PASSWORD",
            "MONGODB_USER_ADMIN_USER",
        ]);
        // Six generated passwords: five system users and Jamie.
        assert.strictEqual(ofType(prod.run, T.password).filter((p) => p.name.startsWith("t-data-mongodb-")).length, 6);
    });

    it("backs up daily to the object store, keeps 30 backups (30 days), and captures the oplog for point-in-time recovery", () => {
        assert.strictEqual(spec.backup.enabled, true);
        assert.match(spec.backup.image, /^percona\/percona-backup-mongodb:2\.\d+\.\d+$/);
        assert.deepStrictEqual(spec.backup.storages, {
            [MONGO_STORAGE]: { main: true, type: "s3", s3: { bucket: "agents-test-backups", region: "eu-west-1", prefix: "mongodb" } },
        });
        assert.deepStrictEqual(spec.backup.tasks, [
            {
                name: "daily",
                enabled: true,
                schedule: "0 1 * * *",
                type: "logical",
                storageName: MONGO_STORAGE,
                compressionType: "gzip",
                retention: { type: "count", count: 30, deleteFromStorage: true },
            },
        ]);
        assert.deepStrictEqual(spec.backup.pitr, { enabled: true, oplogSpanMin: 10, compressionType: "gzip" });
    });

    it("runs the members (and their backup agent) as a ServiceAccount bound to a read-write cloud identity", () => {
        assert.strictEqual(spec.replsets[0].serviceAccountName, MONGO_SERVICE_ACCOUNT);
        assert.deepStrictEqual(
            prod.bindings.find((b) => b.namespace === "data-mongodb"),
            {
                name: "t-data-mongodb-identity",
                namespace: "data-mongodb",
                serviceAccount: MONGO_SERVICE_ACCOUNT,
                objectStoreAccess: "readWrite",
            },
        );
        const sa = one(prod.run, T.serviceAccount, "t-data-mongodb-sa").inputs as any;
        assert.deepStrictEqual(sa.metadata.annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/t-data-mongodb-identity" });
        assert.strictEqual(sa.automountServiceAccountToken, false);
    });

    it("writes to GCS and Azure Blob with the key its binding hands out (PBM 2.12 has no workload identity there), to an S3-compatible store with keys from a Secret", async () => {
        const gcsRun = await runData({ store: "gcs" });
        const gcs = (one(gcsRun.run, T.psmdb, CR).inputs as any).spec.backup.storages[MONGO_STORAGE];
        assert.deepStrictEqual(gcs, {
            main: true,
            type: "gcs",
            gcs: { bucket: "agents-test-backups", prefix: "mongodb", credentialsSecret: MONGO_STORE_SECRET },
        });
        assert.deepStrictEqual(
            gcsRun.bindings.find((b) => b.namespace === "data-mongodb"),
            {
                name: "t-data-mongodb-identity",
                namespace: "data-mongodb",
                serviceAccount: MONGO_SERVICE_ACCOUNT,
                objectStoreAccess: "readWrite",
                objectStoreKey: true,
            },
        );
        const gcsSecret = one(gcsRun.run, T.secret, "t-data-mongodb-store-credentials");
        assert.deepStrictEqual((gcsSecret.inputs as any).metadata, { name: MONGO_STORE_SECRET, namespace: "data-mongodb" });
        assert.deepStrictEqual((gcsSecret.inputs as any).stringData, {
            GCS_CLIENT_EMAIL: fakeServiceAccountEmail("t-data-mongodb-identity"),
            GCS_PRIVATE_KEY: FAKE_GCS_PRIVATE_KEY,
        });
        assert.strictEqual((gcsSecret.redactedInputs as any).stringData, "[secret]");
        assert.ok(one(gcsRun.run, T.psmdb, CR).opts.dependsOn.includes(gcsSecret.urn), "the replica set waits for its credentials");
        const azRun = await runData({ store: "azureBlob" });
        const az = (one(azRun.run, T.psmdb, CR).inputs as any).spec.backup.storages[MONGO_STORAGE];
        assert.deepStrictEqual(az, {
            main: true,
            type: "azure",
            azure: {
                container: "agents-test-backups",
                prefix: "mongodb",
                endpointUrl: "https://agentsteststore.blob.core.windows.net",
                credentialsSecret: MONGO_STORE_SECRET,
            },
        });
        assert.deepStrictEqual((one(azRun.run, T.secret, "t-data-mongodb-store-credentials").inputs as any).stringData, {
            AZURE_STORAGE_ACCOUNT_NAME: "agentsteststore",
            AZURE_STORAGE_ACCOUNT_KEY: FAKE_AZURE_ACCOUNT_KEY,
        });
        // Only MongoDB asks for a key: every other writer uses the workload identity.
        assert.deepStrictEqual(
            azRun.bindings.filter((b) => b.objectStoreKey).map((b) => b.name),
            ["t-data-mongodb-identity"],
        );
        const compat = await runData({ store: "s3Compatible" });
        const s3c = (one(compat.run, T.psmdb, CR).inputs as any).spec.backup.storages[MONGO_STORAGE];
        assert.deepStrictEqual(s3c, {
            main: true,
            type: "s3",
            s3: {
                bucket: "agents-test-backups",
                region: "us-east-1",
                endpointUrl: "https://minio.example.internal:9000",
                prefix: "mongodb",
                credentialsSecret: "mongodb-backup-store-credentials",
            },
        });
        assert.ok(!JSON.stringify(one(compat.run, T.psmdb, CR).inputs).includes(STATIC_SECRET_KEY));
    });

    it("exports metrics on 9216 from an exporter sidecar that reads the monitor user from the Secret", () => {
        const [exporter] = spec.replsets[0].sidecars;
        assert.strictEqual(exporter.name, "metrics");
        assert.deepStrictEqual(exporter.ports, [{ name: "metrics", containerPort: 9216 }]);
        assert.deepStrictEqual(
            exporter.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]),
            [
                ["MONGODB_USER", MONGO_SYSTEM_SECRET, "MONGODB_CLUSTER_MONITOR_USER"],
                ["MONGODB_PASSWORD", MONGO_SYSTEM_SECRET, "MONGODB_CLUSTER_MONITOR_PASSWORD"],
            ],
        );
        assert.ok(
            exporter.env.every((e: any) => e.value === undefined),
            "no literal env values",
        );
        assert.ok(exporter.args[0].includes("tls=true"));
        const pm = one(prod.run, T.podMonitor, "t-data-mongodb-pod-monitor").inputs as any;
        assert.deepStrictEqual(pm.spec.podMetricsEndpoints, [{ port: "metrics", interval: "30s" }]);
    });

    it("runs with the restricted security profile", () => {
        const rs = spec.replsets[0];
        assert.deepStrictEqual(rs.podSecurityContext, { runAsNonRoot: true, runAsUser: 1001, fsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } });
        assert.strictEqual(rs.containerSecurityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(rs.containerSecurityContext.capabilities, { drop: ["ALL"] });
        assert.deepStrictEqual(rs.containerSecurityContext.seccompProfile, { type: "RuntimeDefault" });
    });

    it("survives a destroy: the replica set is protected and retained on delete (unprotected only when asked)", async () => {
        const cr = one(prod.run, T.psmdb, CR);
        assert.strictEqual(cr.opts.protect, true);
        assert.strictEqual(cr.opts.retainOnDelete, true);
        const unprotected = await runData({ protectStateful: false });
        assert.strictEqual(one(unprotected.run, T.psmdb, CR).opts.protect, false);
        assert.strictEqual(one(unprotected.run, T.psmdb, CR).opts.retainOnDelete, true);
    });

    it("disables backups without an object store, with a warning", async () => {
        const r = await runData({ store: "none" });
        // The operator's CRD requires the images even when backups and PMM are off.
        assert.deepStrictEqual((one(r.run, T.psmdb, CR).inputs as any).spec.backup, { enabled: false, image: MONGO_IMAGES.backup });
        assert.deepStrictEqual((one(r.run, T.psmdb, CR).inputs as any).spec.pmm, { enabled: false, image: MONGO_IMAGES.pmm });
        assert.ok(
            r.data.warnings.includes("no object store on this cluster: MongoDB backups disabled (give the cluster an object store to enable them)"),
            r.data.warnings.join("\n"),
        );
    });
});
