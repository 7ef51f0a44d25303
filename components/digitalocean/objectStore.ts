/**
 * The cluster's object store on DigitalOcean: one private, versioned Spaces bucket for backups,
 * logs, traces and metrics, with lifecycle rules from the retention figures (the shared table in
 * components/retention.ts), protected and retained on delete; and one Spaces access key limited to
 * that bucket (readwrite), whose id and secret are Pulumi secrets. Spaces is S3-compatible, so the
 * platform sees an `s3Compatible` store with static credentials, like an existing cluster's MinIO.
 * `spacesLifecycleRules` is pure and tested.
 */
import { SpacesBucket } from "@pulumi/digitalocean/spacesBucket";
import { SpacesKey } from "@pulumi/digitalocean/spacesKey";
import * as pulumi from "@pulumi/pulumi";
import type { RetentionConfig } from "../types";
import type { ObjectStore } from "../contract";
import { NONCURRENT_VERSION_DAYS, retentionRules } from "../retention";

/** Days before an abandoned multipart upload is cleaned up (as on S3). */
export const ABORT_MULTIPART_DAYS = 7;

/** One lifecycle rule as `SpacesBucket.lifecycleRules` takes it (plain values). */
export interface SpacesLifecycleRule {
    id: string;
    enabled: true;
    prefix: string;
    expiration?: { days?: number; expiredObjectDeleteMarker?: boolean };
    noncurrentVersionExpiration?: { days: number };
    abortIncompleteMultipartUploadDays?: number;
}

/**
 * Lifecycle rules from the retention figures: one expiry per prefix of the shared table, plus a
 * bucket-wide rule that expires overwritten or deleted versions after `NONCURRENT_VERSION_DAYS`,
 * removes expired delete markers and aborts stale multipart uploads.
 */
export function spacesLifecycleRules(r: RetentionConfig): SpacesLifecycleRule[] {
    return [
        ...retentionRules(r).map((rule): SpacesLifecycleRule => ({
            id: `expire-${rule.prefix.replace(/\/$/, "")}`,
            enabled: true,
            prefix: rule.prefix,
            expiration: { days: rule.days },
        })),
        {
            id: "noncurrent-versions-and-uploads",
            enabled: true,
            prefix: "",
            expiration: { expiredObjectDeleteMarker: true },
            noncurrentVersionExpiration: { days: NONCURRENT_VERSION_DAYS },
            abortIncompleteMultipartUploadDays: ABORT_MULTIPART_DAYS,
        },
    ];
}

/** The S3 endpoint of a Spaces region (HTTPS). */
export function spacesEndpoint(region: string): string {
    return `https://${region}.digitaloceanspaces.com`;
}

/** Arguments of `createSpacesStore`. */
export interface SpacesStoreArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    /** Spaces region, e.g. `fra1`. */
    region: string;
    retention: RetentionConfig;
    /** Protect the bucket from `pulumi destroy` and retain it on delete. */
    protect: boolean;
    parent: pulumi.Resource;
}

/** What `createSpacesStore` built. */
export interface SpacesStore {
    bucket: SpacesBucket;
    key: SpacesKey;
    store: ObjectStore;
}

/** Creates the bucket and its access key, and the `ObjectStore` the platform uses. */
export function createSpacesStore(a: SpacesStoreArgs): SpacesStore {
    const parent = { parent: a.parent };
    const bucket = new SpacesBucket(
        `${a.name}-backups`,
        {
            region: a.region,
            acl: "private",
            versioning: { enabled: true },
            lifecycleRules: spacesLifecycleRules(a.retention),
            forceDestroy: false,
        },
        { ...parent, protect: a.protect, retainOnDelete: a.protect },
    );
    // The SDK marks secretKey secret itself; the access key id is kept secret too.
    const key = new SpacesKey(
        `${a.name}-platform`,
        { name: `${a.name}-platform`, grants: [{ bucket: bucket.name, permission: "readwrite" }] },
        { ...parent, additionalSecretOutputs: ["accessKey"] },
    );
    const endpoint = spacesEndpoint(a.region);
    const store: ObjectStore = {
        kind: "s3Compatible",
        bucket: bucket.name,
        region: a.region,
        endpoint,
        staticCredentials: { accessKeyId: pulumi.secret(key.accessKey), secretAccessKey: pulumi.secret(key.secretKey) },
        url: (prefix: string) => pulumi.interpolate`s3://${bucket.name}/${prefix}`,
    };
    return { bucket, key, store };
}
