/**
 * A production GKE cluster behind the `ClusterTarget` contract, from raw @pulumi/gcp resources. The
 * constructor wires sibling builders (components/gcp/README.md):
 *
 * - network.ts: a custom-mode VPC, one regional subnet with secondary ranges for pods and services
 *   (VPC-native), Private Google Access, flow logs; a Cloud Router with Cloud NAT;
 * - keys.ts: a Cloud KMS key ring with three keys (etcd secrets, node and volume disks, bucket),
 *   rotated, protected, and granted to the service agents that use them;
 * - controlPlane.ts: the cluster, regional over the configured zones, private nodes, private
 *   endpoint unless the stack opens a public one to named CIDRs, release channel with a minimum
 *   version, maintenance window, application-layer secrets encryption, Workload Identity,
 *   Dataplane V2, shielded nodes, system and workload logging, managed Prometheus; default node
 *   pool removed;
 * - nodePools.ts: a least-privilege node service account and a node pool per workload role (label
 *   `platform.agents.io/role`, a taint on non-system pools) with per-zone autoscaling whose total
 *   meets the pool's minimum, CMEK-encrypted SSD boot disks, shielded VMs, auto-repair and upgrade;
 * - audit.ts: control-plane audit logs routed to a log bucket kept for the audit retention;
 * - objectStore.ts: a CMEK, versioned, uniform-access, public-access-prevented GCS bucket with
 *   lifecycle rules from the retention figures;
 * - an encrypted, retained SSD StorageClass and the Workload Identity binder (workloadIdentity.ts).
 *
 * Arguments, defaults and validation: args.ts.
 */
import type { NodePool } from "@pulumi/gcp/container/nodePool";
import { getProjectOutput } from "@pulumi/gcp/organizations/getProject";
import { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget, NODE_ROLE_LABEL } from "../contract";
import { GkeClusterArgs, GkeMaintenanceWindow, resolveGkeClusterArgs, validateGkeClusterArgs } from "./args";
import { createGkeAuditLogs } from "./audit";
import { createGkeControlPlane, LOGGED_COMPONENTS, MONITORED_COMPONENTS } from "./controlPlane";
import { buildGkeKubeconfig, gcpLabels, gkeMaxNodes } from "./helpers";
import { createGkeKeys } from "./keys";
import { createGkeNetwork } from "./network";
import { createGkeNodePools, createNodeServiceAccount, nodeConfig, NodeConfigArgs } from "./nodePools";
import { createGcsStore } from "./objectStore";
import { GkeWorkloadIdentityBinder } from "./workloadIdentity";

export type { GkeClusterArgs, GkeMaintenanceWindow };
export { LOGGED_COMPONENTS, MONITORED_COMPONENTS };

/** Name of the encrypted SSD StorageClass every GKE cluster gets. */
export const GKE_SSD_STORAGE_CLASS = "encrypted-ssd";

/** A production GKE cluster; `target` is what the platform layer uses. */
export class GkeCluster extends pulumi.ComponentResource {
    /** The cluster as the platform layer sees it. */
    public readonly target: ClusterTarget;
    /** Cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Admin kubeconfig (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Cloud KMS key that encrypts Kubernetes Secrets in etcd. */
    public readonly secretsKeyId: pulumi.Output<string>;
    /** Backup bucket name. */
    public readonly bucketName: pulumi.Output<string>;
    /** The node pools, by role. */
    public readonly nodePools: Record<string, NodePool>;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:gcp:GkeCluster", name, {}, opts);
        validateGkeClusterArgs(args);
        const a = resolveGkeClusterArgs(args);
        const { project, region, zones } = a;
        const protect = a.protectStateful;
        const labels = gcpLabels(a.tags);

        const projectNumber = getProjectOutput({ projectId: project }, { parent: this }).apply((p) => p.number);
        const net = createGkeNetwork({ name, project, region, network: a.network, parent: this });
        const keys = createGkeKeys({
            name,
            project,
            projectNumber,
            region,
            drRegion: a.drRegion,
            rotationPeriod: a.keyRotationPeriod,
            labels,
            protect,
            parent: this,
        });
        const nodeSa = createNodeServiceAccount({ name, project, parent: this });
        const nodeSettings: NodeConfigArgs = { bootDiskType: a.bootDiskType, diskKeyId: keys.diskKey.id, serviceAccount: nodeSa.account.email, labels };
        const system = a.nodePools.find((p) => p.role === "system") ?? a.nodePools[0];

        const cluster = createGkeControlPlane({
            name,
            args: a,
            network: net,
            secretsKeyId: keys.secretsKey.id,
            defaultPoolConfig: nodeConfig(system, nodeSettings),
            labels,
            dependsOn: [keys.secretsGrant, keys.diskGrant, net.nat, ...nodeSa.roles],
            parent: this,
        });
        const nodePools = createGkeNodePools({
            name,
            project,
            region,
            zones,
            pools: a.nodePools,
            cluster,
            nodeConfig: nodeSettings,
            dependsOn: [keys.diskGrant],
            parent: this,
        });
        createGkeAuditLogs({ name, project, region, cluster, auditLogDays: a.retention.auditLogDays, protect, parent: this });
        const store = createGcsStore({
            name,
            project,
            region,
            drRegion: a.drRegion,
            key: keys.bucketKey,
            retention: a.retention,
            labels,
            protect,
            dependsOn: [keys.bucketGrant],
            parent: this,
        });
        const bucketName = store.bucket.name;

        // Kubernetes access.
        const kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.masterAuth])
                .apply(([n, endpoint, auth]) =>
                    JSON.stringify(
                        buildGkeKubeconfig({ contextName: `gke_${project}_${region}_${n}`, endpoint, caCertificate: auth.clusterCaCertificate ?? "" }),
                    ),
                ),
        );
        const pools = Object.values(nodePools);
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: pools });
        const storageClass = new StorageClass(
            `${name}-ssd`,
            {
                metadata: { name: GKE_SSD_STORAGE_CLASS, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                provisioner: "pd.csi.storage.gke.io",
                parameters: { type: "pd-ssd", "disk-encryption-kms-key": keys.diskKey.id, "csi.storage.k8s.io/fstype": "ext4" },
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider },
        );
        const binder = new GkeWorkloadIdentityBinder({
            project,
            bucket: bucketName,
            projectNumber,
            secretPrefix: pulumi.interpolate`${cluster.name}-`,
            parent: this,
            dependsOn: [cluster],
        });

        this.clusterName = cluster.name;
        this.kubeconfig = kubeconfig;
        this.secretsKeyId = keys.secretsKey.id;
        this.bucketName = bucketName;
        this.nodePools = nodePools;
        this.target = {
            cloud: "gcp",
            clusterName: cluster.name,
            provider,
            kubeconfig,
            zones: [...zones],
            ssdStorageClass: storageClass.metadata.name,
            objectStore: store.store,
            workloadIdentity: binder,
            secretManager: {
                kind: "gcpSecretManager",
                project,
                clusterLocation: region,
                clusterName: cluster.name,
                namePrefix: pulumi.interpolate`${cluster.name}-`,
            },
            nodeRoleLabel: NODE_ROLE_LABEL,
            maxNodes: gkeMaxNodes(a.nodePools, zones.length),
            readyResources: [...pools, storageClass],
            warnings: [],
        };
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig, secretsKeyId: this.secretsKeyId, bucketName });
    }
}
