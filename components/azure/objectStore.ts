/**
 * The AKS cluster's object store: a storage account (no public blob access, Entra ID by default,
 * TLS 1.2, infrastructure encryption, a customer-managed key through its own identity, reachable
 * only from the node subnet), zone-redundant or read-access geo-zone-redundant with a DR region;
 * versioning and soft delete; a `backups` container and a lifecycle policy from the retention
 * figures. The account and container are protected and kept if Pulumi ever deletes them.
 * Resources are children of the calling component.
 */
import type { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import type { Key, Vault } from "@pulumi/azure-native/keyvault";
import { BlobContainer, BlobServiceProperties, ManagementPolicy, StorageAccount } from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStore } from "../contract";
import type { RetentionConfig } from "../types";
import { blobLifecycleRules, uniqueName } from "./helpers";

/** Name of the blob container backups, logs and traces go to. */
export const BACKUP_CONTAINER = "backups";

/** Arguments of `createBlobStore`. */
export interface BlobStoreArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    subscriptionId: pulumi.Output<string>;
    /** With a DR region the account is RA-GZRS (copy to the pair), else ZRS. */
    drRegion?: string;
    /** The node subnet (the only network the account admits besides Azure services). */
    nodeSubnetId: pulumi.Input<string>;
    /** The account's identity and its customer-managed key. */
    identity: UserAssignedIdentity;
    vault: Vault;
    key: Key;
    retention: RetentionConfig;
    tags: Record<string, string>;
    /** Protect (and retain on delete) the account and container. */
    protect: boolean;
    /** What the account waits for (its identity's use of the key). */
    dependsOn: pulumi.Resource[];
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** What `createBlobStore` built. */
export interface BlobStore {
    account: StorageAccount;
    container: BlobContainer;
    /** The contract's view of the container. */
    store: ObjectStore;
}

/** Creates the account, its blob service settings, the container and the lifecycle policy. */
export function createBlobStore(a: BlobStoreArgs): BlobStore {
    const { name, resourceGroupName, location } = a;
    const stateful = { parent: a.parent, protect: a.protect, retainOnDelete: a.protect };
    const account = new StorageAccount(
        `${name}-backups`,
        {
            resourceGroupName,
            location,
            accountName: a.subscriptionId.apply((s) => uniqueName(name, `${s}/${location}`, { max: 24, alnum: true })),
            kind: "StorageV2",
            sku: { name: a.drRegion ? "Standard_RAGZRS" : "Standard_ZRS" },
            accessTier: "Hot",
            allowBlobPublicAccess: false,
            // Percona Backup for MongoDB (2.12) signs with the account key only: the one writer that
            // gets it (data/mongodb.ts); every other writer and the portal use Entra ID.
            allowSharedKeyAccess: true,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            publicNetworkAccess: "Enabled",
            networkRuleSet: {
                defaultAction: "Deny",
                bypass: "AzureServices",
                virtualNetworkRules: [{ virtualNetworkResourceId: a.nodeSubnetId, action: "Allow" }],
            },
            identity: { type: "UserAssigned", userAssignedIdentities: [a.identity.id] },
            encryption: {
                keySource: "Microsoft.Keyvault",
                requireInfrastructureEncryption: true,
                keyVaultProperties: { keyName: a.key.name, keyVaultUri: a.vault.properties.apply((p) => p.vaultUri ?? "") },
                encryptionIdentity: { encryptionUserAssignedIdentity: a.identity.id },
                services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
            },
            tags: a.tags,
        },
        { ...stateful, dependsOn: a.dependsOn },
    );
    new BlobServiceProperties(
        `${name}-blob-service`,
        {
            resourceGroupName,
            accountName: account.name,
            blobServicesName: "default",
            isVersioningEnabled: true,
            deleteRetentionPolicy: { enabled: true, days: 7 },
            containerDeleteRetentionPolicy: { enabled: true, days: 7 },
        },
        { parent: a.parent },
    );
    const container = new BlobContainer(
        `${name}-backups`,
        { resourceGroupName, accountName: account.name, containerName: BACKUP_CONTAINER, publicAccess: "None" },
        stateful,
    );
    new ManagementPolicy(
        `${name}-lifecycle`,
        { resourceGroupName, accountName: account.name, managementPolicyName: "default", policy: { rules: blobLifecycleRules(BACKUP_CONTAINER, a.retention) } },
        { parent: a.parent, dependsOn: [container] },
    );
    const blobEndpoint = account.primaryEndpoints.apply((e) => e.blob);
    const store: ObjectStore = {
        kind: "azureBlob",
        bucket: container.name,
        storageAccount: account.name,
        region: location,
        endpoint: blobEndpoint,
        url: (prefix: string) => pulumi.interpolate`${blobEndpoint}${container.name}/${prefix}`,
    };
    return { account, container, store };
}
