// A regional GKE cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/gcp; set gcp:project and gcp:region to the cluster's.
// Every other argument has a production default (node pools, network, retention, dual-region bucket with europe-west1).
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "agent-platform/gcp";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const cluster = new GkeCluster(name, {
    project: "acme-agents-prod",
    region: "europe-west4",
    zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
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
