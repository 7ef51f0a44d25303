/**
 * A production EKS cluster from raw @pulumi/aws resources (not @pulumi/eks, a remote component the
 * mocks cannot see into), returning the platform's `ClusterTarget`:
 *
 * - VPC over the zones (network.ts): public + private subnet per zone, NAT per zone or one;
 * - control plane: pinned version, private endpoint (public only when asked, CIDR-restricted),
 *   secrets envelope-encrypted with a customer-managed KMS key (rotation on, protected), all five
 *   log types into a KMS-encrypted log group kept `retention.auditLogDays`, access entries
 *   (authentication mode API) for the admin principals, an IAM OIDC provider for IRSA;
 * - managed node groups per workload role (nodeGroups.ts): encrypted gp3 root volumes, IMDSv2,
 *   node auto-repair; they are each pool's floor (`minNodes`);
 * - EKS Auto Mode (autoMode.ts) for node autoscaling above the floor: a NodeClass per pool (the
 *   pool's encrypted disk, the cluster key, the private subnets of every zone, its own node role)
 *   and a NodePool per pool up to `maxNodes`, carrying the role label and taint;
 * - add-ons (addons.ts): vpc-cni enforcing NetworkPolicies, kube-proxy, coredns, EBS CSI driver
 *   with its own IRSA role, metrics-server (HPAs); a default `gp3-encrypted` StorageClass;
 * - an S3 object store (objectStore.ts) and an IRSA workload-identity binder (identity.ts).
 *
 * Deploying needs credentials that are (or assume) one of `adminPrincipalArns`, and, when the
 * public endpoint is off, a network path to the private endpoint (VPN, peering, or a runner in
 * the VPC): the Kubernetes provider talks to the API server.
 */
import { LogGroup } from "@pulumi/aws/cloudwatch/logGroup";
import { AccessEntry } from "@pulumi/aws/eks/accessEntry";
import { AccessPolicyAssociation } from "@pulumi/aws/eks/accessPolicyAssociation";
import { Addon } from "@pulumi/aws/eks/addon";
import { Cluster } from "@pulumi/aws/eks/cluster";
import { getAddonVersionOutput } from "@pulumi/aws/eks/getAddonVersion";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { OpenIdConnectProvider } from "@pulumi/aws/iam/openIdConnectProvider";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { Alias } from "@pulumi/aws/kms/alias";
import { Key } from "@pulumi/aws/kms/key";
import { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1/storageClass";
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget, NODE_ROLE_LABEL } from "../contract";
import { EksClusterArgs, resolveEksClusterArgs, validateEksClusterArgs } from "./args";
import { AUTO_MODE_CLUSTER_POLICIES, AUTO_MODE_NODE_POLICIES, createAutoModePools, eksMaxNodes } from "./autoMode";
import { AddonName, addonConfigurationValues, BEFORE_NODES, EBS_CSI_SERVICE_ACCOUNT, pinnedAddonVersion } from "./addons";
import { CONTROL_PLANE_LOG_TYPES, cloudWatchRetentionDays, controlPlaneLogGroupName } from "./controlPlaneLogs";
import {
    clusterEncryptionPolicy,
    clusterKeyPolicy,
    ebsCsiKmsPolicy,
    eksAccessPolicyArn,
    managedPolicyArn,
    partitionOf,
    principalLabels,
    serviceTrustPolicy,
} from "./iamPolicies";
import { createIrsaRole, IrsaBinder } from "./identity";
import { buildKubeconfig } from "./kubeconfig";
import { createNetwork } from "./network";
import { BuiltNodeGroup, createNodeGroups } from "./nodeGroups";
import { createObjectStore, OBJECT_STORE_PREFIXES } from "./objectStore";
import { controlPlanePlacement } from "./zones";

export { OBJECT_STORE_PREFIXES };
export type { EksClusterArgs };

/** Name of the default StorageClass this cluster creates (encrypted gp3 through the EBS CSI driver). */
export const SSD_STORAGE_CLASS = "gp3-encrypted";

/** Managed policies of the node role: join the cluster, run the VPC CNI, pull from ECR, be reachable by SSM. */
export const NODE_ROLE_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
] as const;

/** An EKS cluster with its VPC, node groups, add-ons, object store and workload identity. */
export class EksCluster extends pulumi.ComponentResource {
    /** What the platform layer needs from this cluster. */
    readonly target: ClusterTarget;
    /** EKS cluster name. */
    readonly clusterName: pulumi.Output<string>;
    /** API server URL. */
    readonly endpoint: pulumi.Output<string>;
    /** Base64 PEM of the cluster certificate authority. */
    readonly certificateAuthorityData: pulumi.Output<string>;
    /** OIDC issuer URL of the cluster (IRSA). */
    readonly oidcIssuerUrl: pulumi.Output<string>;
    /** ARN of the IAM OIDC provider (IRSA trust policies federate to it). */
    readonly oidcProviderArn: pulumi.Output<string>;
    /** Admin kubeconfig (exec `aws eks get-token`); a secret. */
    readonly kubeconfig: pulumi.Output<string>;
    /** Kubernetes provider for the cluster. */
    readonly provider: Provider;
    /** Customer-managed KMS key for secrets, node volumes, persistent volumes, logs and the bucket. */
    readonly kmsKeyArn: pulumi.Output<string>;
    /** The cluster's VPC. */
    readonly vpcId: pulumi.Output<string>;
    /** Private subnets (nodes, pods, internal load balancers), zone order. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** Public subnets (internet-facing load balancers, NAT gateways), zone order. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** IAM role of the worker nodes. */
    readonly nodeRoleArn: pulumi.Output<string>;
    /** Object-store bucket name. */
    readonly bucketName: pulumi.Output<string>;
    /** Node groups by role. */
    readonly nodeGroupNames: pulumi.Output<Record<string, string>>;
    /** IAM role of the EKS Auto Mode burst nodes (autoMode.ts). */
    readonly autoNodeRoleArn: pulumi.Output<string>;
    /** Names of the Auto Mode NodePools (one per pool with room above its floor). */
    readonly burstNodePools: pulumi.Output<string>[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:aws:EksCluster", name, {}, opts);
        validateEksClusterArgs(args);
        const a = resolveEksClusterArgs(args);
        const protect = a.protectStateful;
        const tags = a.tags;
        const region = a.region;
        const partition = partitionOf(region);
        const clusterName = name;
        const parent = { parent: this };
        const accountId = getCallerIdentityOutput({}, parent).accountId;
        // Resources go to the AWS provider's region; zones and ARNs assume `region`. A mismatch
        // fails the key (the first resource) with a message instead of a half-built cluster.
        const providerRegion = getRegionOutput({}, parent).region;

        // Customer-managed key: etcd secrets, node and persistent volumes, the log group, the bucket.
        const key = new Key(
            `${name}-key`,
            {
                description: `EKS ${clusterName}: secrets envelope encryption, volumes, logs and object store`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy: pulumi.all([accountId, providerRegion]).apply(([acct, actual]) => {
                    if (actual !== region) {
                        throw new pulumi.ResourceError(
                            `the AWS provider deploys to ${actual} but the cluster's region is ${region}; set aws:region to ${region} or pass a provider for it`,
                            this,
                        );
                    }
                    return JSON.stringify(clusterKeyPolicy(partition, acct, region));
                }),
                tags,
            },
            { ...parent, protect },
        );
        new Alias(`${name}-key`, { name: `alias/${clusterName}`, targetKeyId: key.keyId }, parent);

        const network = createNetwork({ name, clusterName, zones: a.zones, network: a.network, tags, parent: this });

        // Control plane.
        // EKS Auto Mode (node autoscaling, autoMode.ts) has the cluster role tag its sessions.
        const clusterTrust = serviceTrustPolicy("eks", partition);
        clusterTrust.Statement[0].Action = ["sts:AssumeRole", "sts:TagSession"];
        const clusterRole = new Role(`${name}-cluster`, { assumeRolePolicy: JSON.stringify(clusterTrust), tags }, parent);
        const clusterRolePolicies = [
            new RolePolicyAttachment(`${name}-cluster`, { role: clusterRole.name, policyArn: managedPolicyArn(partition, "AmazonEKSClusterPolicy") }, parent),
            new RolePolicy(
                `${name}-cluster-kms`,
                { role: clusterRole.name, policy: key.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))) },
                parent,
            ),
            ...AUTO_MODE_CLUSTER_POLICIES.map(
                (p) => new RolePolicyAttachment(`${name}-cluster-${p}`, { role: clusterRole.name, policyArn: managedPolicyArn(partition, p) }, parent),
            ),
            // Auto Mode launches burst nodes whose root volumes are encrypted with the cluster key.
            new RolePolicy(
                `${name}-cluster-auto-kms`,
                { role: clusterRole.name, policy: key.arn.apply((arn) => JSON.stringify(ebsCsiKmsPolicy(arn))) },
                parent,
            ),
        ];
        const logGroup = new LogGroup(
            `${name}-control-plane`,
            { name: controlPlaneLogGroupName(clusterName), retentionInDays: cloudWatchRetentionDays(a.retention.auditLogDays), kmsKeyId: key.arn, tags },
            { ...parent, protect },
        );
        // The control plane goes only to zones EKS supports (zone IDs from the provider, they differ
        // per account); nodes use every zone. Fewer than two supported zones fail before the cluster.
        const azs = getAvailabilityZonesOutput({ filters: [{ name: "zone-name", values: [...a.zones] }] }, parent);
        const controlPlaneSubnetIds = pulumi.all([azs.names, azs.zoneIds, pulumi.all(network.privateSubnetIds)]).apply(([names, zoneIds, subnets]) => {
            const placement = controlPlanePlacement(a.zones, names, zoneIds);
            if (placement.excluded.length > 0) {
                void pulumi.log.warn(
                    `EKS cannot place a control plane in ${placement.excluded.map((x) => `${x.zone} (${x.zoneId})`).join(", ")}: the control plane uses ${placement.included.map((i) => a.zones[i]).join(", ")}; worker nodes use every zone (zones)`,
                    this,
                );
            }
            if (placement.included.length < 2) {
                throw new pulumi.ResourceError(
                    `zones: EKS needs two zones that can host its control plane; of ${a.zones.join(", ")} only ${placement.included.map((i) => a.zones[i]).join(", ") || "none"} can (zone IDs ${zoneIds.join(", ")}): add another zone of ${region}`,
                    this,
                );
            }
            return placement.included.map((i) => subnets[i]);
        });
        const cluster = new Cluster(
            `${name}-eks`,
            {
                name: clusterName,
                version: a.kubernetesVersion,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: controlPlaneSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: a.endpoint.publicAccess,
                    ...(a.endpoint.publicAccess ? { publicAccessCidrs: a.endpoint.publicAccessCidrs } : {}),
                },
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: a.network.serviceCidr, elasticLoadBalancing: { enabled: true } },
                // EKS Auto Mode: compute, block storage and load balancing are switched on together.
                // No built-in node pools: the platform's NodeClasses/NodePools (autoMode.ts) say
                // what burst nodes look like.
                computeConfig: { enabled: true, nodePools: [] },
                storageConfig: { blockStorage: { enabled: true } },
                // Every add-on is an EKS managed add-on below; none is installed unmanaged.
                bootstrapSelfManagedAddons: false,
                upgradePolicy: { supportType: "STANDARD" },
                deletionProtection: protect,
                tags,
            },
            { ...parent, dependsOn: [...clusterRolePolicies, logGroup] },
        );
        const issuerUrl = cluster.identities.apply((ids) => {
            const issuer = ids?.[0]?.oidcs?.[0]?.issuer;
            if (!issuer) {
                throw new pulumi.ResourceError(`EKS cluster ${clusterName} reported no OIDC issuer`, this);
            }
            return issuer;
        });
        const oidc = new OpenIdConnectProvider(`${name}-oidc`, { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags }, parent);

        // Cluster admins through access entries (no aws-auth ConfigMap).
        const adminLabels = principalLabels(a.adminPrincipalArns);
        const adminAccess = a.adminPrincipalArns.map((principalArn, i) => {
            const n = `${name}-admin-${adminLabels[i]}`;
            const entry = new AccessEntry(n, { clusterName: cluster.name, principalArn, type: "STANDARD", tags }, parent);
            return new AccessPolicyAssociation(
                n,
                {
                    clusterName: cluster.name,
                    principalArn,
                    policyArn: eksAccessPolicyArn(partition, "AmazonEKSClusterAdminPolicy"),
                    accessScope: { type: "cluster" },
                },
                { ...parent, dependsOn: [entry] },
            );
        });

        // Nodes.
        const nodeRole = new Role(`${name}-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2", partition)), tags }, parent);
        const nodeRolePolicies = NODE_ROLE_POLICIES.map(
            (p) => new RolePolicyAttachment(`${name}-node-${p}`, { role: nodeRole.name, policyArn: managedPolicyArn(partition, p) }, parent),
        );
        const addon = (addonName: AddonName, extra: { serviceAccountRoleArn?: pulumi.Input<string> }, dependsOn: pulumi.Resource[]): Addon =>
            new Addon(
                `${name}-${addonName}`,
                {
                    clusterName: cluster.name,
                    addonName,
                    addonVersion: pinnedAddonVersion(addonName, a.kubernetesVersion) ?? this.defaultAddonVersion(addonName, a.kubernetesVersion),
                    configurationValues: addonConfigurationValues(addonName),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    ...extra,
                    tags,
                },
                { ...parent, dependsOn },
            );
        const earlyAddons = BEFORE_NODES.map((n) => addon(n, {}, []));
        const nodeGroups: BuiltNodeGroup[] = createNodeGroups({
            name,
            clusterName: cluster.name,
            kubernetesVersion: a.kubernetesVersion,
            pools: a.nodePools,
            subnetIds: network.privateSubnetIds,
            nodeRoleArn: nodeRole.arn,
            kmsKeyArn: key.arn,
            tags,
            parent: this,
            dependsOn: [...nodeRolePolicies, ...earlyAddons],
        });

        // EBS CSI driver with its own IRSA role (managed policy + use of the cluster key).
        const ebsCsiRole = createIrsaRole(
            {
                name: `${name}-ebs-csi`,
                oidcProviderArn: oidc.arn,
                issuerUrl,
                namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
                serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
                tags,
            },
            parent,
        );
        const ebsCsiPolicies = [
            new RolePolicyAttachment(
                `${name}-ebs-csi`,
                { role: ebsCsiRole.name, policyArn: managedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy") },
                parent,
            ),
            new RolePolicy(`${name}-ebs-csi-kms`, { role: ebsCsiRole.name, policy: key.arn.apply((arn) => JSON.stringify(ebsCsiKmsPolicy(arn))) }, parent),
        ];
        const nodeGroupResources = nodeGroups.map((g) => g.nodeGroup);

        // Auto Mode's burst nodes: their own IAM role, joined through an EC2 access entry.
        const autoNodeRole = new Role(`${name}-auto-node`, { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2", partition)), tags }, parent);
        const autoNodePolicies = AUTO_MODE_NODE_POLICIES.map(
            (p) => new RolePolicyAttachment(`${name}-auto-node-${p}`, { role: autoNodeRole.name, policyArn: managedPolicyArn(partition, p) }, parent),
        );
        const autoNodeEntry = new AccessEntry(`${name}-auto-node`, { clusterName: cluster.name, principalArn: autoNodeRole.arn, type: "EC2", tags }, parent);
        const autoNodeAccess = new AccessPolicyAssociation(
            `${name}-auto-node`,
            {
                clusterName: cluster.name,
                principalArn: autoNodeRole.arn,
                policyArn: eksAccessPolicyArn(partition, "AmazonEKSAutoNodePolicy"),
                accessScope: { type: "cluster" },
            },
            { ...parent, dependsOn: [autoNodeEntry] },
        );
        // CoreDNS and the CSI controller schedule onto nodes, so they come after the node groups.
        const coredns = addon("coredns", {}, nodeGroupResources);
        const ebsCsiAddon = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, [...nodeGroupResources, ...ebsCsiPolicies]);
        // metrics-server: the resource metrics API every HorizontalPodAutoscaler reads.
        const metricsServer = addon("metrics-server", {}, nodeGroupResources);
        const addons = [...earlyAddons, coredns, ebsCsiAddon, metricsServer];

        // Kubernetes access.
        const kubeconfig = pulumi.secret(
            pulumi
                .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
                .apply(([n, endpoint, ca]) => JSON.stringify(buildKubeconfig({ clusterName: n, endpoint, certificateAuthorityData: ca.data, region }))),
        );
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { ...parent, dependsOn: adminAccess });
        const storageClass = new StorageClass(
            `${name}-${SSD_STORAGE_CLASS}`,
            {
                metadata: { name: SSD_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true", kmsKeyId: key.arn, "csi.storage.k8s.io/fstype": "ext4" },
                volumeBindingMode: "WaitForFirstConsumer",
                reclaimPolicy: "Retain",
                allowVolumeExpansion: true,
            },
            { ...parent, provider, dependsOn: [ebsCsiAddon] },
        );

        const autoMode = createAutoModePools({
            name,
            pools: a.nodePools,
            zones: a.zones,
            nodeRoleName: autoNodeRole.name,
            subnetIds: network.privateSubnetIds,
            securityGroupId: cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId),
            kmsKeyArn: key.arn,
            tags,
            provider,
            parent: this,
            dependsOn: [...autoNodePolicies, autoNodeAccess, ...nodeGroupResources],
        });

        // Object store and workload identity.
        const store = createObjectStore({ name, region, drRegion: a.drRegion, kmsKeyArn: key.arn, retention: a.retention, protect, tags, parent: this });
        const binder = new IrsaBinder({
            namePrefix: name,
            oidcProviderArn: oidc.arn,
            issuerUrl,
            bucketArn: store.bucket.arn,
            kmsKeyArn: key.arn,
            secretArnPattern: pulumi.interpolate`arn:${partition}:secretsmanager:${region}:${accountId}:secret:${cluster.name}/*`,
            tags,
            parent: this,
        });

        const warnings: string[] = [];
        if (a.network.natGateways === "single") {
            warnings.push("one NAT gateway for all zones: node egress stops if its zone fails (network.natGateways: single)");
        }
        if (a.endpoint.publicAccess) {
            warnings.push(`the API server has a public endpoint, reachable from ${a.endpoint.publicAccessCidrs.join(", ")} (endpoint.publicAccess: true)`);
        }

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.certificateAuthorityData = cluster.certificateAuthority.apply((ca) => ca.data);
        this.oidcIssuerUrl = issuerUrl;
        this.oidcProviderArn = oidc.arn;
        this.kubeconfig = kubeconfig;
        this.provider = provider;
        this.kmsKeyArn = key.arn;
        this.vpcId = network.vpc.id;
        this.privateSubnetIds = pulumi.output(network.privateSubnetIds);
        this.publicSubnetIds = pulumi.output(network.publicSubnetIds);
        this.nodeRoleArn = nodeRole.arn;
        this.bucketName = store.bucket.bucket;
        this.autoNodeRoleArn = autoNodeRole.arn;
        this.burstNodePools = autoMode.nodePools.map((p) => p.metadata.name);
        this.nodeGroupNames = pulumi.output(Object.fromEntries(nodeGroups.map((g) => [g.spec.role, g.nodeGroup.nodeGroupName])));
        this.target = {
            cloud: "aws",
            clusterName: this.clusterName,
            provider,
            kubeconfig,
            zones: [...a.zones],
            ssdStorageClass: storageClass.metadata.name,
            objectStore: store.store,
            workloadIdentity: binder,
            secretManager: { kind: "awsSecretsManager", region, namePrefix: pulumi.interpolate`${cluster.name}/` },
            nodeRoleLabel: NODE_ROLE_LABEL,
            maxNodes: eksMaxNodes(a.nodePools),
            readyResources: [...nodeGroupResources, ...addons, storageClass],
            warnings,
        };
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            kubeconfig: this.kubeconfig,
            kmsKeyArn: this.kmsKeyArn,
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            nodeRoleArn: this.nodeRoleArn,
            bucketName: this.bucketName,
            nodeGroupNames: this.nodeGroupNames,
        });
    }

    /** EKS's default version of an add-on for a Kubernetes minor missing from the pinned table. */
    private defaultAddonVersion(addonName: AddonName, kubernetesVersion: string): pulumi.Output<string> {
        return getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, { parent: this }).version;
    }
}
