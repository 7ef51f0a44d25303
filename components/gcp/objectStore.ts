/**
 * The GKE cluster's object store: a CMEK-encrypted, versioned, uniform-access, public-access-
 * prevented GCS bucket with soft delete and lifecycle rules from the retention figures; regional,
 * or a configurable dual-region with turbo replication when the stack names a DR region. The
 * bucket is protected and kept if Pulumi ever deletes it. Resources are children of the calling
 * component.
 */
import type { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { Bucket } from "@pulumi/gcp/storage/bucket";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStore } from "../contract";
import { NONCURRENT_VERSION_DAYS, retentionRules } from "../retention";
import type { RetentionConfig } from "../types";
import { gcsMultiRegion } from "./helpers";

/** Arguments of `createGcsStore`. */
export interface GcsStoreArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    region: string;
    /** Second region of a dual-region bucket; absent: regional. */
    drRegion?: string;
    /** The bucket's Cloud KMS key. */
    key: CryptoKey;
    retention: RetentionConfig;
    labels: Record<string, string>;
    /** Protect (and retain on delete) the bucket. */
    protect: boolean;
    /** What the bucket waits for (the storage agent's use of the key). */
    dependsOn: pulumi.Resource[];
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** Creates the bucket; returns it and the contract's `ObjectStore` view of it. */
export function createGcsStore(a: GcsStoreArgs): { bucket: Bucket; store: ObjectStore } {
    const multiRegion = a.drRegion ? gcsMultiRegion(a.region) : undefined;
    const bucket = new Bucket(
        `${a.name}-backups`,
        {
            project: a.project,
            location: multiRegion ?? a.region.toUpperCase(),
            ...(multiRegion && a.drRegion
                ? { customPlacementConfig: { dataLocations: [a.region.toUpperCase(), a.drRegion.toUpperCase()] }, rpo: "ASYNC_TURBO" }
                : {}),
            storageClass: "STANDARD",
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            versioning: { enabled: true },
            encryption: { defaultKmsKeyName: a.key.id },
            forceDestroy: false,
            softDeletePolicy: { retentionDurationSeconds: NONCURRENT_VERSION_DAYS * 86400 },
            lifecycleRules: [
                ...retentionRules(a.retention).map((r) => ({
                    action: { type: "Delete" },
                    condition: { age: r.days, matchesPrefixes: [r.prefix], withState: "LIVE" },
                })),
                { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: NONCURRENT_VERSION_DAYS, withState: "ARCHIVED" } },
                { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
            ],
            labels: a.labels,
        },
        { parent: a.parent, protect: a.protect, retainOnDelete: a.protect, dependsOn: a.dependsOn },
    );
    const bucketName = bucket.name;
    const store: ObjectStore = {
        kind: "gcs",
        bucket: bucketName,
        region: a.region,
        url: (prefix: string) => pulumi.interpolate`gs://${bucketName}/${prefix}`,
    };
    return { bucket, store };
}
