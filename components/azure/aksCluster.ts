/**
 * A production AKS cluster behind the `ClusterTarget` contract, from @pulumi/azure-native resources.
 * The constructor wires sibling builders (components/azure/README.md):
 *
 * - network.ts: a VNet with the node subnet (service endpoints for Storage and Key Vault); pods get
 *   overlay addresses (Azure CNI overlay) and egress goes through the Standard load balancer's
 *   zone-redundant outbound IPs (one per zone with `natGateways: perZone`);
 * - keys.ts: a Key Vault (RBAC authorisation, purge protection, soft delete) with three rotated
 *   keys: etcd encryption through Key Vault KMS, a disk encryption set for OS and data disks, the
 *   storage account's customer-managed key; each reachable only by the identity that uses it;
 * - here: a resource group and the control-plane and storage identities;
 * - controlPlane.ts: the cluster, zones 1-3, Standard or Premium tier, the user-assigned
 *   control-plane identity, Entra ID with Azure RBAC and local accounts disabled, a private API
 *   server unless the stack opens a public one to named ranges, Cilium network policy, OIDC issuer
 *   and workload identity, an auto-upgrade channel, Azure Monitor metrics, the system pool;
 * - nodePools.ts: one `AgentPool` per other workload role, Premium SSD managed OS disks of the
 *   pool's size, encryption at host, autoscaling over the zones; maintenance.ts: the upgrade windows;
 * - audit.ts: diagnostic settings sending `kube-audit` and `kube-audit-admin` to a Log Analytics
 *   workspace;
 * - objectStore.ts: a storage account (no public blob access, TLS 1.2, infrastructure encryption,
 *   CMK, versioning) with a backup container and a lifecycle policy from the retention figures;
 * - an encrypted, retained Premium SSD StorageClass using the disk encryption set, and the
 *   workload identity binder (workloadIdentity.ts).
 *
 * Arguments, defaults and validation: args.ts.
 */
import { getClientConfigOutput } from "@pulumi/azure-native/authorization";
import { AgentPool, listManagedClusterUserCredentialsOutput } from "@pulumi/azure-native/containerservice";
import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget, NODE_ROLE_LABEL, sumOfPoolMaximums } from "../contract";
import { AksClusterArgs, AksMaintenanceWindow, resolveAksClusterArgs, validateAksClusterArgs } from "./args";
import { auditRetentionWarnings, AUDIT_LOG_CATEGORIES, createAksAuditLogs } from "./audit";
import { createManagedCluster } from "./controlPlane";
import { aksKubeconfig, ROLES } from "./helpers";
import { assignRole, createAksKeys, createSecretsVault } from "./keys";
import { createMaintenanceWindows } from "./maintenance";
import { createAksNetwork } from "./network";
import { createAgentPools, poolProfile, PoolProfileArgs } from "./nodePools";
import { BACKUP_CONTAINER, createBlobStore } from "./objectStore";
import { AksWorkloadIdentityBinder } from "./workloadIdentity";

export type { AksClusterArgs, AksMaintenanceWindow };
export { AUDIT_LOG_CATEGORIES, BACKUP_CONTAINER };

/** Name of the encrypted Premium SSD StorageClass every AKS cluster gets. */
export const AKS_SSD_STORAGE_CLASS = "encrypted-ssd";

/** A production AKS cluster; `target` is what the platform layer uses. */
export class AksCluster extends pulumi.ComponentResource {
    /** The cluster as the platform layer sees it. */
    public readonly target: ClusterTarget;
    /** Cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Admin kubeconfig (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Resource group of everything the component creates. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** Versioned Key Vault key ID that encrypts Kubernetes Secrets in etcd. */
    public readonly kmsKeyId: pulumi.Output<string>;
    /** Storage account of the object store. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** The user node pools, by role (the system pool lives in the cluster resource). */
    public readonly agentPools: Record<string, AgentPool>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:azure:AksCluster", name, {}, opts);
        validateAksClusterArgs(args);
        const a = resolveAksClusterArgs(args);
        const { location, zones, tags } = a;
        const protect = a.protectStateful;
        const system = a.nodePools.find((p) => p.role === "system")!;
        const userPools = a.nodePools.filter((p) => p.role !== "system");

        const client = getClientConfigOutput({ parent: this });
        const subscriptionId = client.subscriptionId;
        const rg = new ResourceGroup(`${name}-rg`, { location, tags }, { parent: this });
        const resourceGroupName = rg.name;
        const { nodeSubnet } = createAksNetwork({ name, resourceGroupName, location, network: a.network, tags, parent: this });

        // Identities: the control plane's; the storage account's (for its CMK).
        const clusterIdentity = new UserAssignedIdentity(`${name}-cluster-identity`, { resourceGroupName, location, tags }, { parent: this });
        const storageIdentity = new UserAssignedIdentity(`${name}-storage-identity`, { resourceGroupName, location, tags }, { parent: this });
        const keys = createAksKeys({
            name,
            resourceGroupName,
            location,
            subscriptionId,
            tenantId: client.tenantId,
            clusterPrincipalId: clusterIdentity.principalId,
            storagePrincipalId: storageIdentity.principalId,
            tags,
            protect,
            parent: this,
        });
        const subnetAccess = assignRole(
            { name, subscriptionId, parent: this },
            "subnet-network-contributor",
            clusterIdentity.principalId,
            ROLES.networkContributor,
            nodeSubnet.id,
        );
        const profile: PoolProfileArgs = { zones, subnetId: nodeSubnet.id, tags };

        const cluster = createManagedCluster({
            name,
            args: a,
            resourceGroupName,
            tenantId: client.tenantId,
            clusterIdentityId: clusterIdentity.id,
            kmsKeyId: keys.kmsKey.keyUriWithVersion,
            diskEncryptionSetId: keys.des.id,
            systemPool: { name: system.role, mode: "System", ...poolProfile(system, profile) },
            dependsOn: [...keys.clusterAccess, subnetAccess],
            parent: this,
        });
        const agentPools = createAgentPools({ name, resourceGroupName, cluster, pools: userPools, profile, parent: this });
        createMaintenanceWindows({ name, resourceGroupName, cluster, window: a.maintenanceWindow, parent: this });
        createAksAuditLogs({ name, resourceGroupName, location, cluster, auditLogDays: a.retention.auditLogDays, tags, protect, parent: this });
        const store = createBlobStore({
            name,
            resourceGroupName,
            location,
            subscriptionId,
            drRegion: a.drRegion,
            nodeSubnetId: nodeSubnet.id,
            identity: storageIdentity,
            vault: keys.vault,
            key: keys.storageKey,
            retention: a.retention,
            tags,
            protect,
            dependsOn: [keys.storageKeyAccess],
            parent: this,
        });

        // Kubernetes access.
        const credentials = listManagedClusterUserCredentialsOutput({ resourceGroupName, resourceName: cluster.name, format: "exec" }, { parent: this });
        const kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((k) => {
                if (!k?.[0]?.value) {
                    throw new Error(`${name}: AKS returned no user kubeconfig`);
                }
                return aksKubeconfig(Buffer.from(k[0].value, "base64").toString("utf8"), a.kubeloginMode);
            }),
        );
        const pools = Object.values(agentPools);
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [cluster, ...pools] });
        const storageClass = new StorageClass(
            `${name}-ssd`,
            {
                metadata: { name: AKS_SSD_STORAGE_CLASS, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                provisioner: "disk.csi.azure.com",
                parameters: {
                    skuName: "Premium_LRS",
                    cachingMode: "ReadOnly",
                    diskEncryptionSetID: keys.des.id,
                    diskEncryptionType: "EncryptionAtRestWithCustomerKey",
                },
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider },
        );
        const secretsVault = createSecretsVault({ name, resourceGroupName, location, subscriptionId, tenantId: client.tenantId, tags, protect, parent: this });
        const binder = new AksWorkloadIdentityBinder({
            resourceGroupName,
            location,
            subscriptionId,
            tenantId: client.tenantId,
            issuerUrl: cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? ""),
            containerId: store.container.id,
            storageAccountName: store.account.name,
            secretsVaultId: secretsVault.id,
            tags,
            parent: this,
        });

        this.clusterName = cluster.name;
        this.kubeconfig = kubeconfig;
        this.resourceGroupName = resourceGroupName;
        this.kmsKeyId = keys.kmsKey.keyUriWithVersion;
        this.storageAccountName = store.account.name;
        this.agentPools = agentPools;
        this.target = {
            cloud: "azure",
            clusterName: cluster.name,
            provider,
            kubeconfig,
            zones: [...zones],
            ssdStorageClass: storageClass.metadata.name,
            objectStore: store.store,
            workloadIdentity: binder,
            secretManager: {
                kind: "azureKeyVault",
                // Azure's public cloud DNS suffix (the vault's `properties.vaultUri` once created).
                vaultUrl: pulumi.interpolate`https://${secretsVault.name}.vault.azure.net/`,
                namePrefix: pulumi.interpolate`${cluster.name}-`,
            },
            nodeRoleLabel: NODE_ROLE_LABEL,
            maxNodes: sumOfPoolMaximums(a.nodePools),
            readyResources: [cluster, ...pools, storageClass],
            warnings: auditRetentionWarnings(a.retention.auditLogDays),
        };
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig,
            resourceGroupName,
            kmsKeyId: this.kmsKeyId,
            storageAccountName: this.storageAccountName,
        });
    }
}
