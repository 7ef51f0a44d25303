/** C6: StorageClasses provision encrypted volumes. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, obj, show } from "../lib/util";

export const secretsStorageclassEnforceEncryption = resourceRule<{ requireCustomerKey: boolean }>({
    name: "secrets-storageclass-enforce-encryption",
    description:
        "Requires StorageClasses of the AWS EBS, GCE PD and Azure Disk CSI drivers to provision encrypted volumes with a customer-managed key, and of the DigitalOcean block-storage driver to provision LUKS volumes with a key from a named Secret.",
    types: ["kubernetes:storage.k8s.io/v1:StorageClass"],
    config: {
        requireCustomerKey: {
            type: "boolean",
            default: true,
            description:
                "Also require the customer-managed key parameter (kmsKeyId, disk-encryption-kms-key, diskEncryptionSetID; on DigitalOcean the LUKS key's node-stage Secret).",
        },
    },
    check: (r, cfg, report) => {
        const prov = r.props.provisioner;
        const params = obj(r.props.parameters) ?? {};
        const need = (ok: boolean, found: string, required: string, fix: string): void => {
            if (!ok) {
                report(msg(`${label(r)} provisions unencrypted volumes`, found, required, fix));
            }
        };
        if (prov === "ebs.csi.aws.com" || prov === "kubernetes.io/aws-ebs") {
            need(
                String(params.encrypted) === "true",
                `parameters.encrypted ${show(params.encrypted)}`,
                'parameters.encrypted "true"',
                'set parameters.encrypted: "true" and kmsKeyId',
            );
            if (String(params.encrypted) === "true" && cfg.requireCustomerKey) {
                need(
                    typeof params.kmsKeyId === "string",
                    "parameters.kmsKeyId not set (AWS-managed key)",
                    "parameters.kmsKeyId",
                    "set parameters.kmsKeyId to the cluster's KMS key ARN",
                );
            }
        } else if (prov === "pd.csi.storage.gke.io" && cfg.requireCustomerKey) {
            need(
                typeof params["disk-encryption-kms-key"] === "string",
                "parameters.disk-encryption-kms-key not set",
                "parameters.disk-encryption-kms-key",
                "set parameters.disk-encryption-kms-key to a Cloud KMS key",
            );
        } else if (prov === "dobs.csi.digitalocean.com") {
            // DigitalOcean block storage: the CSI driver encrypts on the node with LUKS, the key read from a Secret.
            const luks = params["dobs.csi.digitalocean.com/luks-encrypted"];
            need(
                String(luks) === "true",
                `parameters["dobs.csi.digitalocean.com/luks-encrypted"] ${show(luks)}`,
                'LUKS encryption on ("true")',
                'set parameters dobs.csi.digitalocean.com/luks-encrypted: "true" with a node-stage Secret holding luksKey',
            );
            if (String(luks) === "true" && cfg.requireCustomerKey) {
                const ns = params["csi.storage.k8s.io/node-stage-secret-namespace"];
                const name = params["csi.storage.k8s.io/node-stage-secret-name"];
                need(
                    typeof ns === "string" && typeof name === "string",
                    `node-stage Secret ${show(ns)}/${show(name)}`,
                    "csi.storage.k8s.io/node-stage-secret-namespace and -name naming the Secret with the LUKS key",
                    "set both parameters to the Secret that holds luksKey",
                );
            }
        } else if (prov === "disk.csi.azure.com" && cfg.requireCustomerKey) {
            need(
                typeof (params.diskEncryptionSetID ?? params.diskencryptionsetid) === "string",
                "parameters.diskEncryptionSetID not set",
                "parameters.diskEncryptionSetID",
                "set parameters.diskEncryptionSetID",
            );
        }
        void at;
    },
});
