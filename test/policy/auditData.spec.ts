/** Audit-logging and data-protection rules. */
import { aksStack, eksStack, get, gkeStack } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";

const p = (list: Res[], name: string): any => get(list, name).props;
const DIAG: Res = {
    type: "azure-native:monitor:DiagnosticSetting",
    name: "diag",
    props: { resourceUri: "/aks", logs: [{ category: "kube-audit", enabled: true }] },
};

describe("policy audit-cluster-enforce-control-plane-logs", () => {
    const rule = "audit-cluster-enforce-control-plane-logs";
    it("passes EKS with all log types, GKE with defaults, AKS with monitoring and a kube-audit diagnostic setting", async () =>
        none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack(), DIAG])));
    it("rejects EKS missing the audit log", async () => {
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "eks").enabledClusterLogTypes = ["api", "authenticator", "controllerManager", "scheduler"])),
            ),
            "missing audit",
        );
    });
    it("rejects GKE with logging or monitoring none (one violation each)", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "gke").loggingService = "none")),
            ),
            "control-plane logging off",
        );
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "gke").monitoringService = "none")),
            ),
            "has monitoring off",
        );
    });
    it("rejects AKS without a kube-audit diagnostic setting, and without monitoring", async () => {
        one(await check(rule, aksStack()), "sends no audit logs");
        one(await check(rule, [...mutate(aksStack(), (x) => delete p(x, "aks").azureMonitorProfile), DIAG]), "has monitoring off");
    });
    it("honours eksLogTypes", async () =>
        none(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "eks").enabledClusterLogTypes = ["audit"])),
                { eksLogTypes: ["audit"] },
            ),
        ));
});

describe("policy audit-loadbalancer-enforce-access-logs", () => {
    const rule = "audit-loadbalancer-enforce-access-logs";
    const lb = (accessLogs?: unknown): Res => ({
        type: "aws:lb/loadBalancer:LoadBalancer",
        name: "alb",
        props: accessLogs === undefined ? {} : { accessLogs },
    });
    it("passes an ALB logging to a bucket", async () => none(await check(rule, [lb({ bucket: "logs", enabled: true })])));
    it("rejects an ALB without accessLogs", async () => one(await check(rule, [lb()]), "accessLogs.enabled not set, accessLogs.bucket not set"));
    it("rejects accessLogs disabled", async () => one(await check(rule, [lb({ bucket: "logs", enabled: false })]), "accessLogs.enabled false"));
    it("rejects a classic ELB without logs", async () =>
        one(await check(rule, [{ type: "aws:elb/loadBalancer:LoadBalancer", name: "elb", props: {} }]), 'LoadBalancer "elb" writes no access logs'));
});

describe("policy data-database-enforce-backup-retention", () => {
    const rule = "data-database-enforce-backup-retention";
    const sql = (b: unknown): Res => ({ type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { settings: { backupConfiguration: b } } });
    it("passes RDS with 30 days, Cloud SQL with PITR and 30 backups, Azure with 35 days", async () => {
        none(
            await check(rule, [
                { type: "aws:rds/instance:Instance", name: "rds", props: { backupRetentionPeriod: 30 } },
                sql({ enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: { retainedBackups: 30 } }),
                { type: "azure-native:dbforpostgresql:FlexibleServer", name: "az", props: { backup: { backupRetentionDays: 35 } } },
            ]),
        );
    });
    it("rejects RDS with the AWS default (0 days for an instance)", async () =>
        one(await check(rule, [{ type: "aws:rds/instance:Instance", name: "rds", props: {} }]), "backupRetentionPeriod not set (AWS default 0)"));
    it("rejects Cloud SQL with backups off, without PITR, and with the default 7 backups", async () => {
        one(await check(rule, [sql({ enabled: false })]), "automated backups off");
        one(await check(rule, [sql({ enabled: true, backupRetentionSettings: { retainedBackups: 30 } })]), "no point-in-time recovery");
        one(await check(rule, [sql({ enabled: true, pointInTimeRecoveryEnabled: true })]), "retainedBackups not set (Cloud SQL default 7)");
    });
    it("rejects Azure with the default 7 days and honours minBackupDays", async () => {
        const az: Res = { type: "azure-native:dbforpostgresql:FlexibleServer", name: "az", props: {} };
        one(await check(rule, [az]), "backup.backupRetentionDays not set (Azure default 7)");
        none(await check(rule, [az], { minBackupDays: 7 }));
    });
});

describe("policy data-stateful-enforce-protection", () => {
    const rule = "data-stateful-enforce-protection";
    const key = (o: Partial<Res> = {}): Res => ({ type: "aws:kms/key:Key", name: "key", props: { enableKeyRotation: true }, ...o });
    it("passes a protected key and a protected volume claim; ignores stateless types", async () => {
        none(
            await check(rule, [
                key({ protect: true }),
                { type: "kubernetes:core/v1:PersistentVolumeClaim", name: "pvc", props: {}, protect: true, retainOnDelete: true },
                { type: "aws:iam/role:Role", name: "role", props: {} },
            ]),
        );
    });
    it("rejects an unprotected key", async () =>
        one(await check(rule, [key()]), 'Key "key" holds state but can be destroyed by Pulumi', "found protect false"));
    it("rejects a volume claim that is only retained (the engine does not show retainOnDelete to policies)", async () => {
        one(
            await check(rule, [{ type: "kubernetes:core/v1:PersistentVolumeClaim", name: "pvc", props: {}, retainOnDelete: true }]),
            "retainOnDelete is not visible to policies",
        );
    });
    it("rejects deletion protection turned off even when protected", async () => {
        one(
            await check(rule, [{ type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { deletionProtection: false }, protect: true }]),
            "has deletion protection off",
        );
    });
    it("extends the stateful types from config", async () => {
        const r: Res = { type: "aws:efs/fileSystem:FileSystem", name: "efs", props: {} };
        none(await check(rule, [r]));
        one(await check(rule, [r], { statefulTypes: ["aws:efs/fileSystem:FileSystem"] }), 'FileSystem "efs" holds state');
    });
});

describe("policy data-database-enforce-high-availability", () => {
    const rule = "data-database-enforce-high-availability";
    it("passes Multi-AZ RDS, REGIONAL Cloud SQL and zone-redundant Azure", async () => {
        none(
            await check(rule, [
                { type: "aws:rds/instance:Instance", name: "rds", props: { multiAz: true } },
                { type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { settings: { availabilityType: "REGIONAL" } } },
                { type: "azure-native:dbforpostgresql:FlexibleServer", name: "az", props: { highAvailability: { mode: "ZoneRedundant" } } },
            ]),
        );
    });
    it("rejects single-AZ RDS", async () => one(await check(rule, [{ type: "aws:rds/instance:Instance", name: "rds", props: {} }]), "multiAz not set"));
    it("rejects zonal Cloud SQL (the default)", async () =>
        one(
            await check(rule, [{ type: "gcp:sql/databaseInstance:DatabaseInstance", name: "sql", props: { settings: {} } }]),
            "settings.availabilityType not set (default ZONAL)",
        ));
    it("rejects Azure SameZone HA", async () =>
        one(
            await check(rule, [{ type: "azure-native:dbforpostgresql:FlexibleServer", name: "az", props: { highAvailability: { mode: "SameZone" } } }]),
            'highAvailability.mode "SameZone"',
        ));
});

describe("policy data-storageclass-enforce-retain-policy", () => {
    const rule = "data-storageclass-enforce-retain-policy";
    const sc = (reclaimPolicy?: string): Res => ({
        type: "kubernetes:storage.k8s.io/v1:StorageClass",
        name: "sc",
        props: reclaimPolicy ? { provisioner: "ebs.csi.aws.com", reclaimPolicy } : { provisioner: "ebs.csi.aws.com" },
    });
    it("passes Retain", async () => none(await check(rule, [sc("Retain")])));
    it("rejects Delete", async () => one(await check(rule, [sc("Delete")]), 'reclaimPolicy "Delete"'));
    it("rejects an unset policy (Kubernetes default Delete)", async () => one(await check(rule, [sc()]), "reclaimPolicy not set (Kubernetes default Delete)"));
    it("exempts a class by name", async () => none(await check(rule, [sc("Delete")], { exemptNames: ["sc"] })));
});

describe("policy data-database-enforce-persistence", () => {
    const rule = "data-database-enforce-persistence";
    const cnpg = (size: string, instances = 3): Res => ({
        type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
        name: "pg",
        props: { spec: { instances, storage: { size } } },
    });
    const mongo = (storage: string, size = 3): Res => ({
        type: "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
        name: "mongo",
        props: { spec: { replsets: [{ name: "rs0", size, volumeSpec: { persistentVolumeClaim: { resources: { requests: { storage } } } } }] } },
    });
    const redis = (storage?: string): Res => ({
        type: "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
        name: "redis",
        props: { spec: { clusterSize: 3, ...(storage ? { storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage } } } } } } : {}) } },
    });
    it("passes 100Gi PostgreSQL, 200Gi MongoDB and 10Gi Redis with 3 members each", async () =>
        none(await check(rule, [cnpg("100Gi"), mongo("200Gi"), redis("10Gi")])));
    it("rejects a 50Gi PostgreSQL volume", async () => one(await check(rule, [cnpg("50Gi")]), 'spec.storage.size "50Gi"', "at least 100Gi"));
    it("rejects a 2-member MongoDB replica set", async () => one(await check(rule, [mongo("200Gi", 2)]), "spec.replsets[0].size 2"));
    it("rejects Redis without persistent storage", async () => one(await check(rule, [redis()]), "Redis volume is missing"));
    it("honours size minimums from config", async () => none(await check(rule, [cnpg("20Gi")], { minPostgresGib: 20 })));
});

describe("policy data-chart-enforce-required-values", () => {
    const rule = "data-chart-enforce-required-values";
    const release = (values: unknown, chart = "redis"): Res => ({ type: "kubernetes:helm.sh/v3:Release", name: "rel", props: { chart, values } });
    const good = { tls: { enabled: true, authClients: true }, auth: { enabled: true }, master: { persistence: { enabled: true } } };
    it("passes a Redis release with TLS, auth and persistence; ignores charts without requirements", async () =>
        none(await check(rule, [release(good), release({}, "cert-manager")])));
    it("rejects a Redis release without TLS", async () =>
        one(await check(rule, [release(mutate(good, (v) => (v.tls.enabled = false)))]), "values.tls.enabled false", "set values.tls.enabled: true"));
    it("checks v4 Charts too and strips repository paths from the chart name", async () => {
        one(
            await check(rule, [
                {
                    type: "kubernetes:helm.sh/v4:Chart",
                    name: "c",
                    props: { chart: "oci://registry/charts/redis", values: mutate(good, (v) => (v.auth.enabled = false)) },
                },
            ]),
            "(chart redis) lacks a required value",
            "values.auth.enabled false",
        );
    });
    it("rejects a literal admin password without echoing it", async () => {
        const v = one(
            await check(rule, [
                release({ prometheus: { prometheusSpec: { retention: "30d" } }, grafana: { adminPassword: "Graf-Pass-123456" } }, "kube-prometheus-stack"),
            ]),
            "values.grafana.adminPassword is set (value not shown)",
        );
        if (v.message.includes("Graf-Pass-123456")) {
            throw new Error("secret leaked");
        }
    });
    it("takes requirements from config", async () =>
        one(await check(rule, [release({}, "loki")], { requiredValues: { loki: { "loki.auth_enabled": true } } }), "values.loki.auth_enabled not set"));
});
