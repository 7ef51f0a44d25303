/**
 * The GKE cluster's nodes: a least-privilege node service account (instead of the Compute Engine
 * default account) and one node pool per workload role (label `platform.agents.io/role`, a taint on
 * non-system pools) with per-zone autoscaling whose total meets the pool's minimum, CMEK-encrypted
 * SSD boot disks, shielded VMs, the GKE metadata server, auto-repair and auto-upgrade. `nodeConfig`
 * is also the hardened settings of the cluster's temporary default pool. Resources are children of
 * the calling component.
 */
import type { Cluster } from "@pulumi/gcp/container/cluster";
import { NodePool } from "@pulumi/gcp/container/nodePool";
import { IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects/iammember";
import { Account } from "@pulumi/gcp/serviceaccount/account";
import * as pulumi from "@pulumi/pulumi";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../contract";
import type { NodePoolSpec } from "../types";
import { perZoneCounts, serviceAccountId } from "./helpers";

/** Roles of the node service account (Google's least-privilege set for GKE nodes, plus image pulls). */
export const NODE_SA_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"];

/** Arguments of `createNodeServiceAccount`. */
export interface NodeServiceAccountArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** The node service account and its project roles (the cluster waits for the roles). */
export function createNodeServiceAccount(a: NodeServiceAccountArgs): { account: Account; roles: ProjectIAMMember[] } {
    const opts = { parent: a.parent };
    const account = new Account(
        `${a.name}-node-sa`,
        { project: a.project, accountId: serviceAccountId(`${a.name}-nodes`), displayName: `GKE nodes of ${a.name}` },
        opts,
    );
    const roles = NODE_SA_ROLES.map(
        (role) =>
            new ProjectIAMMember(
                `${a.name}-node-sa-${role.replace("roles/", "").replace(/\./g, "-")}`,
                { project: a.project, role, member: pulumi.interpolate`serviceAccount:${account.email}` },
                opts,
            ),
    );
    return { account, roles };
}

/** What every node of a pool is: machine, encrypted SSD boot disk, hardening, role label and taint. */
export interface NodeConfigArgs {
    bootDiskType: string;
    /** Cloud KMS key of the boot disks. */
    diskKeyId: pulumi.Input<string>;
    /** The node service account's e-mail. */
    serviceAccount: pulumi.Input<string>;
    /** Resource labels (the pool's role is added). */
    labels: Record<string, string>;
}

/** The `nodeConfig` of a pool (and of the cluster's temporary default pool). */
export function nodeConfig(pool: NodePoolSpec, c: NodeConfigArgs) {
    return {
        machineType: pool.instanceType,
        diskSizeGb: pool.diskSizeGb,
        diskType: c.bootDiskType,
        bootDiskKmsKey: c.diskKeyId,
        imageType: "COS_CONTAINERD",
        serviceAccount: c.serviceAccount,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        metadata: { "disable-legacy-endpoints": "true" },
        labels: { [NODE_ROLE_LABEL]: pool.role },
        taints: pool.role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: pool.role, effect: "NO_SCHEDULE" }],
        resourceLabels: { ...c.labels, role: pool.role },
    };
}

/** Arguments of `createGkeNodePools`. */
export interface GkeNodePoolsArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    region: string;
    zones: string[];
    pools: NodePoolSpec[];
    cluster: Cluster;
    nodeConfig: NodeConfigArgs;
    /** What the pools wait for (the disk key's grant: nodes cannot boot without it). */
    dependsOn: pulumi.Resource[];
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** One node pool per role, autoscaled per zone; by role. */
export function createGkeNodePools(a: GkeNodePoolsArgs): Record<string, NodePool> {
    const nodePools: Record<string, NodePool> = {};
    for (const pool of a.pools) {
        const counts = perZoneCounts(pool, a.zones.length);
        nodePools[pool.role] = new NodePool(
            `${a.name}-${pool.role}`,
            {
                project: a.project,
                cluster: a.cluster.name,
                location: a.region,
                nodeLocations: a.zones,
                initialNodeCount: counts.initialNodeCount,
                autoscaling: { minNodeCount: counts.minNodeCount, maxNodeCount: counts.maxNodeCount, locationPolicy: "BALANCED" },
                management: { autoRepair: true, autoUpgrade: true },
                upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: nodeConfig(pool, a.nodeConfig),
            },
            // The autoscaler owns the live size; the initial count only matters at creation.
            { parent: a.parent, dependsOn: a.dependsOn, ignoreChanges: ["initialNodeCount"] },
        );
    }
    return nodePools;
}
