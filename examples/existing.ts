// The platform on a cluster you already run (here a kind cluster on a laptop), from the agent-platform
// package (docs/components.md). Needs @pulumi/pulumi, @pulumi/kubernetes and @pulumi/random; no cloud SDK.
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster } from "agent-platform/existing";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor the cluster runs (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const cluster = new ExistingCluster(name, {
    kubeconfigPath: "~/.kube/config",
    context: "kind-agents",
    // The nodes' topology.kubernetes.io/zone labels, and a StorageClass of the cluster.
    zones: ["zone-a"],
    storageClass: "standard",
});
const platform = new Platform(`${name}-platform`, {
    target: cluster.target,
    environment: "dev",
    protectStateful: false,
    domain: "agents.localtest.me",
    acmeEmail: "platform-team@example.com",
    issuer: "private-ca",
    jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
    scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
});

export const kubeconfig = cluster.kubeconfig;
export const jamieUrl = platform.endpoints.jamie;
