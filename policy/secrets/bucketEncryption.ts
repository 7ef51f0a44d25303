/** C5 (object stores): buckets and storage accounts are encrypted with a customer-managed key. */
import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/rule";
import { arr, at, label, msg, peek, show, UNKNOWN } from "../lib/util";

export const secretsBucketEnforceEncryption = stackRule<Record<string, never>>({
    name: "secrets-bucket-enforce-encryption",
    description:
        "Requires object stores to be encrypted with a customer-managed key: S3 buckets with an aws:kms server-side encryption configuration, GCS buckets with a default KMS key, Azure storage accounts with Key Vault keys and HTTPS only; DigitalOcean Spaces buckets, which offer no such key, are always reported (advisory on DOKS stacks).",
    check: (resources, _cfg, report) => {
        // Index the SSE configurations by the bucket URN they depend on and by their bucket name.
        const sseFor = new Map<string, PolicyResource[]>();
        const add = (k: string, r: PolicyResource): void => void sseFor.set(k, [...(sseFor.get(k) ?? []), r]);
        for (const r of resources) {
            if (r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration") {
                for (const d of (r as unknown as { dependencies?: { urn: string }[] }).dependencies ?? []) {
                    add(d.urn, r);
                }
                const b = peek(() => r.props.bucket);
                if (typeof b === "string") {
                    add(`bucket:${b}`, r);
                }
            }
        }
        for (const r of resources) {
            if (r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2") {
                const own = peek(() => at(r.props, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm"));
                const ownName = peek(() => r.props.bucket);
                const mine = [
                    ...new Set([
                        ...(sseFor.get(r.urn) ?? []),
                        ...(typeof ownName === "string" ? (sseFor.get(`bucket:${ownName}`) ?? []) : []),
                        ...(sseFor.get(`bucket:${r.name}`) ?? []),
                    ]),
                ];
                const algos = mine.flatMap((s) =>
                    arr<Record<string, unknown>>(peek(() => s.props.rules) as unknown).map((x) => at(x, "applyServerSideEncryptionByDefault.sseAlgorithm")),
                );
                if (own !== "aws:kms" && own !== "aws:kms:dsse" && !algos.some((a) => a === "aws:kms" || a === "aws:kms:dsse")) {
                    report(
                        msg(
                            `${label(r)} is not encrypted with a KMS key`,
                            mine.length === 0 ? "no BucketServerSideEncryptionConfiguration (S3 default SSE-S3)" : `sseAlgorithm ${show(algos)}`,
                            "sseAlgorithm aws:kms with a customer-managed key",
                            'add an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault {sseAlgorithm: "aws:kms", kmsMasterKeyId}',
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "gcp:storage/bucket:Bucket") {
                const key = peek(() => at(r.props, "encryption.defaultKmsKeyName"));
                if (key === undefined) {
                    report(
                        msg(
                            `${label(r)} uses a Google-managed key`,
                            "encryption.defaultKmsKeyName not set",
                            "a Cloud KMS key",
                            "set encryption.defaultKmsKeyName",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "digitalocean:index/spacesBucket:SpacesBucket") {
                report(
                    msg(
                        `${label(r)} cannot be encrypted with a customer-managed key`,
                        "a Spaces bucket (no bucket encryption setting; only per-request SSE-C keys)",
                        "a bucket encrypted with a customer-managed key",
                        "none on DigitalOcean: run this rule as advisory for DOKS stacks (the cluster announces the gap), or keep sensitive data in a store with customer keys",
                    ),
                    r.urn,
                );
            } else if (r.type === "azure-native:storage:StorageAccount") {
                const src = peek(() => at(r.props, "encryption.keySource"));
                if (src !== "Microsoft.Keyvault" && src !== UNKNOWN) {
                    report(
                        msg(
                            `${label(r)} uses Microsoft-managed keys`,
                            `encryption.keySource ${show(src)}`,
                            "Microsoft.Keyvault with a keyVaultProperties key",
                            'set encryption: {keySource: "Microsoft.Keyvault", keyVaultProperties: {...}}',
                        ),
                        r.urn,
                    );
                }
                const https = peek(() => r.props.enableHttpsTrafficOnly);
                if (https === false) {
                    report(
                        msg(
                            `${label(r)} accepts plain HTTP`,
                            "enableHttpsTrafficOnly false",
                            "true (the default)",
                            "remove enableHttpsTrafficOnly or set it true",
                        ),
                        r.urn,
                    );
                }
            }
        }
    },
});
