/**
 * A production GKE cluster behind the `ClusterTarget` contract, from raw @pulumi/gcp resources:
 *
 * - network: a custom-mode VPC, one regional subnet with secondary ranges for pods and services
 *   (VPC-native), Private Google Access, flow logs; a Cloud Router with Cloud NAT so private nodes
 *   reach the internet (Cloud NAT is a regional, zone-redundant managed service: one per region
 *   serves every zone, so `natGateways: perZone` needs no more than one);
 * - keys: a Cloud KMS key ring with three keys (etcd secrets, node and volume disks, bucket),
 *   rotated, protected, and granted to the service agents that use them;
 * - the cluster: regional over the configured zones, private nodes, private endpoint unless the
 *   stack opens a public one to named CIDRs, release channel with a minimum version, maintenance
 *   window, application-layer secrets encryption, Workload Identity, Dataplane V2, shielded nodes,
 *   system and workload logging, managed Prometheus, control-plane audit logs routed to a log
 *   bucket kept for the audit retention; default node pool removed;
 * - a node pool per workload role (label `platform.agents.io/role`, a taint on non-system pools)
 *   with per-zone autoscaling whose total meets the pool's minimum, CMEK-encrypted SSD boot disks,
 *   shielded VMs, auto-repair and auto-upgrade, a least-privilege node service account;
 * - a CMEK, versioned, uniform-access, public-access-prevented GCS bucket with lifecycle rules from
 *   the retention figures, and an encrypted, retained SSD StorageClass.
 */
import { Cluster } from "@pulumi/gcp/container/cluster";
import { NodePool } from "@pulumi/gcp/container/nodePool";
import { Network } from "@pulumi/gcp/compute/network";
import { Router } from "@pulumi/gcp/compute/router";
import { RouterNat } from "@pulumi/gcp/compute/routerNat";
import { Subnetwork } from "@pulumi/gcp/compute/subnetwork";
import { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { CryptoKeyIAMMember } from "@pulumi/gcp/kms/cryptoKeyIAMMember";
import { KeyRing } from "@pulumi/gcp/kms/keyRing";
import { ProjectBucketConfig } from "@pulumi/gcp/logging/projectBucketConfig";
import { ProjectSink } from "@pulumi/gcp/logging/projectSink";
import { getProjectOutput } from "@pulumi/gcp/organizations/getProject";
import { IAMAuditConfig } from "@pulumi/gcp/projects/iamauditConfig";
import { IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects/iammember";
import { Account } from "@pulumi/gcp/serviceaccount/account";
import { Bucket } from "@pulumi/gcp/storage/bucket";
import { getProjectServiceAccountOutput } from "@pulumi/gcp/storage/getProjectServiceAccount";
import { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSpec } from "../../config/types";
import { gcsMultiRegion } from "../../config/operations";
import { ClusterArgsBase, ClusterTarget, NODE_ROLE_LABEL, NODE_ROLE_TAINT, ObjectStore } from "../contract";
import { buildGkeKubeconfig, computeServiceAgent, gcpLabels, gkeServiceAgent, perZoneCounts, serviceAccountId } from "./helpers";
import { NONCURRENT_VERSION_DAYS, retentionRules } from "../retention";
import { GkeWorkloadIdentityBinder } from "./workloadIdentity";

/** A recurring maintenance window: the first occurrence (RFC 3339, UTC) and an RFC 5545 RRULE. */
export interface GkeMaintenanceWindow {
    startTime: string;
    endTime: string;
    recurrence: string;
}

/** Arguments of `GkeCluster`. */
export interface GkeClusterArgs extends ClusterArgsBase {
    /** Google Cloud project ID. */
    project: string;
    /** Region of the regional cluster, e.g. `europe-west4`; `zones` must be zones of it. */
    region: string;
    /**
     * Second region of the backup bucket: with it the bucket is a configurable dual-region
     * (`region` + `drRegion`, both in one of the EU, US or ASIA multi-regions) with turbo
     * replication (RPO 15 min, cloud.google.com/storage/docs/availability-durability#turbo-replication),
     * encrypted with a key in that multi-region's KMS location. Absent: a regional bucket.
     * Changing it replaces the (protected) bucket: copy the data over first (docs/data.md).
     */
    drRegion?: string;
    /**
     * Release channel; GKE upgrades the control plane and nodes within it, never below `kubernetesVersion`.
     * @default "REGULAR"
     */
    releaseChannel?: "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";
    /**
     * The control plane's /28 (must not overlap the VPC, pod or service ranges).
     * @default "172.16.0.0/28"
     */
    masterCidr?: string;
    /**
     * Boot disk type of every node (both are SSD-backed).
     * @default "pd-balanced"
     */
    bootDiskType?: "pd-ssd" | "pd-balanced";
    /**
     * Maintenance window. GKE needs at least 48 hours of window in any 32 days.
     * @default Saturdays and Sundays 00:00-08:00 UTC
     */
    maintenanceWindow?: GkeMaintenanceWindow;
    /**
     * Rotation period of the Cloud KMS keys.
     * @default "7776000s" (90 days)
     */
    keyRotationPeriod?: string;
}

/** Name of the encrypted SSD StorageClass every GKE cluster gets. */
export const GKE_SSD_STORAGE_CLASS = "encrypted-ssd";

/** Names of the subnet's secondary ranges. */
export const POD_RANGE = "pods";
export const SERVICE_RANGE = "services";

/** GKE components whose logs go to Cloud Logging (system, control plane and workloads). */
export const LOGGED_COMPONENTS = ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"];

/** GKE components whose metrics go to Cloud Monitoring. */
export const MONITORED_COMPONENTS = ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER", "STORAGE", "HPA", "POD", "DAEMONSET", "DEPLOYMENT", "STATEFULSET"];

/** Roles of the node service account (Google's least-privilege set for GKE nodes, plus image pulls). */
export const NODE_SA_ROLES = ["roles/container.defaultNodeServiceAccount", "roles/artifactregistry.reader"];

/** Role that lets a service agent use a Cloud KMS key. */
export const KMS_USER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

const DEFAULT_WINDOW: GkeMaintenanceWindow = {
    startTime: "2026-01-03T00:00:00Z",
    endTime: "2026-01-03T08:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

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
        const { project, region, zones } = args;
        const protect = args.protectStateful ?? true;
        const labels = gcpLabels(args.tags ?? {});
        const channel = args.releaseChannel ?? "REGULAR";
        const masterCidr = args.masterCidr ?? "172.16.0.0/28";
        const bootDiskType = args.bootDiskType ?? "pd-balanced";
        const window = args.maintenanceWindow ?? DEFAULT_WINDOW;
        const rotationPeriod = args.keyRotationPeriod ?? "7776000s";
        validate(args, masterCidr);

        const projectNumber = getProjectOutput({ projectId: project }, { parent: this }).apply((p) => p.number);

        // Network: VPC-native subnet, router, NAT.
        const network = new Network(`${name}-vpc`, { project, autoCreateSubnetworks: false, routingMode: "REGIONAL", deleteDefaultRoutesOnCreate: false }, { parent: this });
        const subnet = new Subnetwork(
            `${name}-nodes`,
            {
                project,
                region,
                network: network.id,
                ipCidrRange: args.network.cidr,
                privateIpGoogleAccess: true,
                secondaryIpRanges: [
                    { rangeName: POD_RANGE, ipCidrRange: args.network.podCidr },
                    { rangeName: SERVICE_RANGE, ipCidrRange: args.network.serviceCidr },
                ],
                logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
            },
            { parent: this },
        );
        const router = new Router(`${name}-router`, { project, region, network: network.id }, { parent: this });
        const nat = new RouterNat(
            `${name}-nat`,
            {
                project,
                region,
                router: router.name,
                natIpAllocateOption: "AUTO_ONLY",
                sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
                enableEndpointIndependentMapping: false,
                minPortsPerVm: args.network.natGateways === "perZone" ? 256 : 64,
                logConfig: { enable: true, filter: "ERRORS_ONLY" },
            },
            { parent: this },
        );

        // Keys: one ring, one key per purpose, each usable only by the service agent that needs it.
        // Stateful resources survive a destroy or rename twice over: protected, and kept in the cloud
        // if Pulumi ever deletes them (a deleted key would make every backup encrypted with it unreadable).
        const stateful = { parent: this, protect, retainOnDelete: protect };
        const ring = new KeyRing(`${name}-keys`, { project, location: region }, stateful);
        const key = (purpose: string): CryptoKey =>
            new CryptoKey(`${name}-${purpose}`, { keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod, labels, versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" } }, stateful);
        const secretsKey = key("secrets");
        const diskKey = key("disks");
        // A dual-region bucket needs its key in the KMS location of the multi-region around it.
        const multiRegion = args.drRegion ? gcsMultiRegion(region) : undefined;
        const bucketKey = multiRegion
            ? new CryptoKey(
                  `${name}-bucket-dr`,
                  {
                      keyRing: new KeyRing(`${name}-keys-${multiRegion.toLowerCase()}`, { project, location: GCS_KMS_LOCATION[multiRegion] }, stateful).id,
                      purpose: "ENCRYPT_DECRYPT",
                      rotationPeriod,
                      labels,
                      versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" },
                  },
                  stateful,
              )
            : key("bucket");
        const grant = (id: string, k: CryptoKey, member: pulumi.Input<string>): CryptoKeyIAMMember =>
            new CryptoKeyIAMMember(`${name}-${id}`, { cryptoKeyId: k.id, role: KMS_USER_ROLE, member }, { parent: this });
        const secretsGrant = grant("secrets-gke-agent", secretsKey, pulumi.interpolate`serviceAccount:${projectNumber.apply(gkeServiceAgent)}`);
        const diskGrant = grant("disks-compute-agent", diskKey, pulumi.interpolate`serviceAccount:${projectNumber.apply(computeServiceAgent)}`);
        const gcsAgent = getProjectServiceAccountOutput({ project }, { parent: this });
        const bucketGrant = grant("bucket-gcs-agent", bucketKey, pulumi.interpolate`serviceAccount:${gcsAgent.emailAddress}`);

        // Node service account: least privilege instead of the Compute Engine default account.
        const nodeSa = new Account(`${name}-node-sa`, { project, accountId: serviceAccountId(`${name}-nodes`), displayName: `GKE nodes of ${name}` }, { parent: this });
        const nodeSaRoles = NODE_SA_ROLES.map(
            (role) => new ProjectIAMMember(`${name}-node-sa-${role.replace("roles/", "").replace(/\./g, "-")}`, { project, role, member: pulumi.interpolate`serviceAccount:${nodeSa.email}` }, { parent: this }),
        );

        const system = args.nodePools.find((p) => p.role === "system") ?? args.nodePools[0];
        const nodeConfig = (pool: NodePoolSpec) => ({
            machineType: pool.instanceType,
            diskSizeGb: pool.diskSizeGb,
            diskType: bootDiskType,
            bootDiskKmsKey: diskKey.id,
            imageType: "COS_CONTAINERD",
            serviceAccount: nodeSa.email,
            oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            metadata: { "disable-legacy-endpoints": "true" },
            labels: { [NODE_ROLE_LABEL]: pool.role },
            taints: pool.role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: pool.role, effect: "NO_SCHEDULE" }],
            resourceLabels: { ...labels, role: pool.role },
        });

        const authorized = [{ cidrBlock: args.network.cidr, displayName: "cluster-vpc" }, ...args.endpoint.publicAccessCidrs.map((c, i) => ({ cidrBlock: c, displayName: `public-${i}` }))];
        const cluster = new Cluster(
            name,
            {
                name,
                project,
                location: region,
                nodeLocations: zones,
                network: network.id,
                subnetwork: subnet.id,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE, servicesSecondaryRangeName: SERVICE_RANGE, stackType: "IPV4" },
                // The default pool exists only while the cluster is created; it gets the system pool's
                // hardened settings so that even it meets the policies.
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: nodeConfig(system),
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    enablePrivateEndpoint: !args.endpoint.publicAccess,
                    masterIpv4CidrBlock: masterCidr,
                    masterGlobalAccessConfig: { enabled: false },
                },
                masterAuthorizedNetworksConfig: { cidrBlocks: authorized, gcpPublicCidrsAccessEnabled: false, privateEndpointEnforcementEnabled: true },
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                releaseChannel: { channel },
                minMasterVersion: args.kubernetesVersion,
                maintenancePolicy: { recurringWindow: window },
                databaseEncryption: { state: "ENCRYPTED", keyName: secretsKey.id },
                workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
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
                deletionProtection: protect,
                resourceLabels: labels,
            },
            {
                parent: this,
                dependsOn: [secretsGrant, diskGrant, nat, ...nodeSaRoles],
                // Settings of the removed default pool: changing them must not replace the cluster.
                ignoreChanges: ["nodeConfig", "initialNodeCount"],
            },
        );

        const nodePools: Record<string, NodePool> = {};
        for (const pool of args.nodePools) {
            const counts = perZoneCounts(pool, zones.length);
            nodePools[pool.role] = new NodePool(
                `${name}-${pool.role}`,
                {
                    project,
                    cluster: cluster.name,
                    location: region,
                    nodeLocations: zones,
                    initialNodeCount: counts.initialNodeCount,
                    autoscaling: { minNodeCount: counts.minNodeCount, maxNodeCount: counts.maxNodeCount, locationPolicy: "BALANCED" },
                    management: { autoRepair: true, autoUpgrade: true },
                    upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
                    nodeConfig: nodeConfig(pool),
                },
                // The autoscaler owns the live size; the initial count only matters at creation.
                { parent: this, dependsOn: [diskGrant], ignoreChanges: ["initialNodeCount"] },
            );
        }

        // Audit: Kubernetes Data Access audit logs on top of the always-on Admin Activity logs, all
        // of them routed to a log bucket kept for the audit retention.
        const auditConfig = new IAMAuditConfig(
            `${name}-k8s-audit`,
            { project, service: "container.googleapis.com", auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }] },
            { parent: this },
        );
        const auditBucket = new ProjectBucketConfig(
            `${name}-audit`,
            { project, location: region, bucketId: `${name}-audit`, retentionDays: args.retention.auditLogDays, description: `Kubernetes audit logs of ${name}` },
            stateful,
        );
        new ProjectSink(
            `${name}-audit`,
            {
                project,
                destination: pulumi.interpolate`logging.googleapis.com/projects/${project}/locations/${region}/buckets/${auditBucket.bucketId}`,
                filter: pulumi.interpolate`logName:"cloudaudit.googleapis.com" AND resource.type="k8s_cluster" AND resource.labels.cluster_name="${cluster.name}"`,
                uniqueWriterIdentity: true,
            },
            { parent: this, dependsOn: [auditConfig] },
        );

        // Object store.
        const bucket = new Bucket(
            `${name}-backups`,
            {
                project,
                location: multiRegion ?? region.toUpperCase(),
                ...(multiRegion ? { customPlacementConfig: { dataLocations: [region.toUpperCase(), args.drRegion!.toUpperCase()] }, rpo: "ASYNC_TURBO" } : {}),
                storageClass: "STANDARD",
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                versioning: { enabled: true },
                encryption: { defaultKmsKeyName: bucketKey.id },
                forceDestroy: false,
                softDeletePolicy: { retentionDurationSeconds: NONCURRENT_VERSION_DAYS * 86400 },
                lifecycleRules: [
                    ...retentionRules(args.retention).map((r) => ({ action: { type: "Delete" }, condition: { age: r.days, matchesPrefixes: [r.prefix], withState: "LIVE" } })),
                    { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: NONCURRENT_VERSION_DAYS, withState: "ARCHIVED" } },
                    { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
                ],
                labels,
            },
            { ...stateful, dependsOn: [bucketGrant] },
        );
        const bucketName = bucket.name;

        // Kubernetes access.
        const kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.masterAuth])
                .apply(([n, endpoint, auth]) => JSON.stringify(buildGkeKubeconfig({ contextName: `gke_${project}_${region}_${n}`, endpoint, caCertificate: auth.clusterCaCertificate ?? "" }))),
        );
        const pools = Object.values(nodePools);
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: pools });
        const storageClass = new StorageClass(
            `${name}-ssd`,
            {
                metadata: { name: GKE_SSD_STORAGE_CLASS, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                provisioner: "pd.csi.storage.gke.io",
                parameters: { type: "pd-ssd", "disk-encryption-kms-key": diskKey.id, "csi.storage.k8s.io/fstype": "ext4" },
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider },
        );

        const objectStore: ObjectStore = {
            kind: "gcs",
            bucket: bucketName,
            region,
            url: (prefix: string) => pulumi.interpolate`gs://${bucketName}/${prefix}`,
        };
        const binder = new GkeWorkloadIdentityBinder({ project, bucket: bucketName, parent: this, dependsOn: [cluster] });

        this.clusterName = cluster.name;
        this.kubeconfig = kubeconfig;
        this.secretsKeyId = secretsKey.id;
        this.bucketName = bucketName;
        this.nodePools = nodePools;
        this.target = {
            cloud: "gcp",
            clusterName: cluster.name,
            provider,
            kubeconfig,
            zones: [...zones],
            ssdStorageClass: storageClass.metadata.name,
            objectStore,
            workloadIdentity: binder,
            nodeRoleLabel: NODE_ROLE_LABEL,
            readyResources: [...pools, storageClass],
            warnings: [],
        };
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig, secretsKeyId: this.secretsKeyId, bucketName });
    }
}

/** Cloud KMS location of each GCS multi-region (a dual-region bucket's key lives there). */
export const GCS_KMS_LOCATION = { EU: "europe", US: "us", ASIA: "asia" } as const;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Rejects arguments GKE would reject later, naming the argument. */
function validate(args: GkeClusterArgs, masterCidr: string): void {
    const fail = (propertyPath: string, reason: string): never => {
        throw new pulumi.InputPropertyError({ propertyPath, reason });
    };
    if (args.zones.length === 0) {
        fail("zones", "found none; a regional cluster needs its zones (at least 3 for production)");
    }
    args.zones.forEach((z, i) => {
        if (!z.startsWith(`${args.region}-`)) {
            fail(`zones[${i}]`, `found "${z}"; must be a zone of region ${args.region}, e.g. ${args.region}-a`);
        }
    });
    if (args.nodePools.length === 0) {
        fail("nodePools", "found none; a GKE cluster needs at least a system pool");
    }
    const m = CIDR.exec(masterCidr);
    if (!m || m[5] !== "28") {
        fail("masterCidr", `found "${masterCidr}"; must be an IPv4 /28 such as 172.16.0.0/28`);
    }
    for (const [key, cidr] of [["network.cidr", args.network.cidr], ["network.podCidr", args.network.podCidr], ["network.serviceCidr", args.network.serviceCidr]] as const) {
        if (cidrsOverlap(masterCidr, cidr)) {
            fail("masterCidr", `found "${masterCidr}"; overlaps ${key} (${cidr}), choose a /28 outside every cluster range`);
        }
    }
}

/** Whether two IPv4 CIDRs overlap (pure). */
export function cidrsOverlap(a: string, b: string): boolean {
    const range = (c: string): [number, number] => {
        const m = CIDR.exec(c);
        if (!m) {
            throw new Error(`not an IPv4 CIDR: ${c}`);
        }
        const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
        const size = 2 ** (32 - Number(m[5]));
        const start = ip - (ip % size);
        return [start, start + size - 1];
    };
    const [a0, a1] = range(a);
    const [b0, b1] = range(b);
    return a0 <= b1 && b0 <= a1;
}
