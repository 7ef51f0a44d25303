// An AKS cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/azure-native; set azure-native:location to the cluster's.
// Every other argument has a production default (zones 1-3, node pools, network, retention, RA-GZRS copy to northeurope).
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "agent-platform/azure";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const cluster = new AksCluster(name, {
    location: "westeurope",
    adminGroupObjectIds: ["0b6d3c1e-7f42-4a8e-9d15-3e2f8a6c4b90"],
    kubernetesVersion,
});
const platform = new Platform(`${name}-platform`, {
    target: cluster.target,
    domain: "agents.example.com",
    acmeEmail: "platform-team@example.com",
    jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
    scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
});

export const kubeconfig = cluster.kubeconfig;
export const jamieUrl = platform.endpoints.jamie;
