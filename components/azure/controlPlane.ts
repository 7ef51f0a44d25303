/**
 * The AKS control plane and its system pool: Standard or Premium tier (Premium adds long-term
 * support), a user-assigned control-plane identity, Entra ID with Azure RBAC and local accounts
 * disabled, a private API server unless the stack opens a public one to named ranges, Azure CNI
 * overlay with Cilium (data plane and network policy), the Standard load balancer's outbound IPs
 * (one per zone with `natGateways: perZone`), the OIDC issuer and workload identity, etcd
 * encryption through Key Vault KMS, the disk encryption set, an auto-upgrade channel, Azure
 * Monitor metrics, the CSI drivers, and the cluster autoscaler's profile. A child of the calling
 * component.
 */
import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import type * as pulumi from "@pulumi/pulumi";
import { nthAddress } from "../../policy/lib/cidr";
import type { ResolvedAksClusterArgs } from "./args";
import type { poolProfile } from "./nodePools";

/** Arguments of `createManagedCluster`. */
export interface ManagedClusterArgs {
    /** Cluster name, DNS prefix and resource name (the component's name). */
    name: string;
    /** The component's resolved arguments. */
    args: ResolvedAksClusterArgs;
    resourceGroupName: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
    /** The control-plane identity's resource ID. */
    clusterIdentityId: pulumi.Input<string>;
    /** The versioned Key Vault key of etcd encryption. */
    kmsKeyId: pulumi.Input<string>;
    /** The disk encryption set of OS and data disks. */
    diskEncryptionSetId: pulumi.Input<string>;
    /** The system pool: its name, `mode: "System"` and its profile (nodePools.ts `poolProfile`). */
    systemPool: { name: string; mode: "System" } & ReturnType<typeof poolProfile>;
    /** What the cluster waits for: the control-plane identity's access to the vault, the disk encryption set and the subnet. */
    dependsOn: pulumi.Resource[];
    /** Parent of the cluster. */
    parent: pulumi.Resource;
}

/** Creates the managed cluster with its system pool. */
export function createManagedCluster(c: ManagedClusterArgs): ManagedCluster {
    const { name, args: a } = c;
    return new ManagedCluster(
        name,
        {
            resourceGroupName: c.resourceGroupName,
            resourceName: name,
            location: a.location,
            dnsPrefix: name,
            kubernetesVersion: a.kubernetesVersion,
            sku: { name: "Base", tier: a.tier },
            supportPlan: a.tier === "Premium" ? "AKSLongTermSupport" : "KubernetesOfficial",
            identity: { type: "UserAssigned", userAssignedIdentities: [c.clusterIdentityId] },
            enableRBAC: true,
            disableLocalAccounts: true,
            aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: a.adminGroupObjectIds, tenantID: c.tenantId },
            apiServerAccessProfile: a.endpoint.publicAccess
                ? { enablePrivateCluster: false, authorizedIPRanges: a.endpoint.publicAccessCidrs }
                : { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false },
            networkProfile: {
                networkPlugin: "azure",
                networkPluginMode: "overlay",
                networkDataplane: "cilium",
                networkPolicy: "cilium",
                podCidr: a.network.podCidr,
                serviceCidr: a.network.serviceCidr,
                dnsServiceIP: nthAddress(a.network.serviceCidr, 10),
                loadBalancerSku: "standard",
                outboundType: "loadBalancer",
                loadBalancerProfile: { managedOutboundIPs: { count: a.network.natGateways === "perZone" ? a.zones.length : 1 } },
            },
            oidcIssuerProfile: { enabled: true },
            securityProfile: {
                workloadIdentity: { enabled: true },
                azureKeyVaultKms: { enabled: true, keyId: c.kmsKeyId, keyVaultNetworkAccess: "Public" },
                imageCleaner: { enabled: true, intervalHours: 168 },
            },
            diskEncryptionSetID: c.diskEncryptionSetId,
            autoUpgradeProfile: { upgradeChannel: a.upgradeChannel, nodeOSUpgradeChannel: "NodeImage" },
            azureMonitorProfile: { metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" } } },
            storageProfile: {
                diskCSIDriver: { enabled: true },
                snapshotController: { enabled: true },
                fileCSIDriver: { enabled: false },
                blobCSIDriver: { enabled: false },
            },
            agentPoolProfiles: [c.systemPool],
            // The cluster autoscaler (on per pool) reacts to Pending pods, which the HPAs create at
            // 70 % CPU / 80 % memory: scan every 10 s, balance the zonal node groups of a pool
            // (3 zones), add the node that wastes least, scale down only after 10 minutes under
            // 50 % requested, and move pods with emptyDir (the agents' scratch space) rather than
            // keep nodes forever.
            autoScalerProfile: {
                scanInterval: "10s",
                balanceSimilarNodeGroups: "true",
                expander: "least-waste",
                scaleDownDelayAfterAdd: "10m",
                scaleDownUnneededTime: "10m",
                scaleDownUtilizationThreshold: "0.5",
                skipNodesWithLocalStorage: "false",
                skipNodesWithSystemPods: "true",
                maxGracefulTerminationSec: "600",
            },
            tags: a.tags,
        },
        {
            parent: c.parent,
            dependsOn: c.dependsOn,
            // The autoscaler owns the live node count.
            ignoreChanges: ["agentPoolProfiles[0].count"],
        },
    );
}
