/**
 * A production DigitalOcean Kubernetes (DOKS) cluster behind the `ClusterTarget` contract, from raw
 * @pulumi/digitalocean resources:
 *
 * - network: a VPC on `network.cidr` in the cluster's region; the cluster is VPC-native, pods on
 *   `network.podCidr`, services on `network.serviceCidr`;
 * - the cluster: one region, the HA control plane on (replicated control plane, DigitalOcean's
 *   99.95% SLA; it cannot be turned off once on), the newest patch of the pinned Kubernetes minor
 *   (`getKubernetesVersions`), automatic patch upgrades with surge upgrades in a weekly
 *   maintenance window (Saturday 00:00 UTC), the control-plane firewall on (DOKS has no private
 *   endpoint: only the nodes, the VPC range and the configured runner/VPN ranges reach the API);
 *   associated volumes and load balancers survive a cluster destroy;
 * - a node pool per workload role (label `platform.agents.io/role`, the dedicated-role taint on
 *   non-system pools) with autoscaling between the pool's min and max; `system` is the cluster's
 *   default pool (DOKS requires one in the cluster resource), the others are separate pools;
 * - an encrypted SSD StorageClass (`encrypted-ssd`): DigitalOcean block storage through DOKS's CSI
 *   driver, LUKS with a key this stack generates, `Retain`, `WaitForFirstConsumer` (./storage.ts);
 * - a private, versioned Spaces bucket with lifecycle rules from the retention figures, and a
 *   bucket-scoped Spaces key whose credentials are Pulumi secrets (./objectStore.ts);
 * - the kubeconfig as a secret, authenticating through doctl (no token stored).
 *
 * What DOKS cannot give (zones, customer keys for etcd, node disks and the bucket, audit logs) is
 * announced in `target.warnings` (./guarantees.ts), never passed over.
 */
import { getKubernetesVersionsOutput } from "@pulumi/digitalocean/getKubernetesVersions";
import { KubernetesCluster } from "@pulumi/digitalocean/kubernetesCluster";
import { KubernetesNodePool } from "@pulumi/digitalocean/kubernetesNodePool";
import { Vpc } from "@pulumi/digitalocean/vpc";
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget, NODE_ROLE_LABEL } from "../contract";
import { DoksClusterArgs, resolveDoksClusterArgs, validateDoksClusterArgs } from "./args";
import { StaticCredentialsBinder } from "../existing/existingCluster";
import { apiEndpointWarning, doksUnmetGuarantees, STATIC_CREDENTIALS_WARNING, VOLUME_KEY_WARNING } from "./guarantees";
import { buildDoksKubeconfig, doTags, firewallAllowedAddresses, poolArgs, versionPrefix } from "./helpers";
import { createSpacesStore } from "./objectStore";
import { createEncryptedStorage } from "./storage";

/** The weekly maintenance window for automatic upgrades (UTC), the same slot as GKE and AKS. */
export const MAINTENANCE_WINDOW = { day: "saturday", startTime: "00:00" } as const;

export type { DoksClusterArgs };

/** A DOKS cluster; `target` is what the platform layer uses. */
export class DoksCluster extends pulumi.ComponentResource {
    /** The cluster as the platform layer sees it. */
    public readonly target: ClusterTarget;
    /** DigitalOcean's id of the cluster (a UUID). */
    public readonly clusterId: pulumi.Output<string>;
    /** The API server URL. */
    public readonly endpoint: pulumi.Output<string>;
    /** The exact version slug running, e.g. `1.36.2-do.0`. */
    public readonly versionSlug: pulumi.Output<string>;
    /** Kubeconfig (secret; credentials through doctl). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The Spaces bucket's name. */
    public readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: DoksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:digitalocean:DoksCluster", name, {}, opts);
        validateDoksClusterArgs(args);
        const a = resolveDoksClusterArgs(args);
        const parent = { parent: this };
        const protect = a.protectStateful;
        const tags = doTags(a.tags);
        const allowed = firewallAllowedAddresses(a.network.cidr, a.controlPlaneAllowedCidrs, a.endpoint);

        const vpc = new Vpc(`${name}-vpc`, { region: a.region, ipRange: a.network.cidr, description: `Kubernetes cluster ${name}` }, parent);

        const prefix = versionPrefix(a.kubernetesVersion);
        const version = getKubernetesVersionsOutput({ versionPrefix: prefix }, parent).latestVersion.apply((v) => {
            if (!v) {
                throw new pulumi.ResourceError(
                    `DigitalOcean offers no Kubernetes ${a.kubernetesVersion} (no version starts with ${prefix}); pick a supported minor (doctl kubernetes options versions)`,
                    this,
                );
            }
            return v;
        });

        const [systemPool, ...otherPools] = [...a.nodePools].sort((x, y) => (x.role === "system" ? -1 : y.role === "system" ? 1 : 0));
        const cluster = new KubernetesCluster(
            name,
            {
                name,
                region: a.region,
                version,
                vpcUuid: vpc.id,
                clusterSubnet: a.network.podCidr,
                serviceSubnet: a.network.serviceCidr,
                ha: true,
                autoUpgrade: true,
                surgeUpgrade: true,
                maintenancePolicy: { ...MAINTENANCE_WINDOW },
                controlPlaneFirewall: { enabled: true, allowedAddresses: allowed },
                destroyAllAssociatedResources: false,
                registryIntegration: false,
                nodePool: poolArgs(systemPool, tags),
                tags,
            },
            parent,
        );
        const pools = otherPools.map((p) => new KubernetesNodePool(`${name}-${p.role}`, { clusterId: cluster.id, ...poolArgs(p, tags) }, parent));

        const kubeconfig = pulumi.secret(
            pulumi.all([cluster.name, cluster.id, cluster.endpoint, cluster.kubeConfigs]).apply(([n, id, endpoint, configs]) => {
                const ca = configs?.[0]?.clusterCaCertificate;
                if (!ca) {
                    throw new pulumi.ResourceError(`DOKS cluster ${n} reported no cluster CA certificate`, this);
                }
                return JSON.stringify(buildDoksKubeconfig({ clusterName: n, clusterId: id, endpoint, certificateAuthorityData: ca }));
            }),
        );
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { ...parent, dependsOn: [cluster, ...pools] });
        const storage = createEncryptedStorage({ name, provider, protect, parent: this, dependsOn: [cluster] });

        const spacesRegion = a.spacesRegion;
        const store = createSpacesStore({ name, region: spacesRegion, retention: a.retention, protect, parent: this });

        const warnings = [...doksUnmetGuarantees(a.region, spacesRegion), apiEndpointWarning(allowed), STATIC_CREDENTIALS_WARNING, VOLUME_KEY_WARNING];

        this.clusterId = cluster.id;
        this.endpoint = cluster.endpoint;
        this.versionSlug = cluster.version;
        this.kubeconfig = kubeconfig;
        this.vpcId = vpc.id;
        this.bucketName = store.bucket.name;
        this.target = {
            cloud: "digitalocean",
            clusterName: cluster.name,
            provider,
            kubeconfig,
            zones: [],
            ssdStorageClass: storage.storageClass.metadata.name,
            objectStore: store.store,
            workloadIdentity: new StaticCredentialsBinder(),
            nodeRoleLabel: NODE_ROLE_LABEL,
            readyResources: [cluster, ...pools, storage.secret, storage.storageClass],
            warnings,
        };
        this.registerOutputs({
            clusterId: this.clusterId,
            endpoint: this.endpoint,
            versionSlug: this.versionSlug,
            kubeconfig: this.kubeconfig,
            vpcId: this.vpcId,
            bucketName: this.bucketName,
        });
    }
}
