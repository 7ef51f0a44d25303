/**
 * The cluster's object store: one S3 bucket for backups, logs, traces and metrics, encrypted with
 * the cluster's KMS key (bucket key on), versioned, public access blocked, TLS-only, with lifecycle
 * rules from the retention figures, and protected. `lifecycleRules` is pure and tested. The
 * prefixes are the shared table in components/retention.ts, so the platform writes to the same
 * places on every cloud.
 */
import { Bucket } from "@pulumi/aws/s3/bucket";
import { BucketLifecycleConfiguration } from "@pulumi/aws/s3/bucketLifecycleConfiguration";
import { BucketPolicy } from "@pulumi/aws/s3/bucketPolicy";
import { BucketPublicAccessBlock } from "@pulumi/aws/s3/bucketPublicAccessBlock";
import { BucketReplicationConfig } from "@pulumi/aws/s3/bucketReplicationConfig";
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";
import type { input } from "@pulumi/aws/types";
import * as pulumi from "@pulumi/pulumi";
import type { RetentionConfig } from "../types";
import type { ObjectStore } from "../contract";
import { NONCURRENT_VERSION_DAYS, OBJECT_STORE_PREFIXES, retentionRules } from "../retention";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { Alias } from "@pulumi/aws/kms/alias";
import { Key } from "@pulumi/aws/kms/key";
import { denyInsecureTransportPolicy, partitionOf, replicationRolePolicy, serviceTrustPolicy } from "./iamPolicies";

export { OBJECT_STORE_PREFIXES, NONCURRENT_VERSION_DAYS };

/** Days before an abandoned multipart upload is cleaned up. */
export const ABORT_MULTIPART_DAYS = 7;

/** One lifecycle rule as `BucketLifecycleConfiguration` takes it (plain values). */
export interface LifecycleRule {
    id: string;
    status: "Enabled";
    filter: { prefix: string };
    expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
    noncurrentVersionExpiration?: { noncurrentDays: number };
    abortIncompleteMultipartUpload?: { daysAfterInitiation: number };
}

/**
 * Lifecycle rules from the retention figures: one expiry per prefix of the shared table
 * (components/retention.ts), plus version and upload hygiene.
 */
export function lifecycleRules(r: RetentionConfig): LifecycleRule[] {
    return [
        ...retentionRules(r).map((rule): LifecycleRule => ({
            id: `expire-${rule.prefix.replace(/\/$/, "")}`,
            status: "Enabled",
            filter: { prefix: rule.prefix },
            expiration: { days: rule.days },
        })),
        {
            id: "noncurrent-versions-and-uploads",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { expiredObjectDeleteMarker: true },
            noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
        },
    ];
}

/** Arguments of `createObjectStore`. */
export interface ObjectStoreArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    region: string;
    kmsKeyArn: pulumi.Input<string>;
    retention: RetentionConfig;
    protect: boolean;
    tags: Record<string, string>;
    parent: pulumi.Resource;
    /** Region of the cross-region copy (`drRegion`); absent: no copy. */
    drRegion?: string;
}

/** Minutes within which S3 Replication Time Control copies 99.99 % of objects (its SLA), well inside the 1 h RPO. */
export const REPLICATION_TIME_MINUTES = 15;

/**
 * The replication rule of the backup bucket: every object (empty filter), delete markers too (a
 * deletion stays undoable in the copy through versioning), KMS-encrypted objects re-encrypted with
 * the DR region's key, Replication Time Control (15 min) with its metrics so a lagging copy is
 * visible in CloudWatch (`ReplicationLatency`, `OperationsPendingReplication`).
 */
export function replicationRule(destinationBucketArn: string, destinationKeyArn: string): input.s3.BucketReplicationConfigRule {
    return {
        id: "dr-copy",
        status: "Enabled",
        priority: 1,
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
            bucket: destinationBucketArn,
            storageClass: "STANDARD",
            encryptionConfiguration: { replicaKmsKeyId: destinationKeyArn },
            replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
            metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
        },
    };
}

/** What `createObjectStore` built. */
export interface BuiltObjectStore {
    bucket: Bucket;
    store: ObjectStore;
    /** The cross-region copy, when `drRegion` is set. */
    replica?: { bucket: Bucket; key: Key; replication: BucketReplicationConfig };
}

/** Creates the bucket and its configuration resources. */
export function createObjectStore(a: ObjectStoreArgs): BuiltObjectStore {
    const n = `${a.name}-store`;
    const opts = { parent: a.parent };
    const { bucket, versioning } = hardenedBucket(n, a, a.kmsKeyArn, undefined);

    let replica: BuiltObjectStore["replica"];
    if (a.drRegion) {
        // The copy: its own key and bucket in the DR region (AWS provider v7's per-resource region),
        // configured like the primary: versioned, KMS-encrypted, private, TLS-only, same lifecycle, protected.
        const dr = `${a.name}-store-dr`;
        const key = new Key(
            `${dr}-key`,
            {
                region: a.drRegion,
                description: `${a.name}: cross-region copy of the backup store`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags: a.tags,
            },
            { ...opts, protect: a.protect },
        );
        new Alias(`${dr}-key`, { region: a.drRegion, name: `alias/${dr}`, targetKeyId: key.keyId }, opts);
        const copy = hardenedBucket(dr, a, key.arn, a.drRegion);
        const role = new Role(`${dr}-replication`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("s3", partitionOf(a.region))), tags: a.tags }, opts);
        const rolePolicy = new RolePolicy(
            `${dr}-replication`,
            {
                role: role.id,
                policy: pulumi
                    .all([bucket.arn, copy.bucket.arn, a.kmsKeyArn, key.arn])
                    .apply(([sourceBucketArn, destinationBucketArn, sourceKeyArn, destinationKeyArn]) =>
                        JSON.stringify(replicationRolePolicy({ sourceBucketArn, destinationBucketArn, sourceKeyArn, destinationKeyArn })),
                    ),
            },
            opts,
        );
        // Replication needs versioning on both buckets first.
        const replication = new BucketReplicationConfig(
            `${dr}-replication`,
            { bucket: bucket.id, role: role.arn, rules: [pulumi.all([copy.bucket.arn, key.arn]).apply(([b, k]) => replicationRule(b, k))] },
            { ...opts, dependsOn: [versioning, copy.versioning, rolePolicy] },
        );
        replica = { bucket: copy.bucket, key, replication };
    }

    const name = bucket.bucket;
    const store: ObjectStore = {
        kind: "s3",
        bucket: name,
        region: a.region,
        url: (prefix: string) => pulumi.interpolate`s3://${name}/${prefix.replace(/^\/+/, "")}`,
    };
    return { bucket, store, replica };
}

/** A bucket configured as every backup bucket is: KMS encryption, versioning, no public access, lifecycle, TLS only. */
function hardenedBucket(
    n: string,
    a: ObjectStoreArgs,
    kmsKeyArn: pulumi.Input<string>,
    region: string | undefined,
): { bucket: Bucket; versioning: BucketVersioning } {
    const opts = { parent: a.parent };
    const where = region ? { region } : {};
    const bucket = new Bucket(n, { ...where, forceDestroy: false, tags: { ...a.tags, Name: n } }, { ...opts, protect: a.protect });
    new BucketServerSideEncryptionConfiguration(
        n,
        {
            ...where,
            bucket: bucket.id,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
        },
        opts,
    );
    const versioning = new BucketVersioning(n, { ...where, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    const publicAccess = new BucketPublicAccessBlock(
        n,
        { ...where, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    // Lifecycle rules on a versioned bucket need versioning in place first.
    new BucketLifecycleConfiguration(n, { ...where, bucket: bucket.id, rules: lifecycleRules(a.retention) }, { ...opts, dependsOn: [versioning] });
    new BucketPolicy(
        n,
        { ...where, bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransportPolicy(arn))) },
        { ...opts, dependsOn: [publicAccess] },
    );
    return { bucket, versioning };
}
