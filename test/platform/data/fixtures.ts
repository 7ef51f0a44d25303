/**
 * Fixtures for the data and observability tests: the shared fake ClusterTarget with an object
 * store of any kind (or none), the production retention figures, and one-call runs of
 * DataServices under the harness's mocks.
 */
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStoreKind } from "../../../components/contract";
import { DataServices } from "../../../components/platform/data";
import { LAYOUT } from "../../../components/platform/layout";
import type { RetentionConfig } from "../../../components/types";
import { runWithMocks, RunResult } from "../../../preview/harness";
import { FakeBinding, fakeTarget, FakeTarget } from "../fakeTarget";
import { thirdPartyChartsSwitched } from "../helpers";

/** Static keys of the S3-compatible fixture store (secret values that must never leak). */
export const STATIC_ACCESS_KEY = "AKIAFIXTURESTATICKEY";
export const STATIC_SECRET_KEY = "fixture-static-secret-access-key-0123456789";

/** The retention figures of the production stacks. */
export const RETENTION: RetentionConfig = {
    backupDays: 30,
    configBackupWeeks: 12,
    metricsDays: 30,
    logsDays: 30,
    tracesDays: 14,
    auditLogDays: 730,
    conversationDays: 365,
};

/** A fake target whose object store is of `kind` (or absent for `"none"`). */
export function targetWithStore(kind: ObjectStoreKind | "none", zones?: string[]): FakeTarget {
    const fake = fakeTarget({ objectStore: kind !== "none", zones });
    if (kind === "none" || kind === "s3") {
        return fake;
    }
    const bucket = pulumi.output("agents-test-backups");
    const account = pulumi.output("agentsteststore");
    const urls: Record<Exclude<ObjectStoreKind, "s3">, (p: string) => pulumi.Output<string>> = {
        gcs: (p) => pulumi.interpolate`gs://${bucket}/${p}`,
        azureBlob: (p) => pulumi.interpolate`https://${account}.blob.core.windows.net/${bucket}/${p}`,
        s3Compatible: (p) => pulumi.interpolate`s3://${bucket}/${p}`,
    };
    fake.target.objectStore = {
        kind,
        bucket,
        region: kind === "s3Compatible" ? "us-east-1" : undefined,
        endpoint: kind === "s3Compatible" ? "https://minio.example.internal:9000" : undefined,
        storageAccount: kind === "azureBlob" ? account : undefined,
        staticCredentials:
            kind === "s3Compatible" ? { accessKeyId: pulumi.secret(STATIC_ACCESS_KEY), secretAccessKey: pulumi.secret(STATIC_SECRET_KEY) } : undefined,
        url: urls[kind],
    };
    return fake;
}

/** Options of `runData`. */
export interface DataRunOptions {
    store?: ObjectStoreKind | "none";
    environment?: "prod" | "dev";
    thirdPartyCharts?: boolean;
    protectStateful?: boolean;
    zones?: string[];
    /** Pass a stand-in for the observability stack as `monitoringDependsOn`. */
    withMonitoring?: boolean;
}

/** What a DataServices run gives a test. */
export interface DataRun {
    run: RunResult;
    bindings: FakeBinding[];
    data: { skippedCharts: string[]; warnings: string[] };
}

/** Runs DataServices named `t-data` under mocks and returns the records and what it exposed. */
export async function runData(opts: DataRunOptions = {}): Promise<DataRun> {
    let bindings: FakeBinding[] = [];
    const data = { skippedCharts: [] as string[], warnings: [] as string[] };
    const run = await thirdPartyChartsSwitched(opts.thirdPartyCharts, () =>
        runWithMocks(() => {
            const fake = targetWithStore(opts.store ?? "s3", opts.zones);
            bindings = fake.bindings;
            const monitoring = opts.withMonitoring
                ? [new ConfigMap("t-monitoring-ready", { metadata: { name: "ready", namespace: "monitoring" } }, { provider: fake.target.provider })]
                : undefined;
            const d = new DataServices(
                "t-data",
                {
                    target: fake.target,
                    environment: opts.environment ?? "prod",
                    namespaces: { postgres: LAYOUT.postgres.namespace, mongodb: LAYOUT.mongodb.namespace, redis: LAYOUT.redis.namespace },
                    retention: RETENTION,
                    protectStateful: opts.protectStateful ?? true,
                    monitoringDependsOn: monitoring,
                },
                { provider: fake.target.provider },
            );
            data.skippedCharts = d.skippedCharts;
            data.warnings = d.warnings;
            return { mongodbUri: d.mongodbUri, postgresUri: d.postgresUri, redisUrl: d.redisUrl };
        }),
    );
    return { run, bindings, data };
}

/** Type tokens used across the tests. */
export const T = {
    chart: "kubernetes:helm.sh/v4:Chart",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    password: "random:index/randomPassword:RandomPassword",
    pgCluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
    pgScheduledBackup: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
    barmanStore: "kubernetes:barmancloud.cnpg.io/v1:ObjectStore",
    psmdb: "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
    redisReplication: "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
    certificate: "kubernetes:cert-manager.io/v1:Certificate",
    podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
    prometheusRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
} as const;
