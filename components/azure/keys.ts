/**
 * The AKS cluster's keys: a Key Vault (RBAC authorisation, purge protection, soft delete) with three
 * rotated keys, each reachable only by the identity that uses it: etcd encryption through Key Vault
 * KMS (the cluster identity), a disk encryption set for OS and data disks (its own identity; the
 * cluster identity may read it), the storage account's customer-managed key (the storage identity).
 * The vault and keys are protected and kept if Pulumi ever deletes them. Resources are children of
 * the calling component.
 */
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { DiskEncryptionSet } from "@pulumi/azure-native/compute";
import { Key, Vault } from "@pulumi/azure-native/keyvault";
import type * as pulumi from "@pulumi/pulumi";
import { roleDefinitionId, ROLES, uniqueName } from "./helpers";

/** Creates a role assignment of a built-in role (`ROLES`) to a service principal on `scope`. */
export function assignRole(
    a: { name: string; subscriptionId: pulumi.Output<string>; parent: pulumi.Resource },
    id: string,
    principalId: pulumi.Input<string>,
    roleGuid: string,
    scope: pulumi.Input<string>,
): RoleAssignment {
    return new RoleAssignment(
        `${a.name}-${id}`,
        { principalId, principalType: "ServicePrincipal", roleDefinitionId: a.subscriptionId.apply((s) => roleDefinitionId(s, roleGuid)), scope },
        { parent: a.parent },
    );
}

/** Arguments of `createAksKeys`. */
export interface AksKeysArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    subscriptionId: pulumi.Output<string>;
    tenantId: pulumi.Output<string>;
    /** The cluster's control-plane identity (uses the KMS key, reads the disk encryption set). */
    clusterPrincipalId: pulumi.Input<string>;
    /** The storage account's identity (uses the storage key). */
    storagePrincipalId: pulumi.Input<string>;
    tags: Record<string, string>;
    /** Protect (and retain on delete) the vault and keys. */
    protect: boolean;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** What `createAksKeys` built. */
export interface AksKeys {
    vault: Vault;
    /** Encrypts Kubernetes Secrets in etcd (Key Vault KMS). */
    kmsKey: Key;
    /** Encrypts the storage account (customer-managed key). */
    storageKey: Key;
    /** Encrypts OS and data disks. */
    des: DiskEncryptionSet;
    /** The cluster identity's use of the vault and read of the disk encryption set (the cluster waits for them). */
    clusterAccess: RoleAssignment[];
    /** The storage identity's use of the vault (the storage account waits for it). */
    storageKeyAccess: RoleAssignment;
}

/**
 * The protections both of the cluster's vaults share: RBAC authorisation (no access policies), purge
 * protection and 90-day soft delete; the public endpoint stays reachable for the Azure services that
 * use the keys (AzureServices bypass). `sku`: premium for HSM keys, standard for secrets.
 */
function hardenedVaultProperties(tenantId: pulumi.Input<string>, sku: "premium" | "standard") {
    return {
        tenantId,
        sku: { family: "A" as const, name: sku },
        enableRbacAuthorization: true,
        enablePurgeProtection: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        publicNetworkAccess: "Enabled",
        networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
    };
}

/** Creates the vault, the three keys, the disk encryption set and every identity's access. */
export function createAksKeys(a: AksKeysArgs): AksKeys {
    const { name, resourceGroupName, location, tags } = a;
    const stateful = { parent: a.parent, protect: a.protect, retainOnDelete: a.protect };
    const vault = new Vault(
        `${name}-kv`,
        {
            resourceGroupName,
            location,
            vaultName: a.subscriptionId.apply((s) => uniqueName(name, `${s}/${location}`, { max: 24 })),
            properties: hardenedVaultProperties(a.tenantId, "premium"),
            tags,
        },
        stateful,
    );
    const key = (purpose: string): Key =>
        new Key(
            `${name}-${purpose}`,
            {
                resourceGroupName,
                vaultName: vault.name,
                properties: {
                    kty: "RSA-HSM",
                    keySize: purpose === "kms" ? 2048 : 3072,
                    keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
                    attributes: { enabled: true },
                    rotationPolicy: {
                        attributes: { expiryTime: "P2Y" },
                        lifetimeActions: [
                            { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
                            { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
                        ],
                    },
                },
                tags,
            },
            stateful,
        );
    const kmsKey = key("kms");
    const diskKey = key("disk");
    const storageKey = key("storage");
    const kmsAccess = assignRole(a, "kms-crypto-user", a.clusterPrincipalId, ROLES.keyVaultCryptoUser, vault.id);
    const storageKeyAccess = assignRole(a, "storage-key-user", a.storagePrincipalId, ROLES.keyVaultCryptoServiceEncryptionUser, vault.id);

    const des = new DiskEncryptionSet(
        `${name}-des`,
        {
            resourceGroupName,
            location,
            encryptionType: "EncryptionAtRestWithCustomerKey",
            identity: { type: "SystemAssigned" },
            activeKey: { keyUrl: diskKey.keyUri, sourceVault: { id: vault.id } },
            rotationToLatestKeyVersionEnabled: true,
            tags,
        },
        { parent: a.parent },
    );
    const desPrincipal = des.identity.apply((i) => i?.principalId ?? "");
    const desKeyAccess = assignRole(a, "des-key-user", desPrincipal, ROLES.keyVaultCryptoServiceEncryptionUser, vault.id);
    const desRead = assignRole(a, "des-cluster-reader", a.clusterPrincipalId, ROLES.reader, des.id);
    return { vault, kmsKey, storageKey, des, clusterAccess: [kmsAccess, desKeyAccess, desRead], storageKeyAccess };
}

/**
 * The vault for the cluster's application secrets (External Secrets reads it): RBAC authorisation,
 * purge protection, 90-day soft delete, standard SKU (secrets need no HSM). Kept apart from the key
 * vault above so that a reader of secrets (Key Vault Secrets User on this vault) and whoever writes
 * them (Key Vault Secrets Officer) get no role on the vault holding the etcd, storage and disk keys,
 * and the secrets' traffic does not share that vault's request limits (docs/platform.md).
 */
export function createSecretsVault(a: Omit<AksKeysArgs, "clusterPrincipalId" | "storagePrincipalId">): Vault {
    const { name, location } = a;
    return new Vault(
        `${name}-secrets-kv`,
        {
            resourceGroupName: a.resourceGroupName,
            location,
            vaultName: a.subscriptionId.apply((s) => uniqueName(`${name}-sec`, `${s}/${location}/secrets`, { max: 24 })),
            properties: hardenedVaultProperties(a.tenantId, "standard"),
            tags: a.tags,
        },
        { parent: a.parent, protect: a.protect, retainOnDelete: a.protect },
    );
}
