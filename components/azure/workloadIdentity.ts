/**
 * Azure Workload Identity: one user-assigned managed identity per bound Kubernetes ServiceAccount,
 * a federated identity credential that trusts the cluster's OIDC issuer for exactly that
 * `system:serviceaccount:<namespace>:<name>` subject, and (when asked) Storage Blob Data
 * Contributor on the backup container. The KSA carries `azure.workload.identity/client-id`; its
 * pods carry the label `azure.workload.identity/use: "true"` so the webhook injects the token.
 * The binding's shape is components/workloadIdentity.ts. For a tool that cannot use Workload
 * Identity (Percona Backup for MongoDB 2.12 signs with the shared key only), a binding may also ask
 * for the storage account's key (`objectStoreKey`): read with `listStorageAccountKeys` on every
 * deployment, so a key regenerated in Azure reaches the cluster on the next `pulumi up`.
 * A binding with `secretManagerAccess: "read"` gets Key Vault Secrets User on the cluster's secrets
 * vault (keys.ts `createSecretsVault`): Azure RBAC scopes to a vault or one secret, not a name prefix.
 */
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { listStorageAccountKeysOutput } from "@pulumi/azure-native/storage";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStoreKey } from "../contract";
import { BindingRequest, CloudIdentityBinder } from "../workloadIdentity";
import { ROLES, roleDefinitionId } from "./helpers";

/** ServiceAccount annotation naming the managed identity's client ID. */
export const AZURE_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
/** ServiceAccount annotation naming the tenant. */
export const AZURE_TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";
/** Pod label the workload-identity webhook selects on. */
export const AZURE_USE_LABEL = "azure.workload.identity/use";
/** The storage account key handed out on request (`key2` stays free for rotation: docs/data.md). */
export const SHARED_KEY_NAME = "key1";
/** Audience of the projected token Entra ID exchanges. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** What the binder needs from the cluster. */
export interface AksBinderArgs {
    resourceGroupName: pulumi.Output<string>;
    location: string;
    subscriptionId: pulumi.Output<string>;
    tenantId: pulumi.Output<string>;
    /** The cluster's OIDC issuer URL. */
    issuerUrl: pulumi.Output<string>;
    /** Resource ID of the backup container (scope of blob access), or undefined when there is none. */
    containerId?: pulumi.Output<string>;
    /** Name of the storage account that holds the container (its key is handed out on request). */
    storageAccountName?: pulumi.Output<string>;
    /** Resource ID of the secrets vault (scope of `secretManagerAccess: "read"`). */
    secretsVaultId: pulumi.Output<string>;
    tags: Record<string, string>;
    /** Default parent of the created resources (the cluster component). */
    parent: pulumi.Resource;
}

/** Binds Kubernetes ServiceAccounts to managed identities through Azure Workload Identity. */
export class AksWorkloadIdentityBinder extends CloudIdentityBinder<UserAssignedIdentity> {
    constructor(private readonly args: AksBinderArgs) {
        super(args.parent, args.containerId !== undefined);
    }

    protected createIdentity(name: string, a: BindingRequest, opts: pulumi.CustomResourceOptions): UserAssignedIdentity {
        const identity = new UserAssignedIdentity(
            name,
            { resourceGroupName: this.args.resourceGroupName, location: this.args.location, tags: this.args.tags },
            opts,
        );
        new FederatedIdentityCredential(
            `${name}-federation`,
            {
                resourceGroupName: this.args.resourceGroupName,
                resourceName: identity.name,
                issuer: this.args.issuerUrl,
                subject: `system:serviceaccount:${a.namespace}:${a.serviceAccount}`,
                audiences: [TOKEN_EXCHANGE_AUDIENCE],
            },
            opts,
        );
        return identity;
    }

    protected grantObjectStore(name: string, identity: UserAssignedIdentity, opts: pulumi.CustomResourceOptions): void {
        new RoleAssignment(
            `${name}-blob`,
            {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: this.args.subscriptionId.apply((s) => roleDefinitionId(s, ROLES.storageBlobDataContributor)),
                // The skeleton asks for a grant only when the cluster has a container.
                scope: this.args.containerId!,
            },
            opts,
        );
    }

    protected grantSecretManagerRead(name: string, identity: UserAssignedIdentity, opts: pulumi.CustomResourceOptions): void {
        new RoleAssignment(
            `${name}-secrets-read`,
            {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: this.args.subscriptionId.apply((s) => roleDefinitionId(s, ROLES.keyVaultSecretsUser)),
                scope: this.args.secretsVaultId,
            },
            opts,
        );
    }

    protected createObjectStoreKey(name: string, _identity: UserAssignedIdentity, _opts: pulumi.CustomResourceOptions): ObjectStoreKey {
        const accountName = this.args.storageAccountName;
        if (!accountName) {
            throw new pulumi.ResourceError(`${name}: an object-store key was asked for, but the binder was given no storageAccountName`, this.args.parent);
        }
        const keys = listStorageAccountKeysOutput({ resourceGroupName: this.args.resourceGroupName, accountName }, { parent: this.args.parent });
        const accountKey = keys.apply((r) => {
            const key = r.keys.find((k) => k.keyName === SHARED_KEY_NAME)?.value;
            if (!key) {
                throw new Error(`${name}: the storage account lists no ${SHARED_KEY_NAME}; found ${r.keys.map((k) => k.keyName).join(", ") || "none"}`);
            }
            return key;
        });
        return { kind: "azureSharedKey", accountName, accountKey: pulumi.secret(accountKey) };
    }

    protected principal(identity: UserAssignedIdentity): pulumi.Output<string> {
        return identity.clientId;
    }

    protected serviceAccountAnnotations(identity: UserAssignedIdentity): pulumi.Output<Record<string, string>> {
        return pulumi
            .all([identity.clientId, this.args.tenantId])
            .apply(([clientId, tenantId]): Record<string, string> => ({ [AZURE_CLIENT_ID_ANNOTATION]: clientId, [AZURE_TENANT_ID_ANNOTATION]: tenantId }));
    }

    protected podLabels(): Record<string, string> {
        return { [AZURE_USE_LABEL]: "true" };
    }
}
