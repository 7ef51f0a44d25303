/** C1: EKS envelope-encrypts Secrets with a customer-managed KMS key. */
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, obj, show } from "../lib/util";

export const secretsEksclusterEnforceKmsEncryption = resourceRule<Record<string, never>>({
    name: "secrets-ekscluster-enforce-kms-encryption",
    description: "Requires EKS clusters to envelope-encrypt Kubernetes Secrets in etcd with a customer-managed KMS key.",
    types: ["aws:eks/cluster:Cluster"],
    check: (r, _cfg, report) => {
        const ec = r.props.encryptionConfig;
        // v7 takes one object; accept a one-element list too (older programs).
        const cfg = obj(ec) ?? obj(arr(ec)[0]);
        if (!cfg) {
            report(
                msg(
                    `${label(r)} stores Secrets without envelope encryption`,
                    "encryptionConfig not set",
                    'encryptionConfig with resources ["secrets"] and provider.keyArn',
                    'create an aws.kms.Key (rotation on) and set encryptionConfig: {resources: ["secrets"], provider: {keyArn: key.arn}}',
                ),
            );
            return;
        }
        const resources = arr<string>(cfg.resources);
        if (!resources.includes("secrets")) {
            report(
                msg(
                    `${label(r)} does not encrypt Secrets`,
                    `encryptionConfig.resources ${show(resources)}`,
                    'resources including "secrets"',
                    'set encryptionConfig.resources: ["secrets"]',
                ),
            );
        }
        const key = at(cfg, "provider.keyArn");
        if (typeof key !== "string" || key === "") {
            report(
                msg(
                    `${label(r)} has no KMS key for Secrets encryption`,
                    "encryptionConfig.provider.keyArn not set",
                    "a customer-managed KMS key ARN",
                    "set encryptionConfig.provider.keyArn to your KMS key's arn",
                ),
            );
        }
    },
});
