/**
 * Managed node groups, one per workload role: a launch template (encrypted gp3 root volume with
 * the cluster's KMS key, IMDSv2 only) and an EKS node group over the private subnets of every zone.
 * Pure helpers (AMI type, taints, labels) are exported for the tests.
 */
import { LaunchTemplate } from "@pulumi/aws/ec2/launchTemplate";
import { NodeGroup } from "@pulumi/aws/eks/nodeGroup";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSpec } from "../types";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../contract";

/** Root device of the EKS-optimised Amazon Linux 2023 AMIs. */
export const ROOT_DEVICE = "/dev/xvda";

/**
 * The EKS AMI type for an instance type: Graviton families (a `g` after the generation digit, e.g.
 * m7g, c6gn, r8g, t4g) run the ARM64 image, everything else x86-64. Amazon Linux 2023 (AL2 is end
 * of life).
 */
export function amiTypeFor(instanceType: string): "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_STANDARD" {
    const family = instanceType.split(".")[0] ?? "";
    return /^[a-z]+\d+g[a-z]*$/.test(family) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** Node labels of a pool: its workload role. */
export function nodeLabelsFor(spec: NodePoolSpec): Record<string, string> {
    return { [NODE_ROLE_LABEL]: spec.role };
}

/**
 * Taints of a pool: none for `system` (cluster add-ons and anything without a toleration run
 * there), `platform.agents.io/dedicated=<role>:NoSchedule` for every other role (EKS spells the
 * effect `NO_SCHEDULE`).
 */
export function nodeTaintsFor(spec: NodePoolSpec): { key: string; value: string; effect: "NO_SCHEDULE" }[] {
    return spec.role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: spec.role, effect: "NO_SCHEDULE" }];
}

/** Arguments of `createNodeGroups`. */
export interface NodeGroupsArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    clusterName: pulumi.Input<string>;
    kubernetesVersion: string;
    pools: NodePoolSpec[];
    /** Private subnets of all zones. */
    subnetIds: pulumi.Input<string>[];
    nodeRoleArn: pulumi.Input<string>;
    /** KMS key for the root volumes. */
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
    parent: pulumi.Resource;
    /** What must exist before nodes join (node role policies, access entries, CNI add-on). */
    dependsOn: pulumi.Resource[];
}

/** One pool as built. */
export interface BuiltNodeGroup {
    spec: NodePoolSpec;
    launchTemplate: LaunchTemplate;
    nodeGroup: NodeGroup;
}

/** Creates a launch template and a managed node group per pool. */
export function createNodeGroups(a: NodeGroupsArgs): BuiltNodeGroup[] {
    return a.pools.map((spec) => {
        const n = `${a.name}-${spec.role}`;
        const tags = { ...a.tags, [NODE_ROLE_LABEL]: spec.role };
        const launchTemplate = new LaunchTemplate(
            n,
            {
                // Named (not auto-named) so the node group references it by a value known at preview:
                // policies then join a node group to its disk settings through `launchTemplate.name`.
                name: n,
                description: `${spec.role} nodes of ${a.name}: encrypted gp3 root volume, IMDSv2 only`,
                updateDefaultVersion: true,
                blockDeviceMappings: [
                    {
                        deviceName: ROOT_DEVICE,
                        ebs: {
                            volumeSize: spec.diskSizeGb,
                            volumeType: "gp3",
                            encrypted: "true",
                            kmsKeyId: a.kmsKeyArn,
                            deleteOnTermination: "true",
                        },
                    },
                ],
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
                tagSpecifications: [
                    { resourceType: "instance", tags: { ...tags, Name: n } },
                    { resourceType: "volume", tags: { ...tags, Name: n } },
                ],
                tags,
            },
            { parent: a.parent },
        );
        const nodeGroup = new NodeGroup(
            n,
            {
                clusterName: a.clusterName,
                version: a.kubernetesVersion,
                nodeRoleArn: a.nodeRoleArn,
                subnetIds: a.subnetIds,
                amiType: amiTypeFor(spec.instanceType),
                capacityType: "ON_DEMAND",
                instanceTypes: [spec.instanceType],
                scalingConfig: { minSize: spec.minNodes, maxSize: spec.maxNodes, desiredSize: spec.desiredNodes },
                updateConfig: { maxUnavailablePercentage: 33 },
                labels: nodeLabelsFor(spec),
                taints: nodeTaintsFor(spec),
                launchTemplate: { name: launchTemplate.name, version: launchTemplate.latestVersion.apply((v) => String(v)) },
                // EKS replaces nodes that report unhealthy (the floor's own repair; burst nodes are Auto Mode's).
                nodeRepairConfig: { enabled: true },
                tags,
            },
            // The group is the pool's floor: scale-out above it is EKS Auto Mode's (autoMode.ts).
            // An operator may still resize the group by hand; `pulumi up` does not undo that.
            { parent: a.parent, dependsOn: a.dependsOn, ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        return { spec, launchTemplate, nodeGroup };
    });
}
