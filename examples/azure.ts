// An AKS cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/azure-native; set azure-native:location to the cluster's.
import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "agent-platform/azure";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const retention = { backupDays: 30, configBackupWeeks: 12, metricsDays: 30, logsDays: 90, tracesDays: 30, auditLogDays: 730, conversationDays: 365 };
const cluster = new AksCluster(name, {
    location: "westeurope",
    zones: ["1", "2", "3"],
    drRegion: "northeurope",
    adminGroupObjectIds: ["0b6d3c1e-7f42-4a8e-9d15-3e2f8a6c4b90"],
    tier: "Standard",
    kubernetesVersion,
    nodePools: [
        { role: "system", instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        { role: "agents", instanceType: "Standard_D8s_v5", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 128 },
        { role: "data", instanceType: "Standard_D8s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        { role: "monitoring", instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 256 },
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
