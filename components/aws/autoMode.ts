/**
 * Node autoscaling on EKS with EKS Auto Mode (why Auto Mode and not Karpenter or the Cluster
 * Autoscaler: docs/clouds.md "Node autoscaling"). The managed node groups stay the floor of every
 * pool (their `minNodes`, the nodes the fit rule counts and the sizing rules check); Auto Mode adds
 * burst capacity above it, up to the pool's `maxNodes`, when pods are Pending:
 *
 * - one `NodeClass` (eks.amazonaws.com/v1) per pool: the private subnets of every zone, the cluster
 *   security group, an encrypted root (ephemeral) volume of the pool's disk size with the
 *   cluster's KMS key, and its own IAM role (`autoNodeRole`); Auto Mode nodes require IMDSv2 with
 *   a hop limit of 1 (not configurable, stricter than the node groups' 2);
 * - one `NodePool` (karpenter.sh/v1) per pool with spare room (`maxNodes > minNodes`): the pool's
 *   instance type, on-demand, the pool's zones, the role label and taint, plus the burst taint
 *   `platform.agents.io/burst=true:NoSchedule` so that only stateless, HPA-scaled workloads (Jamie,
 *   Scarlet, the gateway's proxies) land there; volumes of the platform's StorageClass belong to the
 *   EBS CSI add-on, whose node plugin does not run on Auto Mode nodes. Limits: the CPU and memory
 *   of `maxNodes - minNodes` nodes. Disruption: consolidate empty or under-used burst nodes after
 *   5 minutes, at most 1 node at a time; nodes expire after 14 days (patched AMIs).
 *
 * Interruption handling (Spot interruption notices, scheduled EC2 events, rebalance
 * recommendations) and node repair are part of Auto Mode: AWS runs them for the cluster; no queue
 * or handler is installed here. The floor's node groups get node auto-repair.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSpec } from "../types";
import { resolveMachineSize } from "../../policy/catalog";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../contract";

/** Taint on Auto Mode burst nodes: only workloads that tolerate it (stateless, HPA-scaled) run there. */
export const BURST_TAINT = { key: "platform.agents.io/burst", value: "true", effect: "NoSchedule" } as const;

/** Managed policies the cluster role needs for Auto Mode (compute, block storage, load balancing, networking). */
export const AUTO_MODE_CLUSTER_POLICIES = [
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
] as const;

/** Managed policies of the Auto Mode node role (the minimal worker policy and ECR pulls). */
export const AUTO_MODE_NODE_POLICIES = ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"] as const;

/** The `NodeClass` spec of a pool (pure; the tests read it). */
export function nodeClassSpec(a: {
    pool: NodePoolSpec;
    nodeRoleName: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
}): Record<string, unknown> {
    return {
        role: a.nodeRoleName,
        subnetSelectorTerms: a.subnetIds.map((id) => ({ id })),
        securityGroupSelectorTerms: [{ id: a.securityGroupId }],
        ephemeralStorage: { size: `${a.pool.diskSizeGb}Gi`, kmsKeyID: a.kmsKeyArn },
        networkPolicy: "DefaultAllow",
        networkPolicyEventLogs: "Disabled",
        snatPolicy: "Random",
        tags: { ...a.tags, [NODE_ROLE_LABEL]: a.pool.role },
    };
}

/**
 * The `NodePool` spec of a pool: undefined when the pool has no room above its floor
 * (`maxNodes <= minNodes`) or its machine type is not in the catalogue (limits unknown).
 */
export function nodePoolSpec(pool: NodePoolSpec, zones: readonly string[], nodeClassName: string): Record<string, unknown> | undefined {
    const size = resolveMachineSize("aws", pool.instanceType);
    const burst = pool.maxNodes - pool.minNodes;
    if (!size || burst <= 0) {
        return undefined;
    }
    const taints = [...(pool.role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: pool.role, effect: "NoSchedule" }]), { ...BURST_TAINT }];
    return {
        template: {
            metadata: { labels: { [NODE_ROLE_LABEL]: pool.role } },
            spec: {
                nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: nodeClassName },
                requirements: [
                    { key: "topology.kubernetes.io/zone", operator: "In", values: [...zones] },
                    { key: "node.kubernetes.io/instance-type", operator: "In", values: [pool.instanceType] },
                    { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
                ],
                taints,
                expireAfter: "336h",
            },
        },
        limits: { cpu: String(burst * size.vcpu), memory: `${burst * size.memoryGib}Gi` },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "1" }] },
    };
}

/** Arguments of `createAutoModePools`. */
export interface AutoModePoolsArgs {
    name: string;
    pools: NodePoolSpec[];
    zones: readonly string[];
    nodeRoleName: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
    provider: k8s.Provider;
    parent: pulumi.Resource;
    dependsOn: pulumi.Resource[];
}

/** Registers a NodeClass per pool and a NodePool per pool with room above its floor. */
export function createAutoModePools(a: AutoModePoolsArgs): { nodeClasses: k8s.apiextensions.CustomResource[]; nodePools: k8s.apiextensions.CustomResource[] } {
    const nodeClasses: k8s.apiextensions.CustomResource[] = [];
    const nodePools: k8s.apiextensions.CustomResource[] = [];
    for (const pool of a.pools) {
        const className = pool.role;
        const nodeClass = new k8s.apiextensions.CustomResource(
            `${a.name}-nodeclass-${pool.role}`,
            {
                apiVersion: "eks.amazonaws.com/v1",
                kind: "NodeClass",
                metadata: { name: className },
                spec: nodeClassSpec({
                    pool,
                    nodeRoleName: a.nodeRoleName,
                    subnetIds: a.subnetIds,
                    securityGroupId: a.securityGroupId,
                    kmsKeyArn: a.kmsKeyArn,
                    tags: a.tags,
                }),
            },
            { parent: a.parent, provider: a.provider, dependsOn: a.dependsOn },
        );
        nodeClasses.push(nodeClass);
        const spec = nodePoolSpec(pool, a.zones, className);
        if (spec) {
            nodePools.push(
                new k8s.apiextensions.CustomResource(
                    `${a.name}-nodepool-${pool.role}`,
                    { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: `${pool.role}-burst` }, spec },
                    { parent: a.parent, provider: a.provider, dependsOn: [nodeClass] },
                ),
            );
        }
    }
    return { nodeClasses, nodePools };
}
