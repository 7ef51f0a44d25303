/** The prod stacks' cross-region copies, as the program registers them under mocks. */
import * as assert from "assert";
import { REPLICATION_TIME_MINUTES } from "../../components/aws/objectStore";
import type { RecordedResource } from "../../preview/harness";
import { sharedRun } from "../support/stacks";

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

describe("cross-region copies of the backup store (prod stacks)", function () {
    this.timeout(120_000);

    it("aws-prod: a bucket and a rotating KMS key in eu-central-1, replication with RTC from the primary, same hardening on the copy", async () => {
        const run = await sharedRun({ stack: "aws-prod" });
        const buckets = ofType(run.resources, "aws:s3/bucket:Bucket");
        assert.deepStrictEqual(buckets.map((b) => b.inputs.region ?? "(provider region)").sort(), ["(provider region)", "eu-central-1"]);
        assert.ok(
            buckets.every((b) => b.opts.protect),
            "both buckets protected",
        );
        const drKey = ofType(run.resources, "aws:kms/key:Key").find((k) => k.inputs.region === "eu-central-1");
        assert.ok(drKey, "a KMS key in the DR region");
        assert.strictEqual(drKey.inputs.enableKeyRotation, true);
        for (const type of [
            "bucketVersioning:BucketVersioning",
            "bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "bucketPublicAccessBlock:BucketPublicAccessBlock",
            "bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "bucketPolicy:BucketPolicy",
        ]) {
            assert.deepStrictEqual(
                ofType(run.resources, `aws:s3/${type}`)
                    .map((r) => r.inputs.region ?? "-")
                    .sort(),
                ["-", "eu-central-1"],
                type,
            );
        }
        const [replication] = ofType(run.resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        const primary = buckets.find((b) => b.inputs.region === undefined)!;
        const copy = buckets.find((b) => b.inputs.region === "eu-central-1")!;
        assert.ok(String(replication.inputs.bucket).startsWith(`${primary.name}-`), `replicates ${replication.inputs.bucket}, the primary is ${primary.name}`);
        const rule = (replication.inputs.rules as Record<string, any>[])[0];
        assert.strictEqual(rule.status, "Enabled");
        assert.match(rule.destination.bucket, new RegExp(`^arn:aws:s3:::${copy.name}`));
        assert.match(rule.destination.encryptionConfiguration.replicaKmsKeyId, /^arn:aws:kms:eu-central-1:/);
        assert.strictEqual(rule.destination.replicationTime.time.minutes, REPLICATION_TIME_MINUTES);
        assert.ok(REPLICATION_TIME_MINUTES <= 60, "inside the 1 h RPO");
    });

    it("gcp-prod: a dual-region EU bucket (europe-west4 + europe-west1) with turbo replication and a key in the europe KMS location", async () => {
        const run = await sharedRun({ stack: "gcp-prod" });
        const [bucket] = ofType(run.resources, "gcp:storage/bucket:Bucket");
        assert.strictEqual(bucket.inputs.location, "EU");
        assert.deepStrictEqual((bucket.inputs.customPlacementConfig as { dataLocations: string[] }).dataLocations, ["EUROPE-WEST4", "EUROPE-WEST1"]);
        assert.strictEqual(bucket.inputs.rpo, "ASYNC_TURBO");
        assert.ok(ofType(run.resources, "gcp:kms/keyRing:KeyRing").some((k) => k.inputs.location === "europe"));
        assert.strictEqual((bucket.inputs.versioning as { enabled: boolean }).enabled, true);
    });

    it("azure-prod: read-access geo-zone-redundant storage (copy in the paired region)", async () => {
        const run = await sharedRun({ stack: "azure-prod" });
        const [account] = ofType(run.resources, "azure-native:storage:StorageAccount");
        assert.strictEqual((account.inputs.sku as { name: string }).name, "Standard_RAGZRS");
    });

    it("aws-dev: no copy unless drRegion is set", async () => {
        const run = await sharedRun({ stack: "aws-dev" });
        assert.strictEqual(ofType(run.resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length, 0);
    });
});
