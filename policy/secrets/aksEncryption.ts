/** C3: AKS encrypts Secrets with Key Vault KMS. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

export const secretsAksclusterEnforceKeyvaultKms = resourceRule<Record<string, never>>({
    name: "secrets-akscluster-enforce-keyvault-kms",
    description: "Requires AKS clusters to encrypt Kubernetes Secrets with an Azure Key Vault KMS key (and the vault's resource id when the vault is private).",
    types: ["azure-native:containerservice:ManagedCluster"],
    check: (r, _cfg, report) => {
        const kms = at(r.props, "securityProfile.azureKeyVaultKms") as Record<string, unknown> | undefined;
        if (kms?.enabled !== true) {
            report(
                msg(
                    `${label(r)} stores Secrets without Key Vault KMS`,
                    `securityProfile.azureKeyVaultKms.enabled ${show(kms?.enabled)}`,
                    "true with a keyId",
                    'set securityProfile.azureKeyVaultKms: {enabled: true, keyId: <key version URL>, keyVaultNetworkAccess: "Private", keyVaultResourceId: <vault id>}',
                ),
            );
            return;
        }
        if (typeof kms.keyId !== "string" || kms.keyId === "") {
            report(
                msg(
                    `${label(r)} has no Key Vault key for Secrets encryption`,
                    "securityProfile.azureKeyVaultKms.keyId not set",
                    "a Key Vault key identifier",
                    "set securityProfile.azureKeyVaultKms.keyId",
                ),
            );
        }
        if (kms.keyVaultNetworkAccess === "Private" && (typeof kms.keyVaultResourceId !== "string" || kms.keyVaultResourceId === "")) {
            report(
                msg(
                    `${label(r)} uses a private Key Vault without its resource id`,
                    "keyVaultResourceId not set",
                    "keyVaultResourceId when keyVaultNetworkAccess is Private",
                    "set securityProfile.azureKeyVaultKms.keyVaultResourceId",
                ),
            );
        }
    },
});
