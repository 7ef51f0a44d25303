/**
 * MongoDB for Jamie, run by the Percona Operator for MongoDB: a `PerconaServerMongoDB` replica set
 * of three members spread over zones, TLS required on every connection (certificates from
 * cert-manager through the operator), SCRAM authentication with every system and application
 * password generated here, and Percona Backup for MongoDB: a daily backup to the cluster's object
 * store kept for the configured number of days, plus continuous oplog capture (point-in-time
 * recovery, RPO of minutes). Metrics come from a mongodb_exporter sidecar on port 9216.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { installChart, InstalledChart, thirdPartyChartsInstalled } from "../charts";
import { LAYOUT, serviceHost } from "../layout";
import { controllerReplicas, spreadAffinity, ZONE_KEY } from "../scheduling";
import {
    DataStoreArgsBase,
    generatedPassword,
    gi,
    KeyedStore,
    noObjectStoreWarning,
    ObjectStoreAccessInfo,
    objectStoreWriter,
    placement,
    RESTRICTED_CONTAINER,
    secretFrom,
} from "./common";
import { controllerResources } from "../budgets";
import { dataSizes } from "./sizing";
import { toolFolder } from "../../retention";

/** Name of the PerconaServerMongoDB resource; the replica set's service is `mongodb-rs0`. */
export const MONGO_CLUSTER = "mongodb";
/** Replica set name. */
export const MONGO_REPLSET = "rs0";
/** Jamie's database and user. */
export const MONGO_DATABASE = "jamie";
export const MONGO_USER = "jamie";
/** Secret with the operator's system users (backup, cluster admin/monitor, user admin, database admin). */
export const MONGO_SYSTEM_SECRET = "mongodb-system-users";
/** Secret with Jamie's password. */
export const MONGO_APP_SECRET = "mongodb-jamie-credentials";
/** ServiceAccount of the replica-set pods (the backup agent runs in them and writes to the object store). */
export const MONGO_SERVICE_ACCOUNT = "mongodb-db";
/** Name of the backup storage in the CR. */
export const MONGO_STORAGE = "object-store";
/** Daily backup at 01:00 UTC. */
export const MONGO_BACKUP_SCHEDULE = "0 1 * * *";
/** Percona Server for MongoDB 8.0 (requirement: 7+), Percona Backup for MongoDB, exporter. */
export const MONGO_IMAGES = {
    mongod: "percona/percona-server-mongodb:8.0.19-7",
    backup: "percona/percona-backup-mongodb:2.12.0",
    exporter: "percona/mongodb_exporter:0.44.0",
    /** PMM client: off, but the operator's CRD (1.22.0) requires `spec.pmm.image` even then. */
    pmm: "percona/pmm-client:3.4.1",
};
/** CR version the operator chart (1.22.0) understands. */
export const MONGO_CR_VERSION = "1.22.0";

/**
 * The members' affinity: required anti-affinity on `topologyKey` among the replica set's
 * data-bearing members (the operator labels them app.kubernetes.io/component=mongod), plus the
 * preferred node affinity to the data pool.
 */
export function memberAffinity(topologyKey: string, nodeAffinity: unknown): Record<string, unknown> {
    return {
        nodeAffinity,
        podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
                {
                    topologyKey,
                    labelSelector: {
                        matchLabels: {
                            "app.kubernetes.io/instance": MONGO_CLUSTER,
                            "app.kubernetes.io/replset": MONGO_REPLSET,
                            "app.kubernetes.io/component": "mongod",
                        },
                    },
                },
            ],
        },
    };
}

/**
 * The operator's system users: key prefix in the Secret and user name. The names sit in a Secret,
 * so the preview treats them as secret strings and scrubs them from reports: distinctive names,
 * never common words.
 */
export const SYSTEM_USERS = {
    BACKUP: "psmdb_backup",
    DATABASE_ADMIN: "psmdb_database_admin",
    CLUSTER_ADMIN: "psmdb_cluster_admin",
    CLUSTER_MONITOR: "psmdb_cluster_monitor",
    USER_ADMIN: "psmdb_user_admin",
} as const;

/** Arguments of the MongoDb component. */
export interface MongoDbArgs extends DataStoreArgsBase {
    /** Days (= daily backups) kept. */
    backupDays: number;
}

/** Secret with the backup agent's object-store credentials (S3-compatible, GCS and Azure stores). */
export const MONGO_STORE_SECRET = "mongodb-backup-store-credentials";

/**
 * Keys of that Secret the operator (1.22.0, pkg/psmdb/backup/pbm.go) reads for GCS and Azure and
 * hands to Percona Backup for MongoDB.
 */
export const PBM_KEY_NAMES = {
    gcsClientEmail: "GCS_CLIENT_EMAIL",
    gcsPrivateKey: "GCS_PRIVATE_KEY",
    azureAccountName: "AZURE_STORAGE_ACCOUNT_NAME",
    azureAccountKey: "AZURE_STORAGE_ACCOUNT_KEY",
} as const;

/**
 * PBM 2.12.0 cannot act as a workload identity on GCS (its Google client needs a service-account
 * key or HMAC keys; workload identity arrives in PBM 2.13 and the operator 1.22.0 cannot switch it
 * on) nor on Azure Blob (shared key only), and the operator's CRD requires `credentialsSecret` on
 * both: there the writer gets a key (contract.ts `ObjectStoreKey`) in `MONGO_STORE_SECRET`. On S3
 * PBM's AWS SDK takes the pod's IRSA role.
 */
export const PBM_KEYED_STORE: KeyedStore = {
    kinds: ["gcs", "azureBlob"],
    secretData: (key): Record<string, pulumi.Input<string>> => {
        switch (key.kind) {
            case "gcsServiceAccountKey":
                return { [PBM_KEY_NAMES.gcsClientEmail]: key.clientEmail, [PBM_KEY_NAMES.gcsPrivateKey]: key.privateKey };
            case "azureSharedKey":
                return { [PBM_KEY_NAMES.azureAccountName]: key.accountName, [PBM_KEY_NAMES.azureAccountKey]: key.accountKey };
        }
    },
};

/** The PBM storage entry for a writer's object store kind. */
export function pbmStorage(access: ObjectStoreAccessInfo, prefix: string): Record<string, unknown> {
    const secretName = (): pulumi.Output<string> => {
        if (!access.credentialsSecret) {
            throw new Error(`MongoDB backups to a ${access.kind} store need the credentials Secret ${MONGO_STORE_SECRET}, and the writer made none`);
        }
        return access.credentialsSecret.metadata.name;
    };
    switch (access.kind) {
        case "s3":
            // No credentialsSecret: PBM uses the pod's IRSA / Pod Identity role.
            return { type: "s3", s3: { bucket: access.store.bucket, region: access.store.region, prefix } };
        case "gcs":
            return { type: "gcs", gcs: { bucket: access.store.bucket, prefix, credentialsSecret: secretName() } };
        case "azureBlob":
            return {
                type: "azure",
                azure: {
                    container: access.store.bucket,
                    prefix,
                    endpointUrl: pulumi.interpolate`https://${access.store.storageAccount}.blob.core.windows.net`,
                    credentialsSecret: secretName(),
                },
            };
        case "s3Compatible":
            return {
                type: "s3",
                s3: { bucket: access.store.bucket, region: access.store.region, endpointUrl: access.store.endpoint, prefix, credentialsSecret: secretName() },
            };
    }
}

/** MongoDB: the Percona operator, the replica set, its users and backups. */
export class MongoDb extends pulumi.ComponentResource {
    /** Connection URI for Jamie (TLS, SCRAM, replica set); a secret. */
    public readonly uri: pulumi.Output<string>;
    /** The replica set's service host. */
    public readonly host: string;
    /** Object-store destination of the backups, when backups are on. */
    public readonly backupLocation?: pulumi.Output<string>;
    /** Charts this component would install but did not (third-party charts off). */
    public readonly skippedCharts: string[];
    /** Warnings for the preview report. */
    public readonly warnings: string[];

    constructor(name: string, args: MongoDbArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:MongoDb", name, {}, opts);
        const ns = LAYOUT.mongodb.namespace;
        const dependsOn = args.dependsOn ?? [];
        this.host = serviceHost("mongodb", `${MONGO_CLUSTER}-${MONGO_REPLSET}`);
        this.skippedCharts = [];
        this.warnings = [];

        // Every password generated here: the operator finds the Secret and never makes its own.
        const system: Record<string, pulumi.Input<string>> = {};
        for (const [key, user] of Object.entries(SYSTEM_USERS)) {
            system[`MONGODB_${key}_USER`] = user;
            system[`MONGODB_${key}_PASSWORD`] = generatedPassword(`${name}-${key.toLowerCase().replace("_", "-")}-password`, this);
        }
        const systemSecret = secretFrom(
            `${name}-system-users`,
            { name: MONGO_SYSTEM_SECRET, namespace: args.namespace, data: system },
            { parent: this, dependsOn },
        );
        const appPassword = generatedPassword(`${name}-jamie-password`, this);
        const appSecret = secretFrom(
            `${name}-jamie-credentials`,
            { name: MONGO_APP_SECRET, namespace: args.namespace, data: { password: appPassword } },
            { parent: this, dependsOn },
        );
        this.uri = pulumi.secret(
            pulumi.interpolate`mongodb://${MONGO_USER}:${appPassword}@${this.host}:${LAYOUT.mongodb.ports.mongodb}/${MONGO_DATABASE}?replicaSet=${MONGO_REPLSET}&authSource=admin&tls=true`,
        );

        const operator = installChart(
            {
                key: "psmdbOperator",
                name: `${name}-operator`,
                namespace: args.namespace,
                chartMirror: args.chartMirror,
                values: {
                    watchAllNamespaces: false,
                    // Leader-elected: 2 in prod, in different zones.
                    replicaCount: controllerReplicas(args.environment === "prod"),
                    affinity: spreadAffinity({ "app.kubernetes.io/name": "psmdb-operator", "app.kubernetes.io/instance": "psmdb-operator" }),
                    disableTelemetry: true,
                    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    securityContext: RESTRICTED_CONTAINER,
                    resources: controllerResources({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } }, args.environment),
                },
            },
            { parent: this, dependsOn },
        );
        if (!operator) {
            this.skippedCharts.push("psmdbOperator");
        }

        // The replica-set pods' ServiceAccount, bound to a cloud identity for the backup agent.
        const access = objectStoreWriter(
            name,
            args.target,
            {
                namespace: ns,
                namespaceInput: args.namespace,
                serviceAccount: MONGO_SERVICE_ACCOUNT,
                prefix: toolFolder("mongodb"),
                secretName: MONGO_STORE_SECRET,
                keyedStore: PBM_KEYED_STORE,
            },
            { parent: this, dependsOn },
        );
        if (!access) {
            this.warnings.push(noObjectStoreWarning("MongoDB backups"));
        }
        this.backupLocation = access?.url;
        const sa = new ServiceAccount(
            `${name}-sa`,
            {
                metadata: { name: MONGO_SERVICE_ACCOUNT, namespace: args.namespace, annotations: access ? access.identity.serviceAccountAnnotations : {} },
                automountServiceAccountToken: false,
            },
            { parent: this, dependsOn },
        );

        if (!thirdPartyChartsInstalled()) {
            this.registerOutputs({ host: this.host });
            return;
        }
        this.createReplicaSet(name, args, { operator, systemSecret, appSecret, sa, access });
        this.registerOutputs({ host: this.host, backupLocation: this.backupLocation });
    }

    private createReplicaSet(
        name: string,
        args: MongoDbArgs,
        deps: { operator?: InstalledChart; systemSecret: pulumi.Resource; appSecret: pulumi.Resource; sa: pulumi.Resource; access?: ObjectStoreAccessInfo },
    ): void {
        const size = dataSizes(args.environment).mongodb;
        const labels = { "app.kubernetes.io/instance": MONGO_CLUSTER, "app.kubernetes.io/replset": MONGO_REPLSET };
        const place = placement(args.target, "data", labels);
        // mongod and the backup agent write outside their volumes at start: root filesystem stays writable.
        const container = { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false };
        const access = deps.access;
        const backup = access
            ? {
                  enabled: true,
                  image: MONGO_IMAGES.backup,
                  containerSecurityContext: container,
                  storages: { [MONGO_STORAGE]: { main: true, ...pbmStorage(access, toolFolder("mongodb")) } },
                  pitr: { enabled: true, oplogSpanMin: 10, compressionType: "gzip" },
                  tasks: [
                      {
                          name: "daily",
                          enabled: true,
                          schedule: MONGO_BACKUP_SCHEDULE,
                          type: "logical",
                          storageName: MONGO_STORAGE,
                          compressionType: "gzip",
                          retention: { type: "count", count: args.backupDays, deleteFromStorage: true },
                      },
                  ],
              }
            : // The CRD requires the image even when backups are off (found by the e2e against a real API server).
              { enabled: false, image: MONGO_IMAGES.backup };
        const exporterUri = `mongodb://127.0.0.1:${LAYOUT.mongodb.ports.mongodb}/admin?tls=true&tlsCAFile=/etc/mongodb-ssl/ca.crt&tlsAllowInvalidHostnames=true`;
        new CustomResource(
            `${name}-replica-set`,
            {
                apiVersion: "psmdb.percona.com/v1",
                kind: "PerconaServerMongoDB",
                metadata: { name: MONGO_CLUSTER, namespace: args.namespace, finalizers: ["percona.com/delete-psmdb-pods-in-order"] },
                spec: {
                    crVersion: MONGO_CR_VERSION,
                    image: MONGO_IMAGES.mongod,
                    imagePullPolicy: "IfNotPresent",
                    updateStrategy: "SmartUpdate",
                    upgradeOptions: { apply: "disabled" },
                    secrets: { users: MONGO_SYSTEM_SECRET },
                    tls: {
                        mode: "requireTLS",
                        allowInvalidCertificates: false,
                        certValidityDuration: "2160h",
                        issuerConf: { name: args.issuer ?? "private-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
                    },
                    initContainerSecurityContext: container,
                    users: [
                        {
                            name: MONGO_USER,
                            db: "admin",
                            passwordSecretRef: { name: MONGO_APP_SECRET, key: "password" },
                            roles: [
                                { name: "readWrite", db: MONGO_DATABASE },
                                { name: "dbAdmin", db: MONGO_DATABASE },
                            ],
                        },
                    ],
                    replsets: [
                        {
                            name: MONGO_REPLSET,
                            size: size.members,
                            serviceAccountName: MONGO_SERVICE_ACCOUNT,
                            labels: access ? access.identity.podLabels : {},
                            // One member per zone (required anti-affinity on the zone label) when there are
                            // enough zones, else per node. The operator ignores antiAffinityTopologyKey once
                            // `advanced` is set, so the anti-affinity is spelt out inside `advanced`.
                            affinity: {
                                advanced: memberAffinity(
                                    args.target.zones.length >= size.members ? ZONE_KEY : "kubernetes.io/hostname",
                                    place.affinity.nodeAffinity,
                                ),
                            },
                            topologySpreadConstraints: place.topologySpreadConstraints,
                            tolerations: place.tolerations,
                            podDisruptionBudget: { maxUnavailable: 1 },
                            // Dev (seed 000): two data-bearing members and the lightweight arbiter; it takes
                            // the data pool's toleration and prefers another node than the members'.
                            arbiter:
                                size.arbiters > 0
                                    ? {
                                          enabled: true,
                                          size: size.arbiters,
                                          resources: size.arbiterResources,
                                          tolerations: place.tolerations,
                                          affinity: { advanced: { nodeAffinity: place.affinity.nodeAffinity } },
                                      }
                                    : { enabled: false, size: 1 },
                            expose: { enabled: false },
                            resources: size.resources,
                            podSecurityContext: { runAsNonRoot: true, runAsUser: 1001, fsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } },
                            containerSecurityContext: container,
                            volumeSpec: {
                                persistentVolumeClaim: {
                                    storageClassName: args.target.ssdStorageClass,
                                    accessModes: ["ReadWriteOnce"],
                                    resources: { requests: { storage: gi(size.volumeGi) } },
                                },
                            },
                            sidecars: [
                                {
                                    name: "metrics",
                                    image: MONGO_IMAGES.exporter,
                                    args: [
                                        `--mongodb.uri=${exporterUri}`,
                                        `--web.listen-address=:${LAYOUT.mongodb.ports.metrics}`,
                                        "--collector.replicasetstatus",
                                        "--collector.dbstats",
                                        "--compatible-mode",
                                    ],
                                    env: [
                                        {
                                            name: "MONGODB_USER",
                                            valueFrom: { secretKeyRef: { name: MONGO_SYSTEM_SECRET, key: "MONGODB_CLUSTER_MONITOR_USER" } },
                                        },
                                        {
                                            name: "MONGODB_PASSWORD",
                                            valueFrom: { secretKeyRef: { name: MONGO_SYSTEM_SECRET, key: "MONGODB_CLUSTER_MONITOR_PASSWORD" } },
                                        },
                                    ],
                                    ports: [{ name: "metrics", containerPort: LAYOUT.mongodb.ports.metrics }],
                                    volumeMounts: [{ name: "ssl", mountPath: "/etc/mongodb-ssl", readOnly: true }],
                                    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                                    securityContext: RESTRICTED_CONTAINER,
                                },
                            ],
                        },
                    ],
                    sharding: { enabled: false },
                    // The operator refuses fewer than 3 data-bearing members unless told: dev's two
                    // members plus the arbiter still give the replica set 3 votes.
                    ...(size.members < 3 ? { unsafeFlags: { replsetSize: true } } : {}),
                    // Alloy collects pod logs through the API server; the operator's fluent-bit sidecar would run outside the restricted profile.
                    logcollector: { enabled: false },
                    pmm: { enabled: false, image: MONGO_IMAGES.pmm },
                    backup,
                },
            },
            {
                parent: this,
                dependsOn: [
                    deps.systemSecret,
                    deps.appSecret,
                    deps.sa,
                    ...(deps.operator ? [deps.operator] : []),
                    ...(access?.credentialsSecret ? [access.credentialsSecret] : []),
                ],
                protect: args.protectStateful,
                retainOnDelete: true,
            },
        );
        if (args.podMonitor ?? true) {
            new CustomResource(
                `${name}-pod-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PodMonitor",
                    metadata: { name: MONGO_CLUSTER, namespace: args.namespace },
                    spec: { selector: { matchLabels: labels }, podMetricsEndpoints: [{ port: "metrics", interval: "30s" }] },
                },
                { parent: this, dependsOn: [...(deps.operator ? [deps.operator] : []), ...(args.monitoringDependsOn ?? [])] },
            );
        }
    }
}
