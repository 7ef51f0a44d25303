/**
 * Redis's copy off the cluster (issue 14 part 2): a CronJob in the Redis namespace takes an RDB
 * once a day from a replica of the replication set (`redis-cli --rdb`, Redis's own replication
 * protocol over TLS, so the primary does no extra work) and uploads it to the cluster's object
 * store under `backups/redis/` with rclone, as the cloud identity bound to its ServiceAccount
 * (IRSA, GKE Workload Identity, Azure Workload Identity; static keys for an S3-compatible store),
 * the way the PostgreSQL and MongoDB backups reach the store. Copies older than `backupDays` are
 * deleted by the job and, as a backstop, by the bucket's lifecycle rule on `backups/`
 * (components/retention.ts). The pod runs under the restricted Pod Security profile; a
 * NetworkPolicy lets it reach Redis, DNS and 443 only. docs/data.md says why rclone and how to
 * restore from a copy.
 */
import { CronJob } from "@pulumi/kubernetes/batch/v1";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import type * as k8s from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { OBJECT_STORE_PREFIXES } from "../../retention";
import type { ClusterTarget } from "../../contract";
import { LAYOUT, serviceHost } from "../layout";
import { NAMESPACE_NAME_LABEL, NODE_LOCAL_DNS_CIDR } from "../networkPolicies";
import { gi, ObjectStoreAccessInfo, objectStoreWriter, placement, RESTRICTED_CONTAINER, STATIC_KEYS } from "./common";

/** Name of the CronJob, its ServiceAccount and its NetworkPolicy; label `app` of its pods. */
export const REDIS_BACKUP_NAME = "redis-backup";
/** Daily at 02:30 UTC: after MongoDB's (01:00) and PostgreSQL's (02:00) backups. */
export const REDIS_BACKUP_SCHEDULE = "30 2 * * *";
/** Folder of the copies in the object store: under `backups/`, whose lifecycle rule keeps `backupDays`. */
export const REDIS_BACKUP_PREFIX = `${OBJECT_STORE_PREFIXES.backups}redis`;
/**
 * rclone 1.75.1 (September 2026, the newest patch of the release before the current 1.76):
 * rclone's own image, one static binary on Alpine. One tool for every store kind the platform
 * has (S3 with IRSA through the AWS SDK's web-identity chain, GCS with GKE's application default
 * credentials, Azure Blob with azidentity's workload-identity credential, S3-compatible with keys).
 */
export const RCLONE_IMAGE = "docker.io/rclone/rclone:1.75.1";
/** Where the copy is written inside the pod (an emptyDir shared by the two containers). */
const WORK_DIR = "/backup";
/** Where the Redis TLS Secret is mounted. */
const TLS_DIR = "/tls";
/** The replicas' Service: the copy is taken from a replica, never loading the primary. */
export const REDIS_BACKUP_SOURCE = serviceHost("redis", "redis-replica");
/** The Redis pods' label (the NetworkPolicy's destination). */
const REDIS_POD_LABELS = { app: "redis" };

/** Arguments of `redisBackup`. */
export interface RedisBackupArgs {
    target: ClusterTarget;
    /** The Redis namespace (from the Foundation). */
    namespace: pulumi.Input<string>;
    /** Days the copies are kept (retention.backupDays). */
    backupDays: number;
    /** Secret with the Redis password (key `password`). */
    authSecret: string;
    /** Secret with the TLS certificate from the private CA (`ca.crt`, `tls.crt`, `tls.key`). */
    tlsSecret: string;
    /** Size limit of the scratch volume the RDB is written to, GiB (the Redis volume's size bounds it). */
    scratchGi: number;
    /** The Redis image (its redis-cli takes the copy). */
    redisImage: string;
}

/** What `redisBackup` made, or undefined when the cluster has no object store. */
export interface RedisBackupResult {
    cronJob: CronJob;
    networkPolicy: NetworkPolicy;
    /** The copies' destination (`s3://bucket/backups/redis`, ...). */
    location: pulumi.Output<string>;
}

/** rclone's settings for one store kind, as environment variables (backend options for `:<backend>:` remotes). */
export function rcloneEnvironment(access: ObjectStoreAccessInfo): { remote: pulumi.Output<string>; env: k8s.core.v1.EnvVar[] } {
    const store = access.store;
    const path = pulumi.interpolate`${store.bucket}/${REDIS_BACKUP_PREFIX}`;
    switch (access.kind) {
        case "s3":
            return {
                remote: pulumi.interpolate`:s3:${path}`,
                env: [
                    { name: "RCLONE_S3_PROVIDER", value: "AWS" },
                    { name: "RCLONE_S3_ENV_AUTH", value: "true" },
                    { name: "RCLONE_S3_REGION", value: store.region ?? "" },
                    { name: "RCLONE_S3_NO_CHECK_BUCKET", value: "true" },
                ],
            };
        case "gcs":
            return {
                remote: pulumi.interpolate`:gcs:${path}`,
                env: [
                    { name: "RCLONE_GCS_ENV_AUTH", value: "true" },
                    { name: "RCLONE_GCS_BUCKET_POLICY_ONLY", value: "true" },
                    { name: "RCLONE_GCS_NO_CHECK_BUCKET", value: "true" },
                ],
            };
        case "azureBlob":
            return {
                remote: pulumi.interpolate`:azureblob:${path}`,
                env: [
                    { name: "RCLONE_AZUREBLOB_ENV_AUTH", value: "true" },
                    { name: "RCLONE_AZUREBLOB_ACCOUNT", value: store.storageAccount ?? "" },
                    { name: "RCLONE_AZUREBLOB_NO_CHECK_CONTAINER", value: "true" },
                ],
            };
        case "s3Compatible": {
            const secret = access.credentialsSecret!.metadata.name;
            return {
                remote: pulumi.interpolate`:s3:${path}`,
                env: [
                    { name: "RCLONE_S3_PROVIDER", value: "Other" },
                    { name: "RCLONE_S3_ENV_AUTH", value: "true" },
                    { name: "RCLONE_S3_ENDPOINT", value: store.endpoint ?? "" },
                    { name: "RCLONE_S3_REGION", value: store.region ?? "" },
                    { name: "RCLONE_S3_NO_CHECK_BUCKET", value: "true" },
                    { name: STATIC_KEYS.accessKeyId, valueFrom: { secretKeyRef: { name: secret, key: STATIC_KEYS.accessKeyId } } },
                    { name: STATIC_KEYS.secretAccessKey, valueFrom: { secretKeyRef: { name: secret, key: STATIC_KEYS.secretAccessKey } } },
                ],
            };
        }
    }
}

/**
 * The dump step: an RDB from a replica over TLS (client certificate from the same Secret), then a
 * check that the file is an RDB (`REDIS` magic) and not empty. The password comes from
 * `REDISCLI_AUTH`, so it is never on the command line.
 */
export function dumpScript(workDir = WORK_DIR, tlsDir = TLS_DIR): string {
    return [
        "set -eu",
        `redis-cli --tls --cacert ${tlsDir}/ca.crt --cert ${tlsDir}/tls.crt --key ${tlsDir}/tls.key -h "$REDIS_HOST" -p "$REDIS_PORT" --rdb ${workDir}/dump.rdb`,
        `test "$(head -c 5 ${workDir}/dump.rdb)" = REDIS`,
        `ls -l ${workDir}/dump.rdb`,
    ].join("\n");
}

/**
 * The upload step: the copy as `redis-<UTC time>.rdb`, then every copy older than `KEEP_DAYS`
 * deleted (the lifecycle rule on `backups/` is the backstop for stores where it applies).
 */
export function uploadScript(workDir = WORK_DIR): string {
    return [
        "set -eu",
        'name="redis-$(date -u +%Y-%m-%dT%H%M%SZ).rdb"',
        `rclone copyto --checksum ${workDir}/dump.rdb "$DESTINATION/$name"`,
        'rclone delete --min-age "${KEEP_DAYS}d" "$DESTINATION"',
        'rclone lsl "$DESTINATION"',
    ].join("\n");
}

/**
 * Creates the daily copy of Redis off the cluster: a ServiceAccount bound to the cloud identity,
 * the CronJob and its NetworkPolicy. Returns undefined (nothing created) when the cluster has no
 * object store; the caller warns.
 */
export function redisBackup(name: string, args: RedisBackupArgs, opts: pulumi.CustomResourceOptions): RedisBackupResult | undefined {
    const ns = LAYOUT.redis.namespace;
    const access = objectStoreWriter(
        `${name}-backup`,
        args.target,
        {
            namespace: ns,
            namespaceInput: args.namespace,
            serviceAccount: REDIS_BACKUP_NAME,
            prefix: REDIS_BACKUP_PREFIX,
            secretName: `${REDIS_BACKUP_NAME}-store-credentials`,
        },
        opts,
    );
    if (!access) {
        return undefined;
    }
    const labels = { app: REDIS_BACKUP_NAME };
    const sa = new ServiceAccount(
        `${name}-backup-sa`,
        {
            metadata: { name: REDIS_BACKUP_NAME, namespace: args.namespace, annotations: access.identity.serviceAccountAnnotations },
            automountServiceAccountToken: false,
        },
        opts,
    );
    const rclone = rcloneEnvironment(access);
    const place = placement(args.target, "data", labels);
    const scratch = { name: "scratch", mountPath: WORK_DIR };
    const cronJob = new CronJob(
        `${name}-backup`,
        {
            metadata: { name: REDIS_BACKUP_NAME, namespace: args.namespace, labels },
            spec: {
                schedule: REDIS_BACKUP_SCHEDULE,
                timeZone: "Etc/UTC",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 3600,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: {
                    spec: {
                        backoffLimit: 3,
                        activeDeadlineSeconds: 3600,
                        template: {
                            metadata: { labels: { ...labels, ...access.identity.podLabels } },
                            spec: {
                                serviceAccountName: REDIS_BACKUP_NAME,
                                restartPolicy: "Never",
                                securityContext: {
                                    runAsNonRoot: true,
                                    runAsUser: 1000,
                                    runAsGroup: 1000,
                                    fsGroup: 1000,
                                    seccompProfile: { type: "RuntimeDefault" },
                                },
                                affinity: place.affinity,
                                tolerations: place.tolerations,
                                initContainers: [
                                    {
                                        name: "dump",
                                        // The Redis image itself: its redis-cli speaks the server's protocol version.
                                        image: args.redisImage,
                                        command: ["/bin/sh", "-c", dumpScript()],
                                        env: [
                                            { name: "REDIS_HOST", value: REDIS_BACKUP_SOURCE },
                                            { name: "REDIS_PORT", value: String(LAYOUT.redis.ports.redis) },
                                            { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: args.authSecret, key: "password" } } },
                                        ],
                                        volumeMounts: [scratch, { name: "tls", mountPath: TLS_DIR, readOnly: true }],
                                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                                        securityContext: RESTRICTED_CONTAINER,
                                    },
                                ],
                                containers: [
                                    {
                                        name: "upload",
                                        image: RCLONE_IMAGE,
                                        command: ["/bin/sh", "-c", uploadScript()],
                                        env: [
                                            { name: "DESTINATION", value: rclone.remote },
                                            { name: "KEEP_DAYS", value: String(args.backupDays) },
                                            // No config file: every setting is an environment variable; HOME for rclone's cache.
                                            { name: "RCLONE_CONFIG", value: "/tmp/rclone.conf" },
                                            { name: "HOME", value: "/tmp" },
                                            ...rclone.env,
                                        ],
                                        volumeMounts: [
                                            { ...scratch, readOnly: true },
                                            { name: "tmp", mountPath: "/tmp" },
                                        ],
                                        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                                        securityContext: RESTRICTED_CONTAINER,
                                    },
                                ],
                                volumes: [
                                    { name: "scratch", emptyDir: { sizeLimit: gi(args.scratchGi) } },
                                    { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                                    { name: "tls", secret: { secretName: args.tlsSecret, defaultMode: 0o440 } },
                                ],
                            },
                        },
                    },
                },
            },
        },
        {
            ...opts,
            dependsOn: [...((opts.dependsOn as pulumi.Resource[] | undefined) ?? []), sa, ...(access.credentialsSecret ? [access.credentialsSecret] : [])],
        },
    );
    const networkPolicy = new NetworkPolicy(
        `${name}-backup-network`,
        {
            metadata: { name: REDIS_BACKUP_NAME, namespace: args.namespace },
            spec: backupNetworkPolicySpec(),
        },
        opts,
    );
    return { cronJob, networkPolicy, location: access.url };
}

/** The backup pods' NetworkPolicy: no ingress; egress to the Redis pods on the Redis port, DNS, and 443 (the object store, the identity's token endpoint). */
export function backupNetworkPolicySpec(): k8s.networking.v1.NetworkPolicySpec {
    return {
        podSelector: { matchLabels: { app: REDIS_BACKUP_NAME } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: [
            { to: [{ podSelector: { matchLabels: REDIS_POD_LABELS } }], ports: [{ protocol: "TCP", port: LAYOUT.redis.ports.redis }] },
            {
                to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } } }, { ipBlock: { cidr: NODE_LOCAL_DNS_CIDR } }],
                ports: [
                    { protocol: "UDP", port: 53 },
                    { protocol: "TCP", port: 53 },
                ],
            },
            { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ],
    };
}
