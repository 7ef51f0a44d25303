/**
 * Azure Workload Identity: one user-assigned managed identity per bound Kubernetes ServiceAccount,
 * a federated identity credential that trusts the cluster's OIDC issuer for exactly that
 * `system:serviceaccount:<namespace>:<name>` subject, and (when asked) Storage Blob Data
 * Contributor on the backup container. The KSA carries `azure.workload.identity/client-id`; its
 * pods carry the label `azure.workload.identity/use: "true"` so the webhook injects the token.
 * The binding's shape is components/workloadIdentity.ts.
 */
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import { BindingRequest, CloudIdentityBinder } from "../workloadIdentity";
import { ROLES, roleDefinitionId } from "./helpers";

/** ServiceAccount annotation naming the managed identity's client ID. */
export const AZURE_CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id";
/** ServiceAccount annotation naming the tenant. */
export const AZURE_TENANT_ID_ANNOTATION = "azure.workload.identity/tenant-id";
/** Pod label the workload-identity webhook selects on. */
export const AZURE_USE_LABEL = "azure.workload.identity/use";
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

    protected serviceAccountAnnotations(identity: UserAssignedIdentity): pulumi.Output<Record<string, string>> {
        return pulumi
            .all([identity.clientId, this.args.tenantId])
            .apply(([clientId, tenantId]): Record<string, string> => ({ [AZURE_CLIENT_ID_ANNOTATION]: clientId, [AZURE_TENANT_ID_ANNOTATION]: tenantId }));
    }

    protected podLabels(): Record<string, string> {
        return { [AZURE_USE_LABEL]: "true" };
    }
}
