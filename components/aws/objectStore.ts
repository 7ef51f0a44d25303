/**
 * The cluster's object store: one S3 bucket for backups, logs, traces and metrics, encrypted with
 * the cluster's KMS key (bucket key on), versioned, public access blocked, TLS-only, with lifecycle
 * rules from the retention figures, and protected. `lifecycleRules` is pure and tested. The
 * prefixes match the GCS and Azure stores' (components/gcp/retention.ts), so the platform writes to
 * the same places on every cloud.
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
import { denyInsecureTransportPolicy } from "./iamPolicies";

/**
 * Key prefixes of the object store and what lands under each. Components writing to the store use
 * `objectStore.url(OBJECT_STORE_PREFIXES.backups + "postgres")` and so on, so the lifecycle rules
 * apply to them.
 */
export const OBJECT_STORE_PREFIXES = {
    /** Database backups (daily), kept `backupDays`. */
    backups: "backups/",
    /** Configuration backups (weekly), kept `configBackupWeeks` weeks. */
    config: "config/",
    /** Log chunks (Loki), kept `logsDays`. */
    logs: "logs/",
    /** Traces (Tempo), kept `tracesDays`. */
    traces: "traces/",
    /** Metric blocks (long-term Prometheus storage), kept `metricsDays`. */
    metrics: "metrics/",
    /** Agent conversation history exports, kept `conversationDays`. */
    conversations: "conversations/",
} as const;

/** Days a replaced or deleted object version stays recoverable. */
export const NONCURRENT_VERSION_DAYS = 30;
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

/** Lifecycle rules from the retention figures: one expiry per prefix, plus version and upload hygiene. */
export function lifecycleRules(r: RetentionConfig): LifecycleRule[] {
    const expire = (id: string, prefix: string, days: number): LifecycleRule => ({ id, status: "Enabled", filter: { prefix }, expiration: { days } });
    return [
        expire("expire-backups", OBJECT_STORE_PREFIXES.backups, r.backupDays),
        expire("expire-config-backups", OBJECT_STORE_PREFIXES.config, r.configBackupWeeks * 7),
        expire("expire-logs", OBJECT_STORE_PREFIXES.logs, r.logsDays),
        expire("expire-traces", OBJECT_STORE_PREFIXES.traces, r.tracesDays),
        expire("expire-metrics", OBJECT_STORE_PREFIXES.metrics, r.metricsDays),
        expire("expire-conversations", OBJECT_STORE_PREFIXES.conversations, r.conversationDays),
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
