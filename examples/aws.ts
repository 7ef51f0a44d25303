// An EKS cluster and the platform on it, from the agent-platform package (docs/components.md).
// Needs @pulumi/pulumi, @pulumi/kubernetes, @pulumi/random and @pulumi/aws; set aws:region to the cluster's region.
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "agent-platform/aws";
import { Platform } from "agent-platform/platform";

const name = `agents-${pulumi.getStack()}`;
/** Kubernetes minor of the cluster (exported: the offline preview renders the charts for it). */
export const kubernetesVersion = "1.35";
const retention = { backupDays: 30, configBackupWeeks: 12, metricsDays: 30, logsDays: 90, tracesDays: 30, auditLogDays: 730, conversationDays: 365 };
const cluster = new EksCluster(name, {
    region: "eu-west-1",
    zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    drRegion: "eu-central-1",
    adminPrincipalArns: ["arn:aws:iam::111122223333:role/platform-admins"],
    kubernetesVersion,
    nodePools: [
        { role: "system", instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        { role: "agents", instanceType: "m6i.2xlarge", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        { role: "data", instanceType: "m6i.2xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        { role: "monitoring", instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
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
