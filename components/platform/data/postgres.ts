/**
 * PostgreSQL for Scarlet, run by the CloudNativePG operator: a `Cluster` of three instances spread
 * over zones (one primary, two streaming replicas, automatic failover), TLS only (a server
 * certificate from the platform's private CA; non-TLS connections are rejected in pg_hba), SCRAM
 * passwords, no superuser access from outside. Point-in-time recovery: WAL is archived
 * continuously and a base backup is taken daily to the cluster's object store through the Barman
 * Cloud plugin (the successor of the deprecated in-tree `barmanObjectStore`), kept for the
 * configured window.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import * as pulumi from "@pulumi/pulumi";
import { installChart, InstalledChart, thirdPartyChartsInstalled } from "../charts";
import { LAYOUT, serviceHost } from "../layout";
import { controllerReplicas, topologySpread, ZONE_KEY } from "../scheduling";
import {
    DataStoreArgsBase,
    generatedPassword,
    gi,
    noObjectStoreWarning,
    ObjectStoreAccessInfo,
    objectStoreWriter,
    placement,
    secretFrom,
    STATIC_KEYS,
} from "./common";
import { controllerResources } from "../budgets";
import { dataSizes } from "./sizing";
import { toolFolder } from "../../retention";

/** Name of the CloudNativePG Cluster (its services are `pg-rw`, `pg-ro`, `pg-r`; its ServiceAccount `pg`). */
export const PG_CLUSTER = "pg";
/**
 * Database and owner Scarlet uses. The user name sits in a Secret, so the preview treats it as a
 * secret string and scrubs it from reports: it must not be a word that appears elsewhere.
 */
export const PG_DATABASE = "scarlet";
export const PG_USER = "scarlet_app";
/** Secret with Scarlet's database credentials (`kubernetes.io/basic-auth`). */
export const PG_APP_SECRET = "pg-app-credentials";
/** The Barman Cloud plugin's name as the Cluster and ScheduledBackup refer to it. */
export const BARMAN_PLUGIN = "barman-cloud.cloudnative-pg.io";
/** Name of the ObjectStore resource (backup destination). */
export const PG_OBJECT_STORE = "pg-backups";
/** Daily base backup at 02:00 UTC (CloudNativePG schedules have a seconds field). */
export const PG_BACKUP_SCHEDULE = "0 0 2 * * *";
/** Secret cert-manager writes the server certificate to (it carries `ca.crt` too). */
export const PG_SERVER_TLS_SECRET = "pg-server-tls";
/** PostgreSQL image (17.x, the major CloudNativePG defaults to; requirement: 15+). */
export const PG_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.5";

/** Arguments of the Postgres component. */
export interface PostgresArgs extends DataStoreArgsBase {
    /** Days of backups and WAL kept (recovery window). */
    backupDays: number;
}

/** The object-store configuration block of the ObjectStore for a writer's store kind. */
export function barmanStoreConfiguration(access: ObjectStoreAccessInfo): Record<string, unknown> {
    const base: Record<string, unknown> = {
        destinationPath: access.url,
        wal: { compression: "gzip", maxParallel: 4 },
        data: { compression: "gzip", jobs: 2 },
    };
    switch (access.kind) {
        case "s3":
            return { ...base, s3Credentials: { inheritFromIAMRole: true } };
        case "gcs":
            return { ...base, googleCredentials: { gkeEnvironment: true } };
        case "azureBlob":
            return { ...base, azureCredentials: { inheritFromAzureAD: true } };
        case "s3Compatible":
            return {
                ...base,
                endpointURL: access.store.endpoint,
                s3Credentials: {
                    accessKeyId: { name: access.credentialsSecret!.metadata.name, key: STATIC_KEYS.accessKeyId },
                    secretAccessKey: { name: access.credentialsSecret!.metadata.name, key: STATIC_KEYS.secretAccessKey },
                },
            };
    }
}

/** PostgreSQL: the CloudNativePG operator and plugin, the Cluster, its backups. */
export class Postgres extends pulumi.ComponentResource {
    /**
     * Connection URI for Scarlet; a secret. `sslmode=require`: the server refuses anything but TLS;
     * clients that mount the platform's private CA can tighten it to `verify-full`.
     */
    public readonly uri: pulumi.Output<string>;
    /** Read-write service host. */
    public readonly host: string;
    /** Object-store destination of base backups and WAL, when backups are on. */
    public readonly backupLocation?: pulumi.Output<string>;
    /** Charts this component would install but did not (third-party charts off). */
    public readonly skippedCharts: string[];
    /** Warnings for the preview report. */
    public readonly warnings: string[];

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Postgres", name, {}, opts);
        const size = dataSizes(args.environment).postgres;
        const ns = LAYOUT.postgres.namespace;
        const podMonitor = args.podMonitor ?? true;
        const dependsOn = args.dependsOn ?? [];
        this.host = serviceHost("postgres", `${PG_CLUSTER}-rw`);
        this.skippedCharts = [];
        this.warnings = [];

        const password = generatedPassword(`${name}-app-password`, this);
        const appSecret = secretFrom(
            `${name}-app-credentials`,
            {
                name: PG_APP_SECRET,
                namespace: args.namespace,
                type: "kubernetes.io/basic-auth",
                labels: { "cnpg.io/reload": "true" },
                data: { username: PG_USER, password },
            },
            { parent: this, dependsOn },
        );
        this.uri = pulumi.secret(
            pulumi.interpolate`postgresql://${PG_USER}:${password}@${this.host}:${LAYOUT.postgres.ports.postgres}/${PG_DATABASE}?sslmode=require`,
        );

        const prod = args.environment === "prod";
        const operator = this.chart(name, args, "cloudnativePg", {
            crds: { create: true },
            config: { clusterWide: false },
            // Leader-elected (--leader-elect): 2 in prod, spread over zones.
            replicaCount: controllerReplicas(prod),
            topologySpreadConstraints: prod ? topologySpread(args.target.zones, { "app.kubernetes.io/name": "cloudnative-pg" }) : [],
            monitoring: { podMonitorEnabled: false },
            resources: controllerResources({ requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } }, args.environment),
        });
        const plugin = this.chart(
            name,
            args,
            "barmanCloudPlugin",
            {
                crds: { create: true },
                replicaCount: controllerReplicas(prod),
                topologySpreadConstraints: prod ? topologySpread(args.target.zones, { "app.kubernetes.io/name": "plugin-barman-cloud" }) : [],
                resources: controllerResources({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } }, args.environment),
            },
            operator ? [operator] : [],
        );

        // Backups: a ServiceAccount identity for the instances (the plugin's sidecar runs in them).
        const access = objectStoreWriter(
            name,
            args.target,
            {
                namespace: ns,
                namespaceInput: args.namespace,
                serviceAccount: PG_CLUSTER,
                prefix: toolFolder("postgres"),
                secretName: "pg-backup-store-credentials",
            },
            { parent: this, dependsOn },
        );
        if (!access) {
            this.warnings.push(noObjectStoreWarning("PostgreSQL base backups, WAL archiving and point-in-time recovery"));
        }
        this.backupLocation = access?.url;

        if (!thirdPartyChartsInstalled()) {
            // The Cluster, ObjectStore and ScheduledBackup need the operator's CRDs: skipped with it.
            this.registerOutputs({ host: this.host });
            return;
        }
        const crOpts = { parent: this, dependsOn: [...dependsOn, appSecret, ...(operator ? [operator] : []), ...(plugin ? [plugin] : [])] };
        const store = access
            ? new CustomResource(
                  `${name}-object-store`,
                  {
                      apiVersion: "barmancloud.cnpg.io/v1",
                      kind: "ObjectStore",
                      metadata: { name: PG_OBJECT_STORE, namespace: args.namespace },
                      spec: {
                          retentionPolicy: `${args.backupDays}d`,
                          configuration: barmanStoreConfiguration(access),
                          instanceSidecarConfiguration: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
                      },
                  },
                  { ...crOpts, dependsOn: [...crOpts.dependsOn, ...(access.credentialsSecret ? [access.credentialsSecret] : [])] },
              )
            : undefined;

        // Server certificate from the platform's private CA, so clients verify it with the CA they already trust.
        const serverCert = new CustomResource(
            `${name}-server-tls`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: PG_SERVER_TLS_SECRET, namespace: args.namespace },
                spec: {
                    secretName: PG_SERVER_TLS_SECRET,
                    issuerRef: { name: args.issuer ?? "private-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
                    duration: "2160h",
                    renewBefore: "360h",
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                    usages: ["server auth"],
                    // CloudNativePG reloads the certificate when the Secret changes if it carries this label.
                    secretTemplate: { labels: { "cnpg.io/reload": "" } },
                    dnsNames: ["rw", "ro", "r"].flatMap((svc) => {
                        const host = `${PG_CLUSTER}-${svc}`;
                        return [host, `${host}.${ns}`, `${host}.${ns}.svc`, `${host}.${ns}.svc.cluster.local`];
                    }),
                },
            },
            { parent: this, dependsOn },
        );
        const labels = { "cnpg.io/cluster": PG_CLUSTER };
        const place = placement(args.target, "data", labels);
        const cluster = new CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "postgresql.cnpg.io/v1",
                kind: "Cluster",
                metadata: { name: PG_CLUSTER, namespace: args.namespace },
                spec: {
                    instances: size.members,
                    imageName: PG_IMAGE,
                    primaryUpdateStrategy: "unsupervised",
                    enableSuperuserAccess: false,
                    // The owner is the Secret's user name, which Kubernetes Secrets make secret: keep it so here too.
                    certificates: { serverTLSSecret: PG_SERVER_TLS_SECRET, serverCASecret: PG_SERVER_TLS_SECRET },
                    bootstrap: { initdb: { database: PG_DATABASE, owner: pulumi.secret(PG_USER), secret: { name: PG_APP_SECRET } } },
                    // initdb reads the Secret once; the managed role keeps the password in step with it
                    // afterwards (the Secret carries cnpg.io/reload), so a rotated password applies without a restart.
                    managed: { roles: [{ name: pulumi.secret(PG_USER), ensure: "present", login: true, passwordSecret: { name: PG_APP_SECRET } }] },
                    storage: { size: gi(size.volumeGi), storageClass: args.target.ssdStorageClass },
                    walStorage: { size: gi(size.walVolumeGi), storageClass: args.target.ssdStorageClass },
                    resources: size.resources,
                    postgresql: {
                        parameters: {
                            ssl_min_protocol_version: "TLSv1.3",
                            password_encryption: "scram-sha-256",
                            archive_timeout: "5min",
                            log_min_duration_statement: "1000",
                        },
                        // Operator rules (replication over TLS with certificates) come first; then refuse anything without TLS.
                        pg_hba: [
                            "hostnossl all all 0.0.0.0/0 reject",
                            "hostnossl all all ::/0 reject",
                            "hostssl all all 0.0.0.0/0 scram-sha-256",
                            "hostssl all all ::/0 scram-sha-256",
                        ],
                    },
                    affinity: {
                        enablePodAntiAffinity: true,
                        topologyKey: ZONE_KEY,
                        // Required anti-affinity over zones when there are enough zones for every instance.
                        podAntiAffinityType: args.target.zones.length >= size.members ? "required" : "preferred",
                        nodeAffinity: place.affinity.nodeAffinity,
                        tolerations: place.tolerations,
                    },
                    topologySpreadConstraints: place.topologySpreadConstraints,
                    serviceAccountTemplate: { metadata: { annotations: access ? access.identity.serviceAccountAnnotations : {} } },
                    inheritedMetadata: { labels: access ? access.identity.podLabels : {} },
                    plugins: store ? [{ name: BARMAN_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: PG_OBJECT_STORE } }] : [],
                    // The operator runs instances non-root with the restricted profile; seccomp made explicit.
                    seccompProfile: { type: "RuntimeDefault" },
                },
            },
            { ...crOpts, dependsOn: [...crOpts.dependsOn, serverCert, ...(store ? [store] : [])], protect: args.protectStateful, retainOnDelete: true },
        );
        if (store) {
            new CustomResource(
                `${name}-daily-backup`,
                {
                    apiVersion: "postgresql.cnpg.io/v1",
                    kind: "ScheduledBackup",
                    metadata: { name: `${PG_CLUSTER}-daily`, namespace: args.namespace },
                    spec: {
                        schedule: PG_BACKUP_SCHEDULE,
                        immediate: true,
                        backupOwnerReference: "self",
                        cluster: { name: PG_CLUSTER },
                        method: "plugin",
                        pluginConfiguration: { name: BARMAN_PLUGIN },
                    },
                },
                { parent: this, dependsOn: [cluster] },
            );
        }
        if (podMonitor) {
            new CustomResource(
                `${name}-pod-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PodMonitor",
                    metadata: { name: PG_CLUSTER, namespace: args.namespace },
                    spec: { selector: { matchLabels: labels }, podMetricsEndpoints: [{ port: "metrics", interval: "30s" }] },
                },
                { parent: this, dependsOn: [cluster, ...(args.monitoringDependsOn ?? [])] },
            );
        }
        this.registerOutputs({ host: this.host, backupLocation: this.backupLocation });
    }

    /** Installs one of this component's charts, or records it as skipped. */
    private chart(
        name: string,
        args: PostgresArgs,
        key: "cloudnativePg" | "barmanCloudPlugin",
        values: Record<string, unknown>,
        after: pulumi.Resource[] = [],
    ): InstalledChart | undefined {
        const chart = installChart(
            {
                key,
                name: `${name}-${key === "cloudnativePg" ? "operator" : "barman-plugin"}`,
                namespace: args.namespace,
                values,
                chartMirror: args.chartMirror,
            },
            { parent: this, dependsOn: [...(args.dependsOn ?? []), ...after] },
        );
        if (!chart) {
            this.skippedCharts.push(key);
        }
        return chart;
    }
}
