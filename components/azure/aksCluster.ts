/**
 * A production AKS cluster behind the `ClusterTarget` contract, from @pulumi/azure-native resources:
 *
 * - a resource group, a VNet with the node subnet (service endpoints for Storage and Key Vault);
 *   pods get overlay addresses (Azure CNI overlay) and egress goes through the Standard load
 *   balancer's zone-redundant outbound IPs (one per zone with `natGateways: perZone`);
 * - a Key Vault (RBAC authorisation, purge protection, soft delete) with three rotated keys: etcd
 *   encryption through Key Vault KMS, a disk encryption set for OS and data disks, the storage
 *   account's customer-managed key; each reachable only by the identity that uses it;
 * - the cluster: zones 1-3, Standard or Premium tier, a user-assigned control-plane identity, Entra
 *   ID with Azure RBAC and local accounts disabled, a private API server unless the stack opens a
 *   public one to named ranges, Cilium network policy, OIDC issuer and workload identity, an
 *   auto-upgrade channel and maintenance windows, Azure Monitor metrics, diagnostic settings
 *   sending `kube-audit` and `kube-audit-admin` to a Log Analytics workspace;
 * - a system pool (in the cluster) and one `AgentPool` per other workload role, Premium SSD
 *   managed OS disks of the pool's size, encryption at host, autoscaling over the zones;
 * - a storage account (no public blob access, TLS 1.2, infrastructure encryption, CMK, versioning)
 *   with a backup container and a lifecycle policy from the retention figures, protected; an
 *   encrypted, retained Premium SSD StorageClass using the disk encryption set.
 */
import { getClientConfigOutput, RoleAssignment } from "@pulumi/azure-native/authorization";
import { DiskEncryptionSet } from "@pulumi/azure-native/compute";
import { AgentPool, listManagedClusterUserCredentialsOutput, MaintenanceConfiguration, ManagedCluster } from "@pulumi/azure-native/containerservice";
import { Key, Vault } from "@pulumi/azure-native/keyvault";
import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { DiagnosticSetting } from "@pulumi/azure-native/monitor";
import { Subnet, VirtualNetwork } from "@pulumi/azure-native/network";
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { BlobContainer, BlobServiceProperties, ManagementPolicy, StorageAccount } from "@pulumi/azure-native/storage";
import { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import type { NodePoolSpec } from "../../config/types";
import { ClusterArgsBase, ClusterTarget, NODE_ROLE_LABEL, NODE_ROLE_TAINT, ObjectStore } from "../contract";
import { aksKubeconfig, blobLifecycleRules, carveSubnet, KubeloginMode, nthAddress, roleDefinitionId, ROLES, uniqueName, workspaceRetentionDays } from "./helpers";
import { AksWorkloadIdentityBinder } from "./workloadIdentity";

/** A weekly maintenance window. */
export interface AksMaintenanceWindow {
    /** Day of the week, e.g. `Saturday`. */
    dayOfWeek: "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday";
    /** Start, `HH:mm` in UTC. */
    startTime: string;
    /** Length in hours (at least 4). */
    durationHours: number;
}

/** Arguments of `AksCluster`. */
export interface AksClusterArgs extends ClusterArgsBase {
    /**
     * Azure's paired region of `location` to keep a copy of the backup account in: with it the
     * account is read-access geo-zone-redundant (`Standard_RAGZRS`: three zones here, asynchronous
     * copy to the pair, typically under 15 minutes behind, readable there at
     * `<account>-secondary`); without it zone-redundant only (`Standard_ZRS`). Changing it converts
     * the account in place.
     */
    drRegion?: string;
    /** Azure region, e.g. `westeurope`; `zones` are its availability zones (`1`, `2`, `3`). */
    location: string;
    /** Entra ID groups given cluster-admin through Azure RBAC. */
    adminGroupObjectIds: string[];
    /** Pricing tier: Standard (financially backed SLA) or Premium (adds long-term support). */
    tier: "Standard" | "Premium";
    /**
     * Auto-upgrade channel of the control plane and nodes (`patch` keeps the pinned minor).
     * @default "patch"
     */
    upgradeChannel?: "patch" | "stable" | "rapid" | "node-image";
    /**
     * Maintenance window for cluster and node-image upgrades.
     * @default Saturdays 00:00 UTC for 8 hours
     */
    maintenanceWindow?: AksMaintenanceWindow;
    /**
     * How kubelogin obtains tokens in the exported kubeconfig.
     * @default "azurecli"
     */
    kubeloginMode?: KubeloginMode;
}

/** Name of the encrypted Premium SSD StorageClass every AKS cluster gets. */
export const AKS_SSD_STORAGE_CLASS = "encrypted-ssd";

/** Name of the blob container backups, logs and traces go to. */
export const BACKUP_CONTAINER = "backups";

/** Control-plane log categories sent to Log Analytics (audit, admin audit, Entra ID authentication). */
export const AUDIT_LOG_CATEGORIES = ["kube-audit", "kube-audit-admin", "guard"];

const DEFAULT_WINDOW: AksMaintenanceWindow = { dayOfWeek: "Saturday", startTime: "00:00", durationHours: 8 };

/** A production AKS cluster; `target` is what the platform layer uses. */
export class AksCluster extends pulumi.ComponentResource {
    /** The cluster as the platform layer sees it. */
    public readonly target: ClusterTarget;
    /** Cluster name. */
    public readonly clusterName: pulumi.Output<string>;
    /** Admin kubeconfig (secret). */
    public readonly kubeconfig: pulumi.Output<string>;
    /** Resource group of everything the component creates. */
    public readonly resourceGroupName: pulumi.Output<string>;
    /** Versioned Key Vault key ID that encrypts Kubernetes Secrets in etcd. */
    public readonly kmsKeyId: pulumi.Output<string>;
    /** Storage account of the object store. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** The user node pools, by role (the system pool lives in the cluster resource). */
    public readonly agentPools: Record<string, AgentPool>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:azure:AksCluster", name, {}, opts);
        const { location, zones } = args;
        const protect = args.protectStateful ?? true;
        const tags = args.tags ?? {};
        const window = args.maintenanceWindow ?? DEFAULT_WINDOW;
        const upgradeChannel = args.upgradeChannel ?? "patch";
        const kubeloginMode = args.kubeloginMode ?? "azurecli";
        validate(args);
        const system = args.nodePools.find((p) => p.role === "system")!;
        const userPools = args.nodePools.filter((p) => p.role !== "system");

        const client = getClientConfigOutput({ parent: this });
        const role = (guid: string): pulumi.Output<string> => client.subscriptionId.apply((s) => roleDefinitionId(s, guid));
        // Stateful resources survive a destroy or rename twice over: protected, and kept in the cloud
        // if Pulumi ever deletes them (a deleted key would make every backup encrypted with it unreadable).
        const stateful = { parent: this, protect, retainOnDelete: protect };

        const rg = new ResourceGroup(`${name}-rg`, { location, tags }, { parent: this });
        const resourceGroupName = rg.name;

        // Network.
        const vnet = new VirtualNetwork(`${name}-vnet`, { resourceGroupName, location, addressSpace: { addressPrefixes: [args.network.cidr] }, tags }, { parent: this });
        const nodeSubnet = new Subnet(
            `${name}-nodes`,
            {
                resourceGroupName,
                virtualNetworkName: vnet.name,
                addressPrefix: carveSubnet(args.network.cidr, Math.min(Number(args.network.cidr.split("/")[1]) + 2, 24), 0),
                serviceEndpoints: [{ service: "Microsoft.Storage" }, { service: "Microsoft.KeyVault" }],
                defaultOutboundAccess: false,
            },
            { parent: this },
        );

        // Identities: the control plane's; the storage account's (for its CMK).
        const clusterIdentity = new UserAssignedIdentity(`${name}-cluster-identity`, { resourceGroupName, location, tags }, { parent: this });
        const storageIdentity = new UserAssignedIdentity(`${name}-storage-identity`, { resourceGroupName, location, tags }, { parent: this });

        // Key Vault and keys.
        const vault = new Vault(
            `${name}-kv`,
            {
                resourceGroupName,
                location,
                vaultName: client.subscriptionId.apply((s) => uniqueName(name, `${s}/${location}`, { max: 24 })),
                properties: {
                    tenantId: client.tenantId,
                    sku: { family: "A", name: "premium" },
                    enableRbacAuthorization: true,
                    enablePurgeProtection: true,
                    enableSoftDelete: true,
                    softDeleteRetentionInDays: 90,
                    publicNetworkAccess: "Enabled",
                    networkAcls: { bypass: "AzureServices", defaultAction: "Allow" },
                },
                tags,
            },
            stateful,
        );
        const key = (purpose: string): Key =>
            new Key(
                `${name}-${purpose}`,
                {
                    resourceGroupName,
                    vaultName: vault.name,
                    properties: {
                        kty: "RSA-HSM",
                        keySize: purpose === "kms" ? 2048 : 3072,
                        keyOps: ["wrapKey", "unwrapKey", "encrypt", "decrypt"],
                        attributes: { enabled: true },
                        rotationPolicy: {
                            attributes: { expiryTime: "P2Y" },
                            lifetimeActions: [
                                { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } },
                                { action: { type: "notify" }, trigger: { timeBeforeExpiry: "P30D" } },
                            ],
                        },
                    },
                    tags,
                },
                stateful,
            );
        const kmsKey = key("kms");
        const diskKey = key("disk");
        const storageKey = key("storage");
        const assign = (id: string, principalId: pulumi.Input<string>, guid: string, scope: pulumi.Input<string>): RoleAssignment =>
            new RoleAssignment(`${name}-${id}`, { principalId, principalType: "ServicePrincipal", roleDefinitionId: role(guid), scope }, { parent: this });
        const kmsAccess = assign("kms-crypto-user", clusterIdentity.principalId, ROLES.keyVaultCryptoUser, vault.id);
        const subnetAccess = assign("subnet-network-contributor", clusterIdentity.principalId, ROLES.networkContributor, nodeSubnet.id);
        const storageKeyAccess = assign("storage-key-user", storageIdentity.principalId, ROLES.keyVaultCryptoServiceEncryptionUser, vault.id);

        const des = new DiskEncryptionSet(
            `${name}-des`,
            {
                resourceGroupName,
                location,
                encryptionType: "EncryptionAtRestWithCustomerKey",
                identity: { type: "SystemAssigned" },
                activeKey: { keyUrl: diskKey.keyUri, sourceVault: { id: vault.id } },
                rotationToLatestKeyVersionEnabled: true,
                tags,
            },
            { parent: this },
        );
        const desPrincipal = des.identity.apply((i) => i?.principalId ?? "");
        const desKeyAccess = assign("des-key-user", desPrincipal, ROLES.keyVaultCryptoServiceEncryptionUser, vault.id);
        const desRead = assign("des-cluster-reader", clusterIdentity.principalId, ROLES.reader, des.id);

        // Logs.
        const workspace = new Workspace(
            `${name}-logs`,
            { resourceGroupName, location, sku: { name: "PerGB2018" }, retentionInDays: workspaceRetentionDays(args.retention.auditLogDays), tags },
            stateful,
        );

        const poolProfile = (pool: NodePoolSpec) => ({
            vmSize: pool.instanceType,
            count: pool.desiredNodes,
            minCount: pool.minNodes,
            maxCount: pool.maxNodes,
            enableAutoScaling: true,
            availabilityZones: zones,
            osDiskSizeGB: pool.diskSizeGb,
            osDiskType: "Managed",
            osType: "Linux",
            osSKU: "AzureLinux",
            enableEncryptionAtHost: true,
            enableNodePublicIP: false,
            vnetSubnetID: nodeSubnet.id,
            maxPods: 110,
            type: "VirtualMachineScaleSets",
            nodeLabels: { [NODE_ROLE_LABEL]: pool.role },
            nodeTaints: pool.role === "system" ? [] : [`${NODE_ROLE_TAINT}=${pool.role}:NoSchedule`],
            upgradeSettings: { maxSurge: "33%" },
            tags,
        });

        const cluster = new ManagedCluster(
            name,
            {
                resourceGroupName,
                resourceName: name,
                location,
                dnsPrefix: name,
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier: args.tier },
                supportPlan: args.tier === "Premium" ? "AKSLongTermSupport" : "KubernetesOfficial",
                identity: { type: "UserAssigned", userAssignedIdentities: [clusterIdentity.id] },
                enableRBAC: true,
                disableLocalAccounts: true,
                aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds, tenantID: client.tenantId },
                apiServerAccessProfile: args.endpoint.publicAccess
                    ? { enablePrivateCluster: false, authorizedIPRanges: args.endpoint.publicAccessCidrs }
                    : { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false },
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    networkDataplane: "cilium",
                    networkPolicy: "cilium",
                    podCidr: args.network.podCidr,
                    serviceCidr: args.network.serviceCidr,
                    dnsServiceIP: nthAddress(args.network.serviceCidr, 10),
                    loadBalancerSku: "standard",
                    outboundType: "loadBalancer",
                    loadBalancerProfile: { managedOutboundIPs: { count: args.network.natGateways === "perZone" ? zones.length : 1 } },
                },
                oidcIssuerProfile: { enabled: true },
                securityProfile: {
                    workloadIdentity: { enabled: true },
                    azureKeyVaultKms: { enabled: true, keyId: kmsKey.keyUriWithVersion, keyVaultNetworkAccess: "Public" },
                    imageCleaner: { enabled: true, intervalHours: 168 },
                },
                diskEncryptionSetID: des.id,
                autoUpgradeProfile: { upgradeChannel, nodeOSUpgradeChannel: "NodeImage" },
                azureMonitorProfile: { metrics: { enabled: true, kubeStateMetrics: { metricLabelsAllowlist: "", metricAnnotationsAllowList: "" } } },
                storageProfile: { diskCSIDriver: { enabled: true }, snapshotController: { enabled: true }, fileCSIDriver: { enabled: false }, blobCSIDriver: { enabled: false } },
                agentPoolProfiles: [{ name: system.role, mode: "System", ...poolProfile(system) }],
                // The cluster autoscaler (on per pool) reacts to Pending pods, which the HPAs create at
                // 70 % CPU / 80 % memory: scan every 10 s, balance the zonal node groups of a pool
                // (3 zones), add the node that wastes least, scale down only after 10 minutes under
                // 50 % requested, and move pods with emptyDir (the agents' scratch space) rather than
                // keep nodes forever.
                autoScalerProfile: {
                    scanInterval: "10s",
                    balanceSimilarNodeGroups: "true",
                    expander: "least-waste",
                    scaleDownDelayAfterAdd: "10m",
                    scaleDownUnneededTime: "10m",
                    scaleDownUtilizationThreshold: "0.5",
                    skipNodesWithLocalStorage: "false",
                    skipNodesWithSystemPods: "true",
                    maxGracefulTerminationSec: "600",
                },
                tags,
            },
            {
                parent: this,
                dependsOn: [kmsAccess, subnetAccess, desKeyAccess, desRead],
                // The autoscaler owns the live node count.
                ignoreChanges: ["agentPoolProfiles[0].count"],
            },
        );

        const agentPools: Record<string, AgentPool> = {};
        for (const pool of userPools) {
            agentPools[pool.role] = new AgentPool(
                `${name}-${pool.role}`,
                { resourceGroupName, resourceName: cluster.name, agentPoolName: pool.role, mode: "User", ...poolProfile(pool) },
                { parent: this, ignoreChanges: ["count"] },
            );
        }

        const maintenance = (configName: string): MaintenanceConfiguration =>
            new MaintenanceConfiguration(
                `${name}-${configName}`,
                {
                    resourceGroupName,
                    resourceName: cluster.name,
                    configName,
                    maintenanceWindow: { schedule: { weekly: { dayOfWeek: window.dayOfWeek, intervalWeeks: 1 } }, durationHours: window.durationHours, startTime: window.startTime, utcOffset: "+00:00" },
                },
                { parent: this },
            );
        maintenance("aksManagedAutoUpgradeSchedule");
        maintenance("aksManagedNodeOSUpgradeSchedule");

        new DiagnosticSetting(
            `${name}-audit`,
            {
                name: `${name}-audit`,
                resourceUri: cluster.id,
                workspaceId: workspace.id,
                logAnalyticsDestinationType: "Dedicated",
                logs: AUDIT_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                metrics: [{ category: "AllMetrics", enabled: true }],
            },
            { parent: this },
        );

        // Object store.
        const account = new StorageAccount(
            `${name}-backups`,
            {
                resourceGroupName,
                location,
                accountName: client.subscriptionId.apply((s) => uniqueName(name, `${s}/${location}`, { max: 24, alnum: true })),
                kind: "StorageV2",
                sku: { name: args.drRegion ? "Standard_RAGZRS" : "Standard_ZRS" },
                accessTier: "Hot",
                allowBlobPublicAccess: false,
                allowSharedKeyAccess: false,
                defaultToOAuthAuthentication: true,
                allowCrossTenantReplication: false,
                enableHttpsTrafficOnly: true,
                minimumTlsVersion: "TLS1_2",
                publicNetworkAccess: "Enabled",
                networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", virtualNetworkRules: [{ virtualNetworkResourceId: nodeSubnet.id, action: "Allow" }] },
                identity: { type: "UserAssigned", userAssignedIdentities: [storageIdentity.id] },
                encryption: {
                    keySource: "Microsoft.Keyvault",
                    requireInfrastructureEncryption: true,
                    keyVaultProperties: { keyName: storageKey.name, keyVaultUri: vault.properties.apply((p) => p.vaultUri ?? "") },
                    encryptionIdentity: { encryptionUserAssignedIdentity: storageIdentity.id },
                    services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
                },
                tags,
            },
            { ...stateful, dependsOn: [storageKeyAccess] },
        );
        new BlobServiceProperties(
            `${name}-blob-service`,
            {
                resourceGroupName,
                accountName: account.name,
                blobServicesName: "default",
                isVersioningEnabled: true,
                deleteRetentionPolicy: { enabled: true, days: 7 },
                containerDeleteRetentionPolicy: { enabled: true, days: 7 },
            },
            { parent: this },
        );
        const container = new BlobContainer(`${name}-backups`, { resourceGroupName, accountName: account.name, containerName: BACKUP_CONTAINER, publicAccess: "None" }, stateful);
        new ManagementPolicy(
            `${name}-lifecycle`,
            { resourceGroupName, accountName: account.name, managementPolicyName: "default", policy: { rules: blobLifecycleRules(BACKUP_CONTAINER, args.retention) } },
            { parent: this, dependsOn: [container] },
        );

        // Kubernetes access.
        const credentials = listManagedClusterUserCredentialsOutput({ resourceGroupName, resourceName: cluster.name, format: "exec" }, { parent: this });
        const kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((k) => {
                if (!k?.[0]?.value) {
                    throw new Error(`${name}: AKS returned no user kubeconfig`);
                }
                return aksKubeconfig(Buffer.from(k[0].value, "base64").toString("utf8"), kubeloginMode);
            }),
        );
        const pools = Object.values(agentPools);
        const provider = new Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [cluster, ...pools] });
        const storageClass = new StorageClass(
            `${name}-ssd`,
            {
                metadata: { name: AKS_SSD_STORAGE_CLASS, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
                provisioner: "disk.csi.azure.com",
                parameters: { skuName: "Premium_LRS", cachingMode: "ReadOnly", diskEncryptionSetID: des.id, diskEncryptionType: "EncryptionAtRestWithCustomerKey" },
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider },
        );

        const blobEndpoint = account.primaryEndpoints.apply((e) => e.blob);
        const objectStore: ObjectStore = {
            kind: "azureBlob",
            bucket: container.name,
            storageAccount: account.name,
            region: location,
            endpoint: blobEndpoint,
            url: (prefix: string) => pulumi.interpolate`${blobEndpoint}${container.name}/${prefix}`,
        };
        const binder = new AksWorkloadIdentityBinder({
            resourceGroupName,
            location,
            subscriptionId: client.subscriptionId,
            tenantId: client.tenantId,
            issuerUrl: cluster.oidcIssuerProfile.apply((p) => p?.issuerURL ?? ""),
            containerId: container.id,
            tags,
            parent: this,
        });

        const warnings: string[] = [];
        if (args.retention.auditLogDays > 730) {
            warnings.push(`audit logs: Log Analytics keeps ${workspaceRetentionDays(args.retention.auditLogDays)} days interactively, less than retention.auditLogDays (${args.retention.auditLogDays}); archive the workspace tables for the rest`);
        }

        this.clusterName = cluster.name;
        this.kubeconfig = kubeconfig;
        this.resourceGroupName = resourceGroupName;
        this.kmsKeyId = kmsKey.keyUriWithVersion;
        this.storageAccountName = account.name;
        this.agentPools = agentPools;
        this.target = {
            cloud: "azure",
            clusterName: cluster.name,
            provider,
            kubeconfig,
            zones: [...zones],
            ssdStorageClass: storageClass.metadata.name,
            objectStore,
            workloadIdentity: binder,
            nodeRoleLabel: NODE_ROLE_LABEL,
            readyResources: [cluster, ...pools, storageClass],
            warnings,
        };
        this.registerOutputs({ clusterName: this.clusterName, kubeconfig, resourceGroupName, kmsKeyId: this.kmsKeyId, storageAccountName: this.storageAccountName });
    }
}

/** Rejects arguments AKS would reject later, naming the argument. */
function validate(args: AksClusterArgs): void {
    const fail = (propertyPath: string, reason: string): never => {
        throw new pulumi.InputPropertyError({ propertyPath, reason });
    };
    args.zones.forEach((z, i) => {
        if (!["1", "2", "3"].includes(z)) {
            fail(`zones[${i}]`, `found "${z}"; Azure availability zones are named 1, 2 and 3`);
        }
    });
    if (!args.nodePools.some((p) => p.role === "system")) {
        fail("nodePools", "found no system pool; AKS needs one System-mode pool");
    }
    if (args.adminGroupObjectIds.length === 0) {
        fail("adminGroupObjectIds", "found none; with local accounts disabled, name at least one Entra ID group that gets cluster-admin");
    }
    if (args.endpoint.publicAccess && args.endpoint.publicAccessCidrs.length === 0) {
        fail("endpoint.publicAccessCidrs", "found none; a public API server must be restricted to named ranges");
    }
}
