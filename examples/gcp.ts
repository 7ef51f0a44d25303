// A regional GKE cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/gcp; set gcp:project and gcp:region to the cluster's.
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster } from "agent-platform/gcp";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const retention = { backupDays: 30, configBackupWeeks: 12, metricsDays: 30, logsDays: 90, tracesDays: 30, auditLogDays: 730, conversationDays: 365 };
const cluster = new GkeCluster(name, {
    project: "acme-agents-prod",
    region: "europe-west4",
    zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
    drRegion: "europe-west1",
    kubernetesVersion,
    nodePools: [
        { role: "system", instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        { role: "agents", instanceType: "n2-standard-8", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        { role: "data", instanceType: "n2-standard-8", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        { role: "monitoring", instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    ],
    network: { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
    endpoint: { publicAccess: false, publicAccessCidrs: [] },
    retention,
});
const platform = new Platform(`${name}-platform`, {
    target: cluster.target,
    environment: "prod",
    retention,
    config: {
        domain: "agents.example.com",
        acmeEmail: "platform-team@example.com",
        issuer: "letsencrypt-prod",
        jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
        scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
        addons: { argocd: false, istio: false, falco: false, externalSecrets: false },
        thirdPartyCharts: true,
    },
});

export const kubeconfig = cluster.kubeconfig;
export const jamieUrl = platform.endpoints.jamie;
