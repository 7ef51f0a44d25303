/**
 * Disaster recovery (REQUIREMENTS.md "cross-region disaster recovery", RPO 1 h): every backup
 * store has a copy in a second region. S3 buckets need an enabled replication configuration that
 * re-encrypts with a KMS key (the copy's bucket is covered by the same configuration); GCS buckets
 * a dual- or multi-region location; Azure storage accounts geo-redundant replication (GRS, GZRS,
 * RA-GRS, RA-GZRS) or an object-replication policy; DigitalOcean Spaces buckets, which cannot
 * replicate, are always reported (advisory on DOKS stacks).
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/rule";
import { arr, at, label, msg, peek, show, UNKNOWN } from "../lib/util";

const S3_BUCKETS = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
const S3_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const AZURE_OBJECT_REPLICATION = "azure-native:storage:ObjectReplicationPolicy";
/** Azure SKUs whose data is copied to the paired region. */
export const GEO_REDUNDANT_SKUS = ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"];
/** GCS predefined multi- and dual-region location codes (cloud.google.com/storage/docs/locations). */
export const GCS_MULTI_LOCATIONS = ["EU", "US", "ASIA", "EUR4", "EUR5", "EUR7", "EUR8", "NAM4", "ASIA1"];

function dependsOn(r: PolicyResource): string[] {
    return ((r as unknown as { dependencies?: { urn: string }[] }).dependencies ?? []).map((d) => d.urn);
}

/** Why an S3 replication configuration does not make a usable encrypted copy (undefined: it does). */
function replicationDefect(cfg: PolicyResource): string | undefined {
    const rules = arr<Record<string, unknown>>(peek(() => cfg.props.rules) as unknown);
    const enabled = rules.filter((r) => r.status === "Enabled");
    if (enabled.length === 0) {
        return `no enabled rule (rules[].status ${show(rules.map((r) => r.status))})`;
    }
    const encrypted = enabled.some(
        (r) =>
            at(r, "destination.encryptionConfiguration.replicaKmsKeyId") !== undefined &&
            at(r, "sourceSelectionCriteria.sseKmsEncryptedObjects.status") === "Enabled",
    );
    if (!encrypted) {
        return "no enabled rule replicates KMS-encrypted objects (sourceSelectionCriteria.sseKmsEncryptedObjects) into a destination KMS key (destination.encryptionConfiguration.replicaKmsKeyId)";
    }
    return undefined;
}

export const dataBackupEnforceCrossRegion = stackRule<Record<string, never>>({
    name: "data-backup-enforce-cross-region",
    description:
        "Requires every backup store to keep a copy in a second region: S3 buckets an enabled, KMS-encrypted replication configuration, GCS buckets a dual- or multi-region location, Azure storage accounts geo-redundant replication or an object-replication policy; DigitalOcean Spaces buckets, which cannot replicate, are always reported (advisory on DOKS stacks).",
    check: (resources, _cfg, report) => {
        const replications = resources.filter((r) => r.type === S3_REPLICATION);
        const objectReplication = resources.filter((r) => r.type === AZURE_OBJECT_REPLICATION);
        for (const r of resources) {
            if (S3_BUCKETS.has(r.type)) {
                const name = peek(() => r.props.bucket);
                const mine = replications.filter((c) => dependsOn(c).includes(r.urn) || (typeof name === "string" && peek(() => c.props.bucket) === name));
                if (mine.length === 0) {
                    report(
                        msg(
                            `${label(r)} has no cross-region copy`,
                            "no BucketReplicationConfig for it",
                            "S3 replication to a bucket in another region, encrypted with a KMS key there",
                            "set drRegion in the stack config (on by default in prod), or add an aws.s3.BucketReplicationConfig",
                        ),
                        r.urn,
                    );
                    continue;
                }
                const defects = mine.map(replicationDefect).filter((d): d is string => d !== undefined);
                if (defects.length === mine.length) {
                    report(
                        msg(
                            `${label(r)} has no usable cross-region copy`,
                            defects.join("; "),
                            "an enabled rule with sseKmsEncryptedObjects and a replicaKmsKeyId",
                            "enable the rule and set destination.encryptionConfiguration.replicaKmsKeyId",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "gcp:storage/bucket:Bucket") {
                const location = peek(() => r.props.location);
                const placement = arr(peek(() => at(r.props, "customPlacementConfig.dataLocations")) as unknown);
                if (location === UNKNOWN) {
                    continue;
                }
                const code = typeof location === "string" ? location.toUpperCase() : "";
                if (!GCS_MULTI_LOCATIONS.includes(code) && placement.length < 2) {
                    report(
                        msg(
                            `${label(r)} is in one region`,
                            `location ${show(location)}${placement.length ? `, customPlacementConfig.dataLocations ${show(placement)}` : ""}`,
                            "a dual-region (customPlacementConfig with two regions) or multi-region location",
                            "set drRegion in the stack config (on by default in prod)",
                        ),
                        r.urn,
                    );
                } else if (placement.length >= 2 && !GCS_MULTI_LOCATIONS.slice(0, 3).includes(code)) {
                    report(
                        msg(
                            `${label(r)} has a custom placement outside a multi-region`,
                            `location ${show(location)}`,
                            "EU, US or ASIA with customPlacementConfig.dataLocations",
                            "set location to the multi-region around both regions",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "azure-native:storage:StorageAccount") {
                const sku = peek(() => at(r.props, "sku.name"));
                if (sku === UNKNOWN) {
                    continue;
                }
                const replicated = objectReplication.some((p) => dependsOn(p).includes(r.urn));
                if (!GEO_REDUNDANT_SKUS.includes(String(sku)) && !replicated) {
                    report(
                        msg(
                            `${label(r)} keeps its data in one region`,
                            `sku.name ${show(sku)}`,
                            `one of ${GEO_REDUNDANT_SKUS.join(", ")}, or an object-replication policy`,
                            "set drRegion in the stack config to the paired region (on by default in prod)",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "digitalocean:index/spacesBucket:SpacesBucket") {
                report(
                    msg(
                        `${label(r)} has no cross-region copy`,
                        "a Spaces bucket (Spaces has no cross-region replication)",
                        "a copy in a second region",
                        "none built in on DigitalOcean: run this rule as advisory for DOKS stacks (docs/clouds.md) or copy the bucket with rclone to another region",
                    ),
                    r.urn,
                );
            }
        }
    },
});
