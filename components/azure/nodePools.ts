/**
 * The AKS cluster's node pools: the profile every pool shares (Azure Linux on Premium SSD managed
 * OS disks of the pool's size, encryption at host, no public IPs, autoscaling over the zones, the
 * role label and, on non-system pools, the dedicated-role taint), and one `AgentPool` per role but
 * `system` (the system pool lives in the cluster resource, which AKS requires). Resources are
 * children of the calling component.
 */
import { AgentPool, ManagedCluster } from "@pulumi/azure-native/containerservice";
import type * as pulumi from "@pulumi/pulumi";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../contract";
import type { NodePoolSpec } from "../types";

/** Most pods per node (the Azure CNI overlay default). */
export const MAX_PODS_PER_NODE = 110;

/** What every pool's profile shares. */
export interface PoolProfileArgs {
    zones: string[];
    /** The node subnet. */
    subnetId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** A pool's profile (the cluster's `agentPoolProfiles` entry and an `AgentPool`'s arguments take the same). */
export function poolProfile(pool: NodePoolSpec, p: PoolProfileArgs) {
    return {
        vmSize: pool.instanceType,
        count: pool.desiredNodes,
        minCount: pool.minNodes,
        maxCount: pool.maxNodes,
        enableAutoScaling: true,
        availabilityZones: p.zones,
        osDiskSizeGB: pool.diskSizeGb,
        osDiskType: "Managed",
        osType: "Linux",
        osSKU: "AzureLinux",
        enableEncryptionAtHost: true,
        enableNodePublicIP: false,
        vnetSubnetID: p.subnetId,
        maxPods: MAX_PODS_PER_NODE,
        type: "VirtualMachineScaleSets",
        nodeLabels: { [NODE_ROLE_LABEL]: pool.role },
        nodeTaints: pool.role === "system" ? [] : [`${NODE_ROLE_TAINT}=${pool.role}:NoSchedule`],
        upgradeSettings: { maxSurge: "33%" },
        tags: p.tags,
    };
}

/** Arguments of `createAgentPools`. */
export interface AgentPoolsArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    resourceGroupName: pulumi.Input<string>;
    cluster: ManagedCluster;
    /** Every pool but `system`. */
    pools: NodePoolSpec[];
    profile: PoolProfileArgs;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** One User-mode `AgentPool` per role (named after it); by role. The autoscaler owns the live node count. */
export function createAgentPools(a: AgentPoolsArgs): Record<string, AgentPool> {
    const agentPools: Record<string, AgentPool> = {};
    for (const pool of a.pools) {
        agentPools[pool.role] = new AgentPool(
            `${a.name}-${pool.role}`,
            { resourceGroupName: a.resourceGroupName, resourceName: a.cluster.name, agentPoolName: pool.role, mode: "User", ...poolProfile(pool, a.profile) },
            { parent: a.parent, ignoreChanges: ["count"] },
        );
    }
    return agentPools;
}
