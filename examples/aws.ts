// An EKS cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/aws; set aws:region to the cluster's region.
// Every other argument has a production default (node pools, network, retention, DR copy to eu-central-1).
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "agent-platform/aws";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const cluster = new EksCluster(name, {
    region: "eu-west-1",
    zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admins"],
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
