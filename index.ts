/**
 * The stack program: reads the validated stack config, builds the cluster the stack's cloud
 * calls for (every implementation returns the same ClusterTarget), installs the platform on it
 * and exports what operators need. Wiring only: the logic lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget } from "./components/contract";
import { EksCluster } from "./components/aws";
import { loadStackConfig, StackConfig } from "./config";

const cfg = loadStackConfig();
const name = `agents-${cfg.stack}`;

function clusterArgs(c: StackConfig) {
    return {
        zones: c.zones,
        kubernetesVersion: c.kubernetesVersion,
        nodePools: c.nodePools,
        network: c.network,
        endpoint: c.endpoint,
        retention: c.retention,
        protectStateful: c.protectStateful,
        tags: { ...c.tags, "managed-by": "pulumi", stack: c.stack },
    };
}

function buildCluster(c: StackConfig): ClusterTarget {
    switch (c.cloud) {
        case "aws":
            return new EksCluster(name, { ...clusterArgs(c), region: c.region, adminPrincipalArns: c.aws!.adminPrincipalArns }).target;
        default:
            throw new Error(`cloud ${c.cloud} is not wired yet`);
    }
}

const cluster = buildCluster(cfg);

export const cloud = cfg.cloud;
export const environment = cfg.environment;
export const clusterName = cluster.clusterName;
export const kubeconfig = pulumi.secret(cluster.kubeconfig);
export const zones = cluster.zones;
export const storageClass = cluster.ssdStorageClass;
export const backupBucket = cluster.objectStore?.bucket;
