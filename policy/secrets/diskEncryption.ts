/** C5: node, boot and data disks are encrypted with a customer-managed key. */
import { need, NodeViewConfig, stackNodes } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { arr, at, bool, label, msg, peek, show, UNKNOWN } from "../lib/util";

type Config = NodeViewConfig;

export const secretsDiskEnforceEncryption = stackRule<Config>({
    name: "secrets-disk-enforce-encryption",
    description:
        "Requires node boot disks and data volumes to be encrypted with a customer-managed key (EBS encrypted, GKE boot disk KMS key, AKS host encryption or disk encryption set, Azure and GCE disks with a customer key).",
    check: (resources, cfg, report) => {
        for (const p of stackNodes(resources, cfg).pools) {
            const e = need(p.diskEncrypted, "disk encryption", p);
            if (!e.value) {
                report(
                    msg(
                        `${p.label}: node disks are not encrypted with a customer-managed key`,
                        e.from,
                        p.cloud === "aws"
                            ? "ebs.encrypted true (with kmsKeyId)"
                            : p.cloud === "gcp"
                              ? "nodeConfig.bootDiskKmsKey"
                              : p.cloud === "digitalocean"
                                ? "node disks encrypted with a customer-managed key, which DOKS does not offer"
                                : "enableEncryptionAtHost or the cluster's diskEncryptionSetID",
                        p.cloud === "aws"
                            ? 'use a launch template whose root blockDeviceMappings[].ebs sets encrypted: "true" and kmsKeyId'
                            : p.cloud === "gcp"
                              ? "set nodeConfig.bootDiskKmsKey to a Cloud KMS key"
                              : p.cloud === "digitalocean"
                                ? "none on DOKS: keep data on the LUKS-encrypted StorageClass, and run this rule as advisory for DOKS stacks (the cluster announces the gap)"
                                : "set enableEncryptionAtHost: true on the pool (or diskEncryptionSetID on the cluster)",
                    ),
                    p.urn,
                );
            }
        }
        const ebsDefault = resources.some((r) => r.type === "aws:ebs/encryptionByDefault:EncryptionByDefault" && peek(() => bool(r.props.enabled)) !== false);
        for (const r of resources) {
            if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
                const maps = peek(() => arr<Record<string, unknown>>(r.props.blockDeviceMappings));
                for (const m of maps === UNKNOWN ? [] : maps) {
                    const ebs = at(m, "ebs");
                    if (ebs && bool(at(ebs, "encrypted")) !== true && !ebsDefault) {
                        report(
                            msg(
                                `${label(r)}: volume ${show(at(m, "deviceName"))} is not encrypted`,
                                `ebs.encrypted ${show(at(ebs, "encrypted"))}`,
                                'encrypted "true"',
                                'set ebs.encrypted: "true" and kmsKeyId',
                            ),
                            r.urn,
                        );
                    }
                }
            } else if (r.type === "aws:ebs/volume:Volume") {
                const enc = peek(() => bool(r.props.encrypted));
                if (enc !== true && enc !== UNKNOWN && !ebsDefault) {
                    report(
                        msg(`${label(r)} is not encrypted`, `encrypted ${show(enc)}`, "encrypted true with kmsKeyId", "set encrypted: true and kmsKeyId"),
                        r.urn,
                    );
                }
            } else if (r.type === "gcp:compute/disk:Disk") {
                const key = peek(() => at(r.props, "diskEncryptionKey.kmsKeySelfLink"));
                if (key === undefined) {
                    report(
                        msg(
                            `${label(r)} uses a Google-managed key`,
                            "diskEncryptionKey.kmsKeySelfLink not set",
                            "a Cloud KMS key",
                            "set diskEncryptionKey.kmsKeySelfLink",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "azure-native:compute:Disk") {
                const t = peek(() => at(r.props, "encryption.type"));
                if (t !== "EncryptionAtRestWithCustomerKey" && t !== "EncryptionAtRestWithPlatformAndCustomerKeys" && t !== UNKNOWN) {
                    report(
                        msg(
                            `${label(r)} uses a platform-managed key`,
                            `encryption.type ${show(t)}`,
                            "EncryptionAtRestWithCustomerKey with a diskEncryptionSetId",
                            'set encryption: {type: "EncryptionAtRestWithCustomerKey", diskEncryptionSetId}',
                        ),
                        r.urn,
                    );
                }
            }
        }
    },
});
