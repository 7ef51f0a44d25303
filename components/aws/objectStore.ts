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
import { BucketServerSideEncryptionConfiguration } from "@pulumi/aws/s3/bucketServerSideEncryptionConfiguration";
import { BucketVersioning } from "@pulumi/aws/s3/bucketVersioning";
import * as pulumi from "@pulumi/pulumi";
import type { RetentionConfig } from "../../config/types";
import type { ObjectStore } from "../contract";
import { NONCURRENT_VERSION_DAYS, OBJECT_STORE_PREFIXES, retentionRules } from "../retention";
import { denyInsecureTransportPolicy } from "./iamPolicies";

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
        ...retentionRules(r).map(
            (rule): LifecycleRule => ({ id: `expire-${rule.prefix.replace(/\/$/, "")}`, status: "Enabled", filter: { prefix: rule.prefix }, expiration: { days: rule.days } }),
        ),
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
}

/** What `createObjectStore` built. */
export interface BuiltObjectStore {
    bucket: Bucket;
    store: ObjectStore;
}

/** Creates the bucket and its configuration resources. */
export function createObjectStore(a: ObjectStoreArgs): BuiltObjectStore {
    const n = `${a.name}-store`;
    const opts = { parent: a.parent };
    const bucket = new Bucket(n, { forceDestroy: false, tags: { ...a.tags, Name: n } }, { ...opts, protect: a.protect });
    new BucketServerSideEncryptionConfiguration(
        n,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: a.kmsKeyArn }, bucketKeyEnabled: true }] },
        opts,
    );
    const versioning = new BucketVersioning(n, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    const publicAccess = new BucketPublicAccessBlock(
        n,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    // Lifecycle rules on a versioned bucket need versioning in place first.
    new BucketLifecycleConfiguration(n, { bucket: bucket.id, rules: lifecycleRules(a.retention) }, { ...opts, dependsOn: [versioning] });
    new BucketPolicy(n, { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(denyInsecureTransportPolicy(arn))) }, { ...opts, dependsOn: [publicAccess] });

    const name = bucket.bucket;
    const store: ObjectStore = {
        kind: "s3",
        bucket: name,
        region: a.region,
        url: (prefix: string) => pulumi.interpolate`s3://${name}/${prefix.replace(/^\/+/, "")}`,
    };
    return { bucket, store };
}
