import * as assert from "assert";
import { AksCluster, AksClusterArgs } from "../../components/azure";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../../components/contract";
import { defaultNodePools, DEFAULT_RETENTION, DR_OFF } from "../../components/defaults";
import type { NodePoolSpec } from "../../components/types";
import { runWithMocks, RunResult } from "../../preview/harness";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "../../preview/mocks/azure";
import { at, inventory, ofType, one, only, thrown } from "../contract/records";

const ADMIN_GROUP = "0b6d3c1e-7f42-4a8e-9d15-3e2f8a6c4b90";
const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const T = {
    component: "agent-platform:azure:AksCluster",
    rg: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    federation: "azure-native:managedidentity:FederatedIdentityCredential",
    vault: "azure-native:keyvault:Vault",
    key: "azure-native:keyvault:Key",
    role: "azure-native:authorization:RoleAssignment",
    des: "azure-native:compute:DiskEncryptionSet",
    workspace: "azure-native:operationalinsights:Workspace",
    cluster: "azure-native:containerservice:ManagedCluster",
    pool: "azure-native:containerservice:AgentPool",
    maintenance: "azure-native:containerservice:MaintenanceConfiguration",
    diag: "azure-native:monitor:DiagnosticSetting",
    account: "azure-native:storage:StorageAccount",
    blobService: "azure-native:storage:BlobServiceProperties",
    container: "azure-native:storage:BlobContainer",
    lifecycle: "azure-native:storage:ManagementPolicy",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    provider: "pulumi:providers:kubernetes",
};
const ROLE_ID = (guid: string): string => `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** Production arguments, as index.ts builds them for azure-prod. */
function prodArgs(): AksClusterArgs & { nodePools: NodePoolSpec[] } {
    return {
        location: "westeurope",
        zones: ["1", "2", "3"],
        kubernetesVersion: "1.33",
        nodePools: defaultNodePools("azure", "prod"),
        network: { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
        endpoint: { publicAccess: false, publicAccessCidrs: [] },
        retention: { ...DEFAULT_RETENTION },
        protectStateful: true,
        tags: { environment: "prod" },
        adminGroupObjectIds: [ADMIN_GROUP],
        tier: "Standard",
        // No cross-region copy here (it has its own tests: test/recovery/crossRegion.spec.ts).
        drRegion: DR_OFF,
    };
}

async function build(args: AksClusterArgs): Promise<RunResult> {
    return runWithMocks(() => {
        const c = new AksCluster("t", args);
        const t = c.target;
        const postgres = t.workloadIdentity.bind("t-postgres", { namespace: "data-postgres", serviceAccount: "postgres", objectStoreAccess: "readWrite" });
        const grafana = t.workloadIdentity.bind("t-grafana", { namespace: "observability", serviceAccount: "grafana", objectStoreAccess: "none" });
        return {
            kubeconfig: c.kubeconfig,
            kmsKeyId: c.kmsKeyId,
            resourceGroupName: c.resourceGroupName,
            storageAccountName: c.storageAccountName,
            postgresAnnotations: postgres.serviceAccountAnnotations,
            postgresPodLabels: postgres.podLabels,
            grafanaPodLabels: grafana.podLabels,
            cloud: t.cloud,
            clusterName: t.clusterName,
            targetKubeconfig: t.kubeconfig,
            zones: t.zones,
            ssdStorageClass: t.ssdStorageClass,
            storeKind: t.objectStore?.kind,
            storeBucket: t.objectStore?.bucket,
            storeAccount: t.objectStore?.storageAccount,
            storeUrl: t.objectStore?.url("backups/postgres"),
            readyCount: t.readyResources.length,
            warnings: t.warnings,
        };
    });
}

describe("AksCluster (azure-prod arguments)", () => {
    let run: RunResult;
    let rg: string;
    before(async () => {
        run = await build(prodArgs());
        rg = String(run.outputs.resourceGroupName);
    });

    it("registers exactly the expected resources", () => {
        assert.deepStrictEqual(inventory(run), {
            "pulumi:pulumi:Stack": 1,
            [T.component]: 1,
            [T.rg]: 1,
            [T.vnet]: 1,
            [T.subnet]: 1,
            [T.identity]: 4,
            [T.federation]: 2,
            // The KMS vault and the secrets vault (External Secrets reads the latter).
            [T.vault]: 2,
            [T.key]: 3,
            [T.role]: 6,
            [T.des]: 1,
            [T.workspace]: 1,
            [T.cluster]: 1,
            [T.pool]: 3,
            [T.maintenance]: 2,
            [T.diag]: 1,
            [T.account]: 1,
            [T.blobService]: 1,
            [T.container]: 1,
            [T.lifecycle]: 1,
            [T.storageClass]: 1,
            [T.provider]: 1,
        });
    });

    it("parents every child to the component", () => {
        const component = only(run.resources, T.component);
        const orphans = run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== T.component && r.parent !== component.urn);
        assert.deepStrictEqual(
            orphans.map((r) => `${r.type}::${r.name}`),
            [],
        );
    });

    it("puts nodes in a subnet of the VNet with Storage and Key Vault service endpoints", () => {
        assert.deepStrictEqual(at(one(run.resources, T.vnet, "t-vnet"), "addressSpace"), { addressPrefixes: ["10.40.0.0/16"] });
        const subnet = one(run.resources, T.subnet, "t-nodes");
        assert.strictEqual(at(subnet, "addressPrefix"), "10.40.0.0/18");
        assert.deepStrictEqual(at(subnet, "serviceEndpoints"), [{ service: "Microsoft.Storage" }, { service: "Microsoft.KeyVault" }]);
        assert.strictEqual(at(subnet, "resourceGroupName"), rg);
    });

    it("makes an RBAC Key Vault with purge protection and three rotated, protected HSM keys", () => {
        const v = one(run.resources, T.vault, "t-kv");
        assert.strictEqual(v.opts.protect, true);
        assert.match(at(v, "vaultName"), /^t-[0-9a-f]{6}$/);
        assert.strictEqual(at(v, "properties.tenantId"), MOCK_TENANT_ID);
        assert.strictEqual(at(v, "properties.enableRbacAuthorization"), true);
        assert.strictEqual(at(v, "properties.enablePurgeProtection"), true);
        assert.strictEqual(at(v, "properties.enableSoftDelete"), true);
        assert.strictEqual(at(v, "properties.softDeleteRetentionInDays"), 90);
        for (const purpose of ["kms", "disk", "storage"]) {
            const k = one(run.resources, T.key, `t-${purpose}`);
            assert.strictEqual(k.opts.protect, true, purpose);
            assert.strictEqual(at(k, "vaultName"), at(v, "vaultName"));
            assert.strictEqual(at(k, "properties.kty"), "RSA-HSM");
            assert.deepStrictEqual(at(k, "properties.rotationPolicy.lifetimeActions.0"), { action: { type: "rotate" }, trigger: { timeAfterCreate: "P90D" } });
        }
    });

    it("grants each identity only the roles it needs, at the narrowest scope", () => {
        const vaultId = `${SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${at(one(run.resources, T.vault, "t-kv"), "vaultName")}`;
        const byName = Object.fromEntries(ofType(run.resources, T.role).map((r) => [r.name, [at(r, "roleDefinitionId"), at(r, "scope")]]));
        assert.deepStrictEqual(byName["t-kms-crypto-user"], [ROLE_ID("12338af0-0e69-4776-bea7-57ae8d297424"), vaultId]);
        assert.deepStrictEqual(byName["t-storage-key-user"], [ROLE_ID("e147488a-f6f5-4113-8e2d-b22465e65bf6"), vaultId]);
        assert.deepStrictEqual(byName["t-des-key-user"], [ROLE_ID("e147488a-f6f5-4113-8e2d-b22465e65bf6"), vaultId]);
        assert.match(byName["t-subnet-network-contributor"][1], /\/virtualNetworks\/t-vnet[0-9a-f]{8}\/subnets\/t-nodes[0-9a-f]{8}$/);
        assert.match(byName["t-des-cluster-reader"][1], /\/diskEncryptionSets\/t-des[0-9a-f]{8}$/);
        assert.match(byName["t-postgres-blob"][1], /\/blobServices\/default\/containers\/backups$/);
        assert.strictEqual(byName["t-postgres-blob"][0], ROLE_ID("ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
        assert.strictEqual(Object.keys(byName).length, 6);
    });

    it("spreads the cluster over zones 1-3 with Standard tier, Entra ID RBAC and local accounts disabled", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.strictEqual(at(c, "resourceName"), "t");
        assert.strictEqual(at(c, "kubernetesVersion"), "1.33");
        assert.deepStrictEqual(at(c, "sku"), { name: "Base", tier: "Standard" });
        assert.strictEqual(at(c, "supportPlan"), "KubernetesOfficial");
        assert.strictEqual(at(c, "disableLocalAccounts"), true);
        assert.strictEqual(at(c, "enableRBAC"), true);
        assert.deepStrictEqual(at(c, "aadProfile"), { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [ADMIN_GROUP], tenantID: MOCK_TENANT_ID });
        assert.strictEqual(at(c, "identity.type"), "UserAssigned");
        assert.match(at(c, "identity.userAssignedIdentities.0"), /\/userAssignedIdentities\/t-cluster-identity[0-9a-f]{8}$/);
        assert.deepStrictEqual(at(c, "agentPoolProfiles.0.availabilityZones"), ["1", "2", "3"]);
    });

    it("keeps the API server private, with Cilium on Azure CNI overlay, OIDC issuer and workload identity", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.deepStrictEqual(at(c, "apiServerAccessProfile"), {
            enablePrivateCluster: true,
            privateDNSZone: "system",
            enablePrivateClusterPublicFQDN: false,
        });
        assert.deepStrictEqual(at(c, "networkProfile"), {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkDataplane: "cilium",
            networkPolicy: "cilium",
            podCidr: "10.244.0.0/14",
            serviceCidr: "10.96.0.0/16",
            dnsServiceIP: "10.96.0.10",
            loadBalancerSku: "standard",
            outboundType: "loadBalancer",
            // The SDK fills in its documented defaults for the rest of the profile.
            loadBalancerProfile: {
                managedOutboundIPs: { count: 3, countIPv6: 0 },
                allocatedOutboundPorts: 0,
                backendPoolType: "NodeIPConfiguration",
                idleTimeoutInMinutes: 30,
            },
        });
        assert.deepStrictEqual(at(c, "oidcIssuerProfile"), { enabled: true });
        assert.deepStrictEqual(at(c, "securityProfile.workloadIdentity"), { enabled: true });
    });

    it("encrypts etcd through Key Vault KMS with the versioned key, after the identity may use it", () => {
        const c = one(run.resources, T.cluster, "t");
        const kms = at(c, "securityProfile.azureKeyVaultKms");
        assert.strictEqual(kms.enabled, true);
        assert.strictEqual(kms.keyVaultNetworkAccess, "Public");
        assert.strictEqual(kms.keyId, run.outputs.kmsKeyId);
        assert.match(kms.keyId, /^https:\/\/t-[0-9a-f]{6}\.vault\.azure\.net\/keys\/t-kms[0-9a-f]{8}\/[0-9a-f]{32}$/);
        assert.ok(c.opts.dependsOn.includes(one(run.resources, T.role, "t-kms-crypto-user").urn));
        assert.ok(c.opts.dependsOn.includes(one(run.resources, T.role, "t-des-key-user").urn));
        assert.match(at(c, "diskEncryptionSetID"), /\/diskEncryptionSets\/t-des[0-9a-f]{8}$/);
        const des = one(run.resources, T.des, "t-des");
        assert.strictEqual(at(des, "encryptionType"), "EncryptionAtRestWithCustomerKey");
        assert.strictEqual(at(des, "rotationToLatestKeyVersionEnabled"), true);
        assert.match(at(des, "activeKey.keyUrl"), /\/keys\/t-disk[0-9a-f]{8}$/);
    });

    it("upgrades on the patch channel inside weekly maintenance windows, with Azure Monitor metrics", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.deepStrictEqual(at(c, "autoUpgradeProfile"), { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
        assert.strictEqual(at(c, "azureMonitorProfile.metrics.enabled"), true);
        const windows = ofType(run.resources, T.maintenance).map((m) => [at(m, "configName"), at(m, "maintenanceWindow")]);
        const w = { schedule: { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } }, durationHours: 8, startTime: "00:00", utcOffset: "+00:00" };
        assert.deepStrictEqual(windows.sort(), [
            ["aksManagedAutoUpgradeSchedule", w],
            ["aksManagedNodeOSUpgradeSchedule", w],
        ]);
    });

    it("sends kube-audit and kube-audit-admin to a Log Analytics workspace kept for the audit retention", () => {
        const d = one(run.resources, T.diag, "t-audit");
        assert.deepStrictEqual(at(d, "logs"), [
            { category: "kube-audit", enabled: true },
            { category: "kube-audit-admin", enabled: true },
            { category: "guard", enabled: true },
        ]);
        assert.strictEqual(at(d, "resourceUri"), `${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/t`);
        assert.match(at(d, "workspaceId"), /\/providers\/Microsoft\.OperationalInsights\/workspaces\/t-logs[0-9a-f]{8}$/);
        const ws = one(run.resources, T.workspace, "t-logs");
        assert.strictEqual(at(ws, "retentionInDays"), 730);
        assert.strictEqual(ws.opts.protect, true);
    });

    it("makes a System pool in the cluster and a User AgentPool per other role, sized, zonal, encrypted at host", () => {
        const c = one(run.resources, T.cluster, "t");
        const system = at(c, "agentPoolProfiles");
        assert.strictEqual(system.length, 1);
        const check = (p: any, role: string, vmSize: string, disk: number, max: number): void => {
            assert.strictEqual(p.vmSize, vmSize, role);
            assert.strictEqual(p.minCount, 3, role);
            assert.strictEqual(p.maxCount, max, role);
            assert.strictEqual(p.count, 3, role);
            assert.strictEqual(p.enableAutoScaling, true, role);
            assert.deepStrictEqual(p.availabilityZones, ["1", "2", "3"], role);
            assert.strictEqual(p.osDiskSizeGB, disk, role);
            assert.strictEqual(p.osDiskType, "Managed", role);
            assert.strictEqual(p.enableEncryptionAtHost, true, role);
            assert.strictEqual(p.enableNodePublicIP, false, role);
            assert.deepStrictEqual(p.nodeLabels, { [NODE_ROLE_LABEL]: role });
            assert.deepStrictEqual(p.nodeTaints, role === "system" ? [] : [`${NODE_ROLE_TAINT}=${role}:NoSchedule`]);
            assert.match(p.vnetSubnetID, /\/subnets\/t-nodes[0-9a-f]{8}$/);
        };
        assert.strictEqual(system[0].name, "system");
        assert.strictEqual(system[0].mode, "System");
        check(system[0], "system", "Standard_D4s_v5", 128, 6);
        const pools: Record<string, [string, number, number]> = {
            agents: ["Standard_D8s_v5", 128, 9],
            data: ["Standard_D8s_v5", 128, 6],
            monitoring: ["Standard_D4s_v5", 256, 6],
        };
        for (const [role, [vm, disk, max]] of Object.entries(pools)) {
            const p = one(run.resources, T.pool, `t-${role}`);
            assert.strictEqual(at(p, "agentPoolName"), role);
            assert.strictEqual(at(p, "mode"), "User");
            assert.strictEqual(at(p, "resourceName"), "t");
            assert.deepStrictEqual(p.opts.ignoreChanges, ["count"]);
            check(p.inputs, role, vm, disk, max);
        }
        assert.deepStrictEqual(c.opts.ignoreChanges, ["agentPoolProfiles[0].count"]);
    });

    it("makes a protected storage account: no public blobs, TLS 1.2, infrastructure encryption, customer-managed key", () => {
        const a = one(run.resources, T.account, "t-backups");
        assert.strictEqual(a.opts.protect, true);
        assert.match(at(a, "accountName"), /^t[0-9a-f]{8}$/);
        assert.strictEqual(at(a, "allowBlobPublicAccess"), false);
        // Shared keys only for Percona Backup for MongoDB (no Entra ID support in 2.12); Entra ID stays the default.
        assert.strictEqual(at(a, "allowSharedKeyAccess"), true);
        assert.strictEqual(at(a, "defaultToOAuthAuthentication"), true);
        assert.strictEqual(at(a, "minimumTlsVersion"), "TLS1_2");
        assert.strictEqual(at(a, "enableHttpsTrafficOnly"), true);
        assert.strictEqual(at(a, "sku.name"), "Standard_ZRS");
        assert.strictEqual(at(a, "encryption.keySource"), "Microsoft.Keyvault");
        assert.strictEqual(at(a, "encryption.requireInfrastructureEncryption"), true);
        assert.match(at(a, "encryption.keyVaultProperties.keyName"), /^t-storage[0-9a-f]{8}$/);
        assert.match(at(a, "encryption.keyVaultProperties.keyVaultUri"), /^https:\/\/t-[0-9a-f]{6}\.vault\.azure\.net\/$/);
        assert.strictEqual(at(a, "encryption.encryptionIdentity.encryptionUserAssignedIdentity"), at(a, "identity.userAssignedIdentities.0"));
        assert.strictEqual(at(a, "networkRuleSet.defaultAction"), "Deny");
        assert.ok(a.opts.dependsOn.includes(one(run.resources, T.role, "t-storage-key-user").urn));
        const c = one(run.resources, T.container, "t-backups");
        assert.strictEqual(c.opts.protect, true);
        assert.strictEqual(at(c, "publicAccess"), "None");
        assert.strictEqual(at(c, "containerName"), "backups");
        assert.strictEqual(at(one(run.resources, T.blobService, "t-blob-service"), "isVersioningEnabled"), true);
    });

    it("expires blobs by prefix from the retention figures", () => {
        const rules = at(one(run.resources, T.lifecycle, "t-lifecycle"), "policy.rules") as any[];
        assert.deepStrictEqual(
            rules.map((r) => [
                r.name,
                r.definition.filters.prefixMatch?.[0] ?? null,
                r.definition.actions.baseBlob?.delete.daysAfterModificationGreaterThan ?? r.definition.actions.version?.delete.daysAfterCreationGreaterThan,
            ]),
            [
                ["expire-backups", "backups/backups/", 30],
                ["expire-config", "backups/config/", 84],
                ["expire-logs", "backups/logs/", 90],
                ["expire-traces", "backups/traces/", 30],
                ["expire-conversations", "backups/conversations/", 365],
                ["expire-metrics", "backups/metrics/", 30],
                ["expire-postgres", "backups/postgres/", 37],
                ["expire-mongodb", "backups/mongodb/", 37],
                ["expire-loki", "backups/loki/", 97],
                ["expire-tempo", "backups/tempo/", 37],
                ["expire-old-versions", null, 30],
            ],
        );
    });

    it("makes an encrypted, retained Premium SSD StorageClass with the disk encryption set", () => {
        const sc = one(run.resources, T.storageClass, "t-ssd");
        assert.strictEqual(at(sc, "metadata.name"), "encrypted-ssd");
        assert.strictEqual(at(sc, "provisioner"), "disk.csi.azure.com");
        assert.strictEqual(at(sc, "parameters.skuName"), "Premium_LRS");
        assert.strictEqual(at(sc, "parameters.diskEncryptionSetID"), at(one(run.resources, T.cluster, "t"), "diskEncryptionSetID"));
        assert.strictEqual(at(sc, "parameters.diskEncryptionType"), "EncryptionAtRestWithCustomerKey");
        assert.strictEqual(at(sc, "reclaimPolicy"), "Retain");
        assert.ok(String(sc.opts.provider).startsWith(`${one(run.resources, T.provider, "t-k8s").urn}::`));
    });

    it("exports a secret kubeconfig that logs in through kubelogin, not a local account", () => {
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        assert.strictEqual(run.redactedOutputs.targetKubeconfig, "[secret]");
        const kc = JSON.parse(String(run.outputs.kubeconfig));
        assert.match(kc.clusters[0].cluster.server, /^https:\/\/t-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.westeurope\.azmk8s\.io:443$/);
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]);
        assert.strictEqual(kc.users[0].user.exec.command, "kubelogin");
    });

    it("binds ServiceAccounts through federated managed identities, with blob access only when asked", () => {
        const fed = one(run.resources, T.federation, "t-postgres-federation");
        assert.strictEqual(at(fed, "subject"), "system:serviceaccount:data-postgres:postgres");
        assert.deepStrictEqual(at(fed, "audiences"), ["api://AzureADTokenExchange"]);
        assert.match(at(fed, "issuer"), /^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\/b4d1e7c2-9a3f-4e86-8f0d-2c5a7b1e9d34\/[0-9a-f-]{36}\/$/);
        assert.match(at(fed, "resourceName"), /^t-postgres[0-9a-f]{8}$/);
        assert.strictEqual(at(one(run.resources, T.federation, "t-grafana-federation"), "subject"), "system:serviceaccount:observability:grafana");
        assert.strictEqual(ofType(run.resources, T.role).filter((r) => r.name.startsWith("t-grafana")).length, 0);
        const annotations = run.outputs.postgresAnnotations as Record<string, string>;
        assert.deepStrictEqual(Object.keys(annotations).sort(), ["azure.workload.identity/client-id", "azure.workload.identity/tenant-id"]);
        assert.match(annotations["azure.workload.identity/client-id"], /^[0-9a-f-]{36}$/);
        assert.deepStrictEqual(run.outputs.postgresPodLabels, { "azure.workload.identity/use": "true" });
        assert.deepStrictEqual(run.outputs.grafanaPodLabels, { "azure.workload.identity/use": "true" });
    });

    it("protects and retains exactly the stateful resources (vault, keys, workspace, storage)", () => {
        const kept = run.resources
            .filter((r) => r.opts.protect)
            .map((r) => `${r.type}::${r.name}`)
            .sort();
        assert.deepStrictEqual(kept, [
            `${T.key}::t-disk`,
            `${T.key}::t-kms`,
            `${T.key}::t-storage`,
            `${T.vault}::t-kv`,
            `${T.vault}::t-secrets-kv`,
            `${T.workspace}::t-logs`,
            `${T.container}::t-backups`,
            `${T.account}::t-backups`,
        ]);
        assert.deepStrictEqual(
            run.resources
                .filter((r) => r.opts.retainOnDelete)
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            kept,
        );
    });

    it("hands the platform a complete target", () => {
        assert.strictEqual(run.outputs.cloud, "azure");
        assert.strictEqual(run.outputs.clusterName, "t");
        assert.deepStrictEqual(run.outputs.zones, ["1", "2", "3"]);
        assert.strictEqual(run.outputs.ssdStorageClass, "encrypted-ssd");
        assert.strictEqual(run.outputs.storeKind, "azureBlob");
        assert.strictEqual(run.outputs.storeBucket, "backups");
        assert.strictEqual(run.outputs.storeAccount, run.outputs.storageAccountName);
        assert.strictEqual(run.outputs.storeUrl, `https://${run.outputs.storageAccountName}.blob.core.windows.net/backups/backups/postgres`);
        assert.strictEqual(run.outputs.readyCount, 5);
        assert.deepStrictEqual(run.outputs.warnings, []);
    });
});

describe("AksCluster variants", () => {
    it("Premium tier with a public API server restricted to named ranges and a single outbound IP", async () => {
        const args = prodArgs();
        args.tier = "Premium";
        args.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] };
        args.network = { ...args.network, natGateways: "single" };
        args.retention = { ...args.retention, auditLogDays: 1095 };
        const run = await build(args);
        const c = one(run.resources, T.cluster, "t");
        assert.deepStrictEqual(at(c, "sku"), { name: "Base", tier: "Premium" });
        assert.strictEqual(at(c, "supportPlan"), "AKSLongTermSupport");
        assert.deepStrictEqual(at(c, "apiServerAccessProfile"), { enablePrivateCluster: false, authorizedIPRanges: ["203.0.113.0/24"] });
        assert.strictEqual(at(c, "networkProfile.loadBalancerProfile.managedOutboundIPs.count"), 1);
        assert.strictEqual(at(one(run.resources, T.workspace, "t-logs"), "retentionInDays"), 730);
        assert.deepStrictEqual(run.outputs.warnings, [
            "audit logs: Log Analytics keeps 730 days interactively, less than retention.auditLogDays (1095); archive the workspace tables for the rest",
        ]);
    });

    it("protects nothing when protectStateful is false", async () => {
        const args = prodArgs();
        args.protectStateful = false;
        const run = await build(args);
        assert.deepStrictEqual(
            run.resources.filter((r) => r.opts.protect || r.opts.retainOnDelete).map((r) => r.name),
            [],
        );
    });

    it("rejects a zone Azure does not have", async () => {
        const args = prodArgs();
        args.zones = ["1", "2", "westeurope-3"];
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "zones[2]");
        assert.strictEqual(e.message, 'found "westeurope-3"; Azure availability zones are named 1, 2 and 3');
    });

    it("rejects a cluster nobody could administer", async () => {
        const args = prodArgs();
        args.adminGroupObjectIds = [];
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "adminGroupObjectIds");
        assert.strictEqual(e.message, "found none; with local accounts disabled, name at least one Entra ID group that gets cluster-admin");
    });

    it("rejects node pools without a system pool", async () => {
        const args = prodArgs();
        args.nodePools = args.nodePools.filter((p) => p.role !== "system");
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "nodePools");
        assert.strictEqual(e.message, "found no system pool; AKS needs one System-mode pool");
    });
});

describe("AksCluster: an object-store key for a tool without Workload Identity", () => {
    it("hands out the storage account's name and key1, read from Azure on every deployment, the key secret", async () => {
        const run = await runWithMocks(() => {
            const c = new AksCluster("t", prodArgs());
            const mongo = c.target.workloadIdentity.bind("t-mongodb", {
                namespace: "data-mongodb",
                serviceAccount: "mongodb-db",
                objectStoreAccess: "readWrite",
                objectStoreKey: true,
            });
            const key = mongo.objectStoreKey;
            if (key?.kind !== "azureSharedKey") {
                throw new Error(`expected an Azure shared key, got ${key?.kind}`);
            }
            return {
                accountName: key.accountName,
                accountKey: key.accountKey,
                storageAccountName: c.storageAccountName,
                labels: mongo.podLabels,
                principal: mongo.principal,
                annotations: mongo.serviceAccountAnnotations,
            };
        });
        assert.strictEqual(run.outputs.accountName, run.outputs.storageAccountName);
        assert.strictEqual(run.redactedOutputs.accountKey, "[secret]");
        // The mock's key1 for this account (preview/mocks/azure.ts): 64 bytes, base64.
        assert.strictEqual(Buffer.from(String(run.outputs.accountKey), "base64").length, 64);
        assert.deepStrictEqual(run.outputs.labels, { "azure.workload.identity/use": "true" }, "the identity stays bound as well");
        assert.strictEqual(
            run.outputs.principal,
            (run.outputs.annotations as Record<string, string>)["azure.workload.identity/client-id"],
            "the principal is the managed identity's client ID",
        );
    });
});
