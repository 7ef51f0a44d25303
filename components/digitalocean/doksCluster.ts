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
import type { DigitalOceanConfig } from "../../config/types";
import { ClusterArgsBase, ClusterTarget, NODE_ROLE_LABEL } from "../contract";
import { StaticCredentialsBinder } from "../existing/existingCluster";
import { apiEndpointWarning, doksUnmetGuarantees, STATIC_CREDENTIALS_WARNING, VOLUME_KEY_WARNING } from "./guarantees";
import { buildDoksKubeconfig, doTags, firewallAllowedAddresses, poolArgs, versionPrefix } from "./helpers";
import { createSpacesStore } from "./objectStore";
import { createEncryptedStorage } from "./storage";

/** The weekly maintenance window for automatic upgrades (UTC), the same slot as GKE and AKS. */
export const MAINTENANCE_WINDOW = { day: "saturday", startTime: "00:00" } as const;

/** Arguments of `DoksCluster`. `zones` must be empty: a DigitalOcean region has none. */
export interface DoksClusterArgs extends ClusterArgsBase, Partial<DigitalOceanConfig> {
    /** Region slug, e.g. `fra1`. */
    region: string;
}

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
        validate(args);
        const parent = { parent: this };
        const protect = args.protectStateful ?? true;
        const tags = doTags(args.tags ?? {});
        const allowed = firewallAllowedAddresses(args.network.cidr, args.controlPlaneAllowedCidrs ?? [], args.endpoint);

        const vpc = new Vpc(`${name}-vpc`, { region: args.region, ipRange: args.network.cidr, description: `Kubernetes cluster ${name}` }, parent);

        const prefix = versionPrefix(args.kubernetesVersion);
        const version = getKubernetesVersionsOutput({ versionPrefix: prefix }, parent).latestVersion.apply((v) => {
            if (!v) {
                throw new pulumi.ResourceError(`DigitalOcean offers no Kubernetes ${args.kubernetesVersion} (no version starts with ${prefix}); pick a supported minor (doctl kubernetes options versions)`, this);
            }
            return v;
        });

        const [systemPool, ...otherPools] = [...args.nodePools].sort((a, b) => (a.role === "system" ? -1 : b.role === "system" ? 1 : 0));
        const cluster = new KubernetesCluster(
            name,
            {
                name,
                region: args.region,
                version,
                vpcUuid: vpc.id,
                clusterSubnet: args.network.podCidr,
                serviceSubnet: args.network.serviceCidr,
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
            pulumi
                .all([cluster.name, cluster.id, cluster.endpoint, cluster.kubeConfigs])
                .apply(([n, id, endpoint, configs]) => {
                    const ca = configs?.[0]?.clusterCaCertificate;
                    if (!ca) {
                        throw new pulumi.ResourceError(`DOKS cluster ${n} reported no cluster CA certificate`, this);
                    }
                    return JSON.stringify(buildDoksKubeconfig({ clusterName: n, clusterId: id, endpoint, certificateAuthorityData: ca }));
                }),
        );
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { ...parent, dependsOn: [cluster, ...pools] });
        const storage = createEncryptedStorage({ name, provider, protect, parent: this, dependsOn: [cluster] });

        const spacesRegion = args.spacesRegion || args.region;
        const store = createSpacesStore({ name, region: spacesRegion, retention: args.retention, protect, parent: this });

        const warnings = [...doksUnmetGuarantees(args.region, spacesRegion), apiEndpointWarning(allowed), STATIC_CREDENTIALS_WARNING, VOLUME_KEY_WARNING];

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

/** Rejects arguments DOKS cannot take, naming the argument, what was found and what is allowed. */
function validate(args: DoksClusterArgs): void {
    const fail = (propertyPath: string, reason: string): never => {
        throw new pulumi.InputPropertyError({ propertyPath, reason });
    };
    if (args.zones.length > 0) {
        fail("zones", `found ${JSON.stringify(args.zones)}; a DigitalOcean region has no availability zones, pass []`);
    }
    if (!/^[a-z]{3}\d$/.test(args.region)) {
        fail("region", `found ${JSON.stringify(args.region)}; a DigitalOcean region slug such as fra1`);
    }
    const roles = args.nodePools.map((p) => p.role);
    if (!roles.includes("system")) {
        fail("nodePools", `found roles ${JSON.stringify(roles)}; a system pool is required (it becomes the cluster's default pool)`);
    }
    if (new Set(roles).size !== roles.length) {
        fail("nodePools", `found roles ${JSON.stringify(roles)}; one pool per role`);
    }
    for (const p of args.nodePools) {
        if (p.minNodes < 1 || p.maxNodes < p.minNodes) {
            fail(`nodePools.${p.role}`, `found minNodes ${p.minNodes}, maxNodes ${p.maxNodes}; need 1 <= minNodes <= maxNodes`);
        }
    }
}
