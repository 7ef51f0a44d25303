/**
 * The data services: PostgreSQL (CloudNativePG), MongoDB (Percona Operator for MongoDB) and Redis
 * (OT-Container-Kit Redis operator with Sentinel), each in its own namespace from the Foundation,
 * each with TLS, generated credentials and persistence on the cluster's SSD storage class; the
 * databases back up to the cluster's object store. docs/data.md explains the choices and how to
 * restore each store.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Environment, RetentionConfig } from "../../types";
import type { ClusterTarget } from "../../contract";
import { MongoDb } from "./mongodb";
import { Postgres } from "./postgres";
import { Redis } from "./redis";

export { MongoDb } from "./mongodb";
export { Postgres } from "./postgres";
export { Redis } from "./redis";
export { dataSizes } from "./sizing";

/** Arguments of DataServices. */
export interface DataServicesArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** Sizes (volumes, requests) follow the environment; member counts are three in both. */
    environment: Environment;
    /** Namespace names (from the Foundation) of the three stores. */
    namespaces: { postgres: pulumi.Input<string>; mongodb: pulumi.Input<string>; redis: pulumi.Input<string> };
    /** Retention figures; `backupDays` is the database backups' window. */
    retention: RetentionConfig;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /** Protect the databases from `pulumi destroy` (they are retained on delete either way). */
    protectStateful: boolean;
    /**
     * cert-manager ClusterIssuer for the stores' certificates that the agents verify (PostgreSQL, MongoDB, Redis).
     * @default "private-ca"
     */
    internalIssuer?: string;
    /**
     * Create PodMonitors for the stores' metrics (needs the observability stack's CRDs).
     * @default true
     */
    podMonitors?: boolean;
    /**
     * What the PodMonitors wait for: the observability stack (it brings the Prometheus Operator CRDs).
     * @default []
     */
    monitoringDependsOn?: pulumi.Resource[];
    /**
     * Resources to wait for: the namespaces' policies and service accounts, cert-manager.
     * @default []
     */
    dependsOn?: pulumi.Resource[];
}

/** PostgreSQL, MongoDB and Redis with their backups; the agents' connection strings as secrets. */
export class DataServices extends pulumi.ComponentResource {
    /** MongoDB URI for Jamie (TLS, SCRAM, replica set); a secret. */
    public readonly mongodbUri: pulumi.Output<string>;
    /** PostgreSQL URI for Scarlet (TLS required); a secret. */
    public readonly postgresUri: pulumi.Output<string>;
    /** Redis URL for Jamie (`rediss://`, password); a secret. */
    public readonly redisUrl: pulumi.Output<string>;
    /** Where each database's backups go (absent when the cluster has no object store). */
    public readonly backupLocations: { postgres?: pulumi.Output<string>; mongodb?: pulumi.Output<string>; redis?: pulumi.Output<string> };
    /** Third-party charts not installed because third-party charts are off (charts.ts `setThirdPartyCharts`; their CRs are skipped too). */
    public readonly skippedCharts: string[];
    /** Warnings for the preview report (backups disabled, ...). */
    public readonly warnings: string[];

    constructor(name: string, args: DataServicesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:DataServices", name, {}, opts);
        const common = {
            target: args.target,
            environment: args.environment,
            chartMirror: args.chartMirror,
            protectStateful: args.protectStateful,
            podMonitor: args.podMonitors ?? true,
            dependsOn: args.dependsOn ?? [],
            monitoringDependsOn: args.monitoringDependsOn ?? [],
        };
        const postgres = new Postgres(
            `${name}-postgres`,
            { ...common, namespace: args.namespaces.postgres, backupDays: args.retention.backupDays, issuer: args.internalIssuer },
            { parent: this },
        );
        const mongodb = new MongoDb(
            `${name}-mongodb`,
            { ...common, namespace: args.namespaces.mongodb, backupDays: args.retention.backupDays, issuer: args.internalIssuer },
            { parent: this },
        );
        const redis = new Redis(
            `${name}-redis`,
            { ...common, namespace: args.namespaces.redis, backupDays: args.retention.backupDays, issuer: args.internalIssuer },
            { parent: this },
        );

        this.postgresUri = postgres.uri;
        this.mongodbUri = mongodb.uri;
        this.redisUrl = redis.url;
        this.backupLocations = { postgres: postgres.backupLocation, mongodb: mongodb.backupLocation, redis: redis.backupLocation };
        this.skippedCharts = [...postgres.skippedCharts, ...mongodb.skippedCharts, ...redis.skippedCharts];
        this.warnings = [...postgres.warnings, ...mongodb.warnings, ...redis.warnings];
        this.registerOutputs({
            mongodbUri: this.mongodbUri,
            postgresUri: this.postgresUri,
            redisUrl: this.redisUrl,
            backupLocations: this.backupLocations,
        });
    }
}
