import * as assert from "assert";
import { replicationRule } from "../../components/aws/objectStore";
import { check, mutate, none, one, Res } from "./helpers";

const RULE = "data-backup-enforce-cross-region";
const BUCKET = "aws:s3/bucket:Bucket";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

/** A primary bucket, its copy in another region and the replication configuration the program writes. */
function s3(): Res[] {
    return [
        { type: BUCKET, name: "store", props: { bucket: "store-1" } },
        { type: BUCKET, name: "store-dr", props: { bucket: "store-dr-1", region: "eu-central-1" } },
        {
            type: REPLICATION,
            name: "store-dr-replication",
            props: {
                bucket: "store-1",
                role: "arn:aws:iam::111122223333:role/r",
                rules: [replicationRule("arn:aws:s3:::store-dr-1", "arn:aws:kms:eu-central-1:111122223333:key/k")],
            },
            dependsOn: ["store", "store-dr"],
        },
    ];
}

describe(`policy ${RULE}`, () => {
    it("accepts an S3 bucket replicated into a KMS-encrypted bucket (both buckets covered)", async () => {
        none(await check(RULE, s3()));
    });
    it("rejects an S3 bucket without a replication configuration", async () => {
        one(await check(RULE, [{ type: BUCKET, name: "store", props: { bucket: "store-1" } }]), "has no cross-region copy", "drRegion");
    });
    it("rejects a replication configuration whose rule is disabled", async () => {
        const v = await check(
            RULE,
            mutate(s3(), (r) => ((r[2].props.rules as Record<string, unknown>[])[0].status = "Disabled")),
        );
        assert.strictEqual(v.length, 2, "both buckets lose their copy");
        assert.ok(v.every((x) => x.message.includes("no enabled rule")));
    });
    it("rejects a replication that does not re-encrypt KMS objects with a destination key", async () => {
        const v = await check(
            RULE,
            mutate(
                s3(),
                (r) =>
                    delete ((r[2].props.rules as Record<string, Record<string, unknown>>[])[0].destination as Record<string, unknown>).encryptionConfiguration,
            ),
        );
        assert.strictEqual(v.length, 2);
        assert.ok(v.every((x) => x.message.includes("replicaKmsKeyId")));
    });
    it("accepts a GCS dual-region bucket and a multi-region bucket", async () => {
        none(
            await check(RULE, [
                {
                    type: "gcp:storage/bucket:Bucket",
                    name: "b",
                    props: { location: "EU", customPlacementConfig: { dataLocations: ["EUROPE-WEST4", "EUROPE-WEST1"] } },
                },
            ]),
        );
        none(await check(RULE, [{ type: "gcp:storage/bucket:Bucket", name: "b", props: { location: "EUR4" } }]));
    });
    it("rejects a regional GCS bucket", async () => {
        one(await check(RULE, [{ type: "gcp:storage/bucket:Bucket", name: "b", props: { location: "EUROPE-WEST4" } }]), "is in one region", "EUROPE-WEST4");
    });
    it("rejects a custom placement whose location is not the multi-region around it", async () => {
        one(
            await check(RULE, [
                {
                    type: "gcp:storage/bucket:Bucket",
                    name: "b",
                    props: { location: "EUROPE-WEST4", customPlacementConfig: { dataLocations: ["EUROPE-WEST4", "EUROPE-WEST1"] } },
                },
            ]),
            "custom placement outside a multi-region",
        );
    });
    it("accepts a geo-zone-redundant Azure account, and a zone-redundant one with object replication", async () => {
        none(await check(RULE, [{ type: "azure-native:storage:StorageAccount", name: "a", props: { sku: { name: "Standard_RAGZRS" } } }]));
        none(
            await check(RULE, [
                { type: "azure-native:storage:StorageAccount", name: "a", props: { sku: { name: "Standard_ZRS" } } },
                { type: "azure-native:storage:ObjectReplicationPolicy", name: "or", props: {}, dependsOn: ["a"] },
            ]),
        );
    });
    it("rejects a zone-redundant Azure account without a copy", async () => {
        one(
            await check(RULE, [{ type: "azure-native:storage:StorageAccount", name: "a", props: { sku: { name: "Standard_ZRS" } } }]),
            "keeps its data in one region",
            "Standard_ZRS",
        );
    });
    it("always reports a DigitalOcean Spaces bucket", async () => {
        one(
            await check(RULE, [{ type: "digitalocean:index/spacesBucket:SpacesBucket", name: "s", props: { region: "fra1" } }]),
            "Spaces has no cross-region replication",
        );
    });
});
