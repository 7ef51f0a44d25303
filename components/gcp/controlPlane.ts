/**
 * The GKE control plane: a regional cluster over the configured zones with private nodes, a private
 * endpoint unless the stack opens a public one to named CIDRs (plus the VPC), the control plane on
 * its own /28, a release channel with `kubernetesVersion` as the minimum, a maintenance window,
 * application-layer Secrets encryption with the secrets key, Workload Identity, Dataplane V2
 * (network-policy enforcement), shielded nodes, no client certificates or legacy ABAC, system,
 * control-plane and workload logging, managed Prometheus, deletion protection with
 * `protectStateful`. The default node pool is removed once the cluster exists (nodePools.ts makes
 * the real ones). A child of the calling component.
 */
import { Cluster } from "@pulumi/gcp/container/cluster";
import type * as pulumi from "@pulumi/pulumi";
import type { ResolvedGkeClusterArgs } from "./args";
import { GkeNetwork, POD_RANGE, SERVICE_RANGE } from "./network";
import type { nodeConfig } from "./nodePools";

/** GKE components whose logs go to Cloud Logging (system, control plane and workloads). */
export const LOGGED_COMPONENTS = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"];

/** GKE components whose metrics go to Cloud Monitoring. */
export const MONITORED_COMPONENTS = [
    "SYSTEM_COMPONENTS",
    "APISERVER",
    "SCHEDULER",
    "CONTROLLER_MANAGER",
    "STORAGE",
    "HPA",
    "POD",
    "DAEMONSET",
    "DEPLOYMENT",
    "STATEFULSET",
];

/** Arguments of `createGkeControlPlane`. */
export interface GkeControlPlaneArgs {
    /** Cluster name and resource name (the component's name). */
    name: string;
    /** The component's resolved arguments. */
    args: ResolvedGkeClusterArgs;
    /** The VPC and node subnet (network.ts). */
    network: GkeNetwork;
    /** Cloud KMS key of application-layer Secrets encryption. */
    secretsKeyId: pulumi.Input<string>;
    /** The temporary default pool's node settings (the system pool's, hardened). */
    defaultPoolConfig: ReturnType<typeof nodeConfig>;
    labels: Record<string, string>;
    /** What the cluster waits for: the service agents' key grants, Cloud NAT, the node service account's roles. */
    dependsOn: pulumi.Resource[];
    /** Parent of the cluster. */
    parent: pulumi.Resource;
}

/** Creates the cluster. */
export function createGkeControlPlane(c: GkeControlPlaneArgs): Cluster {
    const authorized = [
        { cidrBlock: c.args.network.cidr, displayName: "cluster-vpc" },
        ...c.args.endpoint.publicAccessCidrs.map((cidr, i) => ({ cidrBlock: cidr, displayName: `public-${i}` })),
    ];
    return new Cluster(
        c.name,
        {
            name: c.name,
            project: c.args.project,
            location: c.args.region,
            nodeLocations: c.args.zones,
            network: c.network.network.id,
            subnetwork: c.network.subnet.id,
            networkingMode: "VPC_NATIVE",
            ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE, servicesSecondaryRangeName: SERVICE_RANGE, stackType: "IPV4" },
            // The default pool exists only while the cluster is created; it gets the system pool's
            // hardened settings so that even it meets the policies.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: c.defaultPoolConfig,
            privateClusterConfig: {
                enablePrivateNodes: true,
                enablePrivateEndpoint: !c.args.endpoint.publicAccess,
                masterIpv4CidrBlock: c.args.masterCidr,
                masterGlobalAccessConfig: { enabled: false },
            },
            masterAuthorizedNetworksConfig: { cidrBlocks: authorized, gcpPublicCidrsAccessEnabled: false, privateEndpointEnforcementEnabled: true },
            masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
            releaseChannel: { channel: c.args.releaseChannel },
            minMasterVersion: c.args.kubernetesVersion,
            maintenancePolicy: { recurringWindow: c.args.maintenanceWindow },
            databaseEncryption: { state: "ENCRYPTED", keyName: c.secretsKeyId },
            workloadIdentityConfig: { workloadPool: `${c.args.project}.svc.id.goog` },
            datapathProvider: "ADVANCED_DATAPATH",
            enableShieldedNodes: true,
            enableIntranodeVisibility: true,
            enableLegacyAbac: false,
            loggingConfig: { enableComponents: LOGGED_COMPONENTS },
            monitoringConfig: { enableComponents: MONITORED_COMPONENTS, managedPrometheus: { enabled: true } },
            addonsConfig: {
                gcePersistentDiskCsiDriverConfig: { enabled: true },
                horizontalPodAutoscaling: { disabled: false },
                httpLoadBalancing: { disabled: false },
            },
            // The cluster autoscaler scales each pool between its bounds when pods are Pending
            // (HPAs add replicas at 70 % CPU / 80 % memory). BALANCED keeps spare nodes longer
            // than OPTIMIZE_UTILIZATION, which scales down aggressively: an HA platform wants
            // the headroom. Node auto-provisioning stays off (pools are declared, not invented).
            clusterAutoscaling: { enabled: false, autoscalingProfile: "BALANCED" },
            securityPostureConfig: { mode: "BASIC", vulnerabilityMode: "VULNERABILITY_BASIC" },
            deletionProtection: c.args.protectStateful,
            resourceLabels: c.labels,
        },
        {
            parent: c.parent,
            dependsOn: c.dependsOn,
            // Settings of the removed default pool: changing them must not replace the cluster.
            ignoreChanges: ["nodeConfig", "initialNodeCount"],
        },
    );
}
