/**
 * Redis for Jamie's cache and sessions, run by the OT-Container-Kit Redis operator: a
 * `RedisReplication` of one primary and two replicas spread over zones, with three embedded
 * Sentinels that fail over automatically (the operator moves the `redis-master` Service to the new
 * primary). Password auth and TLS (a certificate from the platform's private CA); an RDB snapshot
 * every 15 minutes (`save 900 1`) on an SSD volume kept after delete; redis_exporter on 9121.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { installChart } from "../charts";
import { LAYOUT, serviceHost } from "../layout";
import { controllerReplicas, HOST_KEY, spreadAffinity } from "../scheduling";
import { DataStoreArgsBase, generatedPassword, gi, noObjectStoreWarning, placement, RESTRICTED_CONTAINER, secretFrom } from "./common";
import { controllerResources } from "../budgets";
import { dataSizes } from "./sizing";
import { REDIS_BACKUP_PREFIX, redisBackup } from "./redisBackup";

/** Name of the RedisReplication; services `redis` (all), `redis-master` (the primary), `redis-replica`. */
export const REDIS_NAME = "redis";
/** Secret with the Redis password (key `password`). */
export const REDIS_AUTH_SECRET = "redis-auth";
/** Secret cert-manager writes the TLS certificate to. */
export const REDIS_TLS_SECRET = "redis-tls";
/** ConfigMap with the extra redis.conf lines (key `redis-additional.conf`, as the operator mounts it). */
export const REDIS_CONFIG = "redis-extra-config";
/** Images: Redis 7 and its Sentinel from the operator's registry, the exporter. */
export const REDIS_IMAGES = {
    redis: "quay.io/opstree/redis:v7.0.15",
    sentinel: "quay.io/opstree/redis-sentinel:v7.0.15",
    exporter: "quay.io/opstree/redis-exporter:v1.44.0",
};

/**
 * The redis.conf lines the platform owns: an RDB snapshot every 15 minutes when anything changed
 * (the default save points are cleared first), stop writes if a snapshot fails, TLS-only port.
 */
export function redisConfig(): string {
    return (
        ['save ""', "save 900 1", "stop-writes-on-bgsave-error yes", "rdbcompression yes", "rdbchecksum yes", "dbfilename dump.rdb", "appendonly no"].join(
            "\n",
        ) + "\n"
    );
}

/** Arguments of the Redis component. */
export interface RedisArgs extends DataStoreArgsBase {
    /** Days the daily RDB copies off the cluster are kept (retention.backupDays). */
    backupDays: number;
}

/** Redis: the operator, a primary with two replicas and three Sentinels. */
export class Redis extends pulumi.ComponentResource {
    /** Connection URL for Jamie (`rediss://`, password); a secret. */
    public readonly url: pulumi.Output<string>;
    /** The primary's service host. */
    public readonly host: string;
    /** Charts this component would install but did not (third-party charts off). */
    public readonly skippedCharts: string[];
    /** Where the daily RDB copies go (`<store>/backups/redis`), when the cluster has an object store. */
    public readonly backupLocation?: pulumi.Output<string>;
    /** Warnings for the preview report (copies off the cluster disabled). */
    public readonly warnings: string[] = [];

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Redis", name, {}, opts);
        const size = dataSizes(args.environment).redis;
        const dependsOn = args.dependsOn ?? [];
        const issuer = args.issuer ?? "private-ca";
        this.host = serviceHost("redis", `${REDIS_NAME}-master`);
        this.skippedCharts = [];

        const password = generatedPassword(`${name}-password`, this);
        const auth = secretFrom(`${name}-auth`, { name: REDIS_AUTH_SECRET, namespace: args.namespace, data: { password } }, { parent: this, dependsOn });
        this.url = pulumi.secret(pulumi.interpolate`rediss://:${password}@${this.host}:${LAYOUT.redis.ports.redis}/0`);
        const config = new ConfigMap(
            `${name}-config`,
            { metadata: { name: REDIS_CONFIG, namespace: args.namespace }, data: { "redis-additional.conf": redisConfig() } },
            { parent: this, dependsOn },
        );

        const operator = installChart(
            {
                key: "redisOperator",
                name: `${name}-operator`,
                namespace: args.namespace,
                chartMirror: args.chartMirror,
                values: {
                    redisOperator: { watchNamespace: LAYOUT.redis.namespace, imagePullPolicy: "IfNotPresent", webhook: false },
                    // Leader-elected (--leader-elect): 2 in prod, in different zones.
                    replicas: controllerReplicas(args.environment === "prod"),
                    affinity: spreadAffinity({ name: "redis-operator" }),
                    rbac: { enabled: true, scope: "namespace" },
                    resources: controllerResources({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "500Mi" } }, args.environment),
                    securityContext: RESTRICTED_CONTAINER,
                    podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                },
            },
            { parent: this, dependsOn },
        );
        if (!operator) {
            // The RedisReplication and the Certificate need the operator's and cert-manager's CRDs.
            this.skippedCharts.push("redisOperator");
            this.registerOutputs({ host: this.host });
            return;
        }

        const ns = LAYOUT.redis.namespace;
        const cert = new CustomResource(
            `${name}-tls`,
            {
                apiVersion: "cert-manager.io/v1",
                kind: "Certificate",
                metadata: { name: REDIS_TLS_SECRET, namespace: args.namespace },
                spec: {
                    secretName: REDIS_TLS_SECRET,
                    issuerRef: { name: issuer, kind: "ClusterIssuer", group: "cert-manager.io" },
                    duration: "2160h",
                    renewBefore: "360h",
                    privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
                    usages: ["server auth", "client auth"],
                    dnsNames: [
                        ...[REDIS_NAME, `${REDIS_NAME}-master`, `${REDIS_NAME}-replica`, `${REDIS_NAME}-headless`, `${REDIS_NAME}-sentinel`].flatMap((svc) => [
                            svc,
                            `${svc}.${ns}.svc`,
                            `${svc}.${ns}.svc.cluster.local`,
                        ]),
                        `*.${REDIS_NAME}-headless.${ns}.svc.cluster.local`,
                    ],
                },
            },
            { parent: this, dependsOn },
        );

        const labels = { app: REDIS_NAME };
        const place = placement(args.target, "data", labels);
        const podSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
        // The image writes its generated redis.conf at start: root filesystem stays writable.
        const container = { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: false };
        const sentinelPlace = placement(args.target, "data", { app: `${REDIS_NAME}-sentinel` });
        const replication = new CustomResource(
            `${name}-replication`,
            {
                apiVersion: "redis.redis.opstreelabs.in/v1beta2",
                kind: "RedisReplication",
                metadata: { name: REDIS_NAME, namespace: args.namespace },
                spec: {
                    clusterSize: size.members,
                    kubernetesConfig: {
                        image: REDIS_IMAGES.redis,
                        imagePullPolicy: "IfNotPresent",
                        resources: size.resources,
                        redisSecret: { name: REDIS_AUTH_SECRET, key: "password" },
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    },
                    redisConfig: { additionalRedisConfig: REDIS_CONFIG },
                    storage: {
                        keepAfterDelete: true,
                        volumeClaimTemplate: {
                            spec: {
                                storageClassName: args.target.ssdStorageClass,
                                accessModes: ["ReadWriteOnce"],
                                resources: { requests: { storage: gi(size.volumeGi) } },
                            },
                        },
                    },
                    TLS: { ca: "ca.crt", cert: "tls.crt", key: "tls.key", secret: { secretName: REDIS_TLS_SECRET } },
                    redisExporter: {
                        enabled: true,
                        image: REDIS_IMAGES.exporter,
                        port: LAYOUT.redis.ports.metrics,
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                        securityContext: RESTRICTED_CONTAINER,
                    },
                    podSecurityContext,
                    securityContext: container,
                    affinity: {
                        ...place.affinity,
                        podAntiAffinity: {
                            preferredDuringSchedulingIgnoredDuringExecution: [
                                { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: labels }, topologyKey: HOST_KEY } },
                            ],
                        },
                    },
                    tolerations: place.tolerations,
                    topologySpreadConstraints: place.topologySpreadConstraints,
                    pdb: { enabled: true, maxUnavailable: 1 },
                    sentinel: {
                        size: size.sentinels,
                        image: REDIS_IMAGES.sentinel,
                        imagePullPolicy: "IfNotPresent",
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
                        redisSecret: { name: REDIS_AUTH_SECRET, key: "password" },
                        quorum: "2",
                        downAfterMilliseconds: "5000",
                        failoverTimeout: "60000",
                        parallelSyncs: "1",
                        podSecurityContext,
                        securityContext: container,
                        affinity: sentinelPlace.affinity,
                        tolerations: sentinelPlace.tolerations,
                        topologySpreadConstraints: sentinelPlace.topologySpreadConstraints,
                    },
                },
            },
            { parent: this, dependsOn: [...dependsOn, operator, auth, config, cert], protect: args.protectStateful, retainOnDelete: true },
        );
        // The daily copy off the cluster, taken from a replica once the replication and its certificate exist.
        const backup = redisBackup(
            name,
            {
                target: args.target,
                namespace: args.namespace,
                backupDays: args.backupDays,
                authSecret: REDIS_AUTH_SECRET,
                tlsSecret: REDIS_TLS_SECRET,
                scratchGi: size.volumeGi,
                redisImage: REDIS_IMAGES.redis,
            },
            { parent: this, dependsOn: [...dependsOn, replication, auth, cert] },
        );
        if (!backup) {
            this.warnings.push(noObjectStoreWarning(`Redis's daily copies off the cluster (${REDIS_BACKUP_PREFIX})`));
        }
        this.backupLocation = backup?.location;
        if (args.podMonitor ?? true) {
            new CustomResource(
                `${name}-pod-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PodMonitor",
                    metadata: { name: REDIS_NAME, namespace: args.namespace },
                    spec: { selector: { matchLabels: labels }, podMetricsEndpoints: [{ portNumber: LAYOUT.redis.ports.metrics, interval: "30s" }] },
                },
                { parent: this, dependsOn: [replication, ...(args.monitoringDependsOn ?? [])] },
            );
        }
        this.registerOutputs({ host: this.host, backupLocation: this.backupLocation });
    }
}
