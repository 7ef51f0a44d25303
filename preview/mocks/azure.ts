/**
 * Mock answers for @pulumi/azure-native resources and functions (see ./index.ts): what Azure
 * Resource Manager would report back. Every resource gets an ARM resource ID
 * (`/subscriptions/<sub>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>`) and its name
 * (the engine's `<name><8 chars>` auto-name when none is given); a Key Vault gets its vault URI, a
 * key its (versioned) key URIs, identities client and principal IDs, a cluster its FQDNs, OIDC
 * issuer URL and kubelet identity, a storage account its endpoints. `getClientConfig` answers a
 * fixed subscription and tenant; `listManagedClusterUserCredentials` answers an Entra ID
 * (kubelogin) kubeconfig for the cluster, `listStorageAccountKeys` two made-up account keys.
 */
import { createHash } from "crypto";
import type { MockTable } from "./types";

/** The subscription and tenant the offline preview pretends to run in. */
export const MOCK_SUBSCRIPTION_ID = "3f2c9a71-5b8e-4d2a-9c61-7e0b4f9d2a18";
export const MOCK_TENANT_ID = "b4d1e7c2-9a3f-4e86-8f0d-2c5a7b1e9d34";
/** The principal the preview deploys as. */
export const MOCK_DEPLOYER_OBJECT_ID = "5e8a2c4f-1b7d-4a93-b6e0-8d3f9c2a7e51";

function hex(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** A stable GUID from a seed. */
export function guid(...seed: string[]): string {
    const h = hex(...seed);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The engine's auto-name: the logical name plus 8 random-looking characters. */
function autoName(type: string, name: string): string {
    return `${name}${hex(type, name).slice(0, 8)}`;
}

/** Per type: the ARM path segment under the resource group and the input that names the resource. */
const ARM: Record<string, { path: (n: string, i: Record<string, any>) => string; nameKey: string }> = {
    "azure-native:network:VirtualNetwork": { path: (n) => `Microsoft.Network/virtualNetworks/${n}`, nameKey: "virtualNetworkName" },
    "azure-native:network:Subnet": { path: (n, i) => `Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${n}`, nameKey: "subnetName" },
    "azure-native:keyvault:Vault": { path: (n) => `Microsoft.KeyVault/vaults/${n}`, nameKey: "vaultName" },
    "azure-native:keyvault:Key": { path: (n, i) => `Microsoft.KeyVault/vaults/${i.vaultName}/keys/${n}`, nameKey: "keyName" },
    "azure-native:managedidentity:UserAssignedIdentity": { path: (n) => `Microsoft.ManagedIdentity/userAssignedIdentities/${n}`, nameKey: "resourceName" },
    "azure-native:managedidentity:FederatedIdentityCredential": {
        path: (n, i) => `Microsoft.ManagedIdentity/userAssignedIdentities/${i.resourceName}/federatedIdentityCredentials/${n}`,
        nameKey: "federatedIdentityCredentialResourceName",
    },
    "azure-native:compute:DiskEncryptionSet": { path: (n) => `Microsoft.Compute/diskEncryptionSets/${n}`, nameKey: "diskEncryptionSetName" },
    "azure-native:operationalinsights:Workspace": { path: (n) => `Microsoft.OperationalInsights/workspaces/${n}`, nameKey: "workspaceName" },
    "azure-native:containerservice:ManagedCluster": { path: (n) => `Microsoft.ContainerService/managedClusters/${n}`, nameKey: "resourceName" },
    "azure-native:containerservice:AgentPool": {
        path: (n, i) => `Microsoft.ContainerService/managedClusters/${i.resourceName}/agentPools/${n}`,
        nameKey: "agentPoolName",
    },
    "azure-native:containerservice:MaintenanceConfiguration": {
        path: (n, i) => `Microsoft.ContainerService/managedClusters/${i.resourceName}/maintenanceConfigurations/${n}`,
        nameKey: "configName",
    },
    "azure-native:storage:StorageAccount": { path: (n) => `Microsoft.Storage/storageAccounts/${n}`, nameKey: "accountName" },
    "azure-native:storage:BlobServiceProperties": {
        path: (_n, i) => `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default`,
        nameKey: "blobServicesName",
    },
    "azure-native:storage:BlobContainer": {
        path: (n, i) => `Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${n}`,
        nameKey: "containerName",
    },
    "azure-native:storage:ManagementPolicy": {
        path: (_n, i) => `Microsoft.Storage/storageAccounts/${i.accountName}/managementPolicies/default`,
        nameKey: "managementPolicyName",
    },
};

/** The Azure name of a resource: its naming input, else the auto-name. */
function azureName(type: string, name: string, inputs: Record<string, any>): string {
    const key =
        type === "azure-native:resources:ResourceGroup" ? "resourceGroupName" : type === "azure-native:monitor:DiagnosticSetting" ? "name" : ARM[type]?.nameKey;
    const given = key ? inputs[key] : undefined;
    return typeof given === "string" && given ? given : autoName(type, name);
}

function armId(type: string, name: string, inputs: Record<string, any>): string | undefined {
    const n = azureName(type, name, inputs);
    const sub = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
    if (type === "azure-native:resources:ResourceGroup") {
        return `${sub}/resourceGroups/${n}`;
    }
    if (type === "azure-native:authorization:RoleAssignment") {
        return `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${inputs.roleAssignmentName ?? guid("ra", name)}`;
    }
    if (type === "azure-native:monitor:DiagnosticSetting") {
        return `${inputs.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${n}`;
    }
    const arm = ARM[type];
    return arm ? `${sub}/resourceGroups/${inputs.resourceGroupName}/providers/${arm.path(n, inputs)}` : undefined;
}

/** An AKS user kubeconfig as `listClusterUserCredential --format exec` returns it (YAML). */
function userKubeconfig(clusterName: string, resourceGroup: string): string {
    const h = hex("aks", resourceGroup, clusterName);
    const server = `https://${clusterName}-${h.slice(0, 8)}.${guid("aks-private", h)}.privatelink.westeurope.azmk8s.io:443`;
    const ca = Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(h.repeat(10), "hex").toString("base64")}\n-----END CERTIFICATE-----\n`).toString(
        "base64",
    );
    return [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        `    certificate-authority-data: ${ca}`,
        `    server: ${server}`,
        `  name: ${clusterName}`,
        "contexts:",
        "- context:",
        `    cluster: ${clusterName}`,
        `    user: clusterUser_${resourceGroup}_${clusterName}`,
        `  name: ${clusterName}`,
        `current-context: ${clusterName}`,
        "kind: Config",
        "preferences: {}",
        "users:",
        `- name: clusterUser_${resourceGroup}_${clusterName}`,
        "  user:",
        "    exec:",
        "      apiVersion: client.authentication.k8s.io/v1beta1",
        "      args:",
        "      - get-token",
        "      - --login",
        "      - devicecode",
        "      - --server-id",
        "      - 6dae42f8-4368-4678-94ff-3960e28e3630",
        "      - --client-id",
        "      - 80faf920-1908-4b52-b5ef-a8e7bedfc67a",
        "      - --tenant-id",
        `      - ${MOCK_TENANT_ID}`,
        "      - --environment",
        "      - AzurePublicCloud",
        "      command: kubelogin",
        "      env: null",
        "      interactiveMode: IfPossible",
        "      provideClusterInfo: false",
        "",
    ].join("\n");
}

export const azureMocks: MockTable = {
    prefix: "azure-native:",
    id: armId,
    // Every ARM resource reports the API version it was created with.
    fallback: () => ({ azureApiVersion: "2025-01-01" }),
    states: {
        "azure-native:resources:ResourceGroup": (name, inputs) => ({
            name: azureName("azure-native:resources:ResourceGroup", name, inputs),
            properties: { provisioningState: "Succeeded" },
        }),
        ...Object.fromEntries(Object.keys(ARM).map((type) => [type, (name: string, inputs: Record<string, any>) => ({ name: azureName(type, name, inputs) })])),
        "azure-native:keyvault:Vault": (name, inputs) => {
            const n = azureName("azure-native:keyvault:Vault", name, inputs);
            return { name: n, properties: { ...(inputs.properties ?? {}), vaultUri: `https://${n}.vault.azure.net/`, provisioningState: "Succeeded" } };
        },
        "azure-native:keyvault:Key": (name, inputs) => {
            const n = azureName("azure-native:keyvault:Key", name, inputs);
            const uri = `https://${inputs.vaultName}.vault.azure.net/keys/${n}`;
            return {
                name: n,
                keyUri: uri,
                keyUriWithVersion: `${uri}/${hex("key-version", uri).slice(0, 32)}`,
                kty: inputs.properties?.kty,
                keySize: inputs.properties?.keySize,
            };
        },
        "azure-native:managedidentity:UserAssignedIdentity": (name, inputs) => ({
            name: azureName("azure-native:managedidentity:UserAssignedIdentity", name, inputs),
            clientId: guid("client", name),
            principalId: guid("principal", name),
            tenantId: MOCK_TENANT_ID,
        }),
        "azure-native:compute:DiskEncryptionSet": (name, inputs) => ({
            name: azureName("azure-native:compute:DiskEncryptionSet", name, inputs),
            identity: { type: inputs.identity?.type ?? "SystemAssigned", principalId: guid("des-principal", name), tenantId: MOCK_TENANT_ID },
            provisioningState: "Succeeded",
        }),
        "azure-native:operationalinsights:Workspace": (name, inputs) => ({
            name: azureName("azure-native:operationalinsights:Workspace", name, inputs),
            customerId: guid("workspace", name),
            provisioningState: "Succeeded",
        }),
        "azure-native:containerservice:ManagedCluster": (name, inputs) => {
            const n = azureName("azure-native:containerservice:ManagedCluster", name, inputs);
            const h = hex("aks", String(inputs.resourceGroupName), n);
            const location = inputs.location ?? "westeurope";
            const nodeRg = `MC_${inputs.resourceGroupName}_${n}_${location}`;
            const kubelet = `kubelet-${n}`;
            return {
                name: n,
                fqdn: `${inputs.dnsPrefix}-${h.slice(0, 8)}.hcp.${location}.azmk8s.io`,
                privateFQDN: `${inputs.dnsPrefix}-${h.slice(0, 8)}.${guid("aks-private", h)}.privatelink.${location}.azmk8s.io`,
                azurePortalFQDN: `${inputs.dnsPrefix}-${h.slice(0, 8)}.portal.hcp.${location}.azmk8s.io`,
                currentKubernetesVersion: `${inputs.kubernetesVersion ?? "1.33"}.3`,
                nodeResourceGroup: nodeRg,
                oidcIssuerProfile: { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${MOCK_TENANT_ID}/${guid("oidc", h)}/` },
                identityProfile: {
                    kubeletidentity: {
                        clientId: guid("kubelet-client", h),
                        objectId: guid("kubelet-object", h),
                        resourceId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${kubelet}`,
                    },
                },
                powerState: { code: "Running" },
                provisioningState: "Succeeded",
            };
        },
        "azure-native:storage:StorageAccount": (name, inputs) => {
            const n = azureName("azure-native:storage:StorageAccount", name, inputs);
            return {
                name: n,
                primaryEndpoints: {
                    blob: `https://${n}.blob.core.windows.net/`,
                    dfs: `https://${n}.dfs.core.windows.net/`,
                    file: `https://${n}.file.core.windows.net/`,
                    queue: `https://${n}.queue.core.windows.net/`,
                    table: `https://${n}.table.core.windows.net/`,
                    web: `https://${n}.z6.web.core.windows.net/`,
                },
                primaryLocation: inputs.location,
                provisioningState: "Succeeded",
            };
        },
        "azure-native:authorization:RoleAssignment": (name, inputs) => ({
            name: inputs.roleAssignmentName ?? guid("ra", name),
            principalType: inputs.principalType ?? "ServicePrincipal",
        }),
        "azure-native:monitor:DiagnosticSetting": (name, inputs) => ({ name: azureName("azure-native:monitor:DiagnosticSetting", name, inputs) }),
    },
    calls: {
        "azure-native:authorization:getClientConfig": () => ({
            clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
            objectId: MOCK_DEPLOYER_OBJECT_ID,
            subscriptionId: MOCK_SUBSCRIPTION_ID,
            tenantId: MOCK_TENANT_ID,
        }),
        "azure-native:storage:listStorageAccountKeys": (inputs) => ({
            keys: ["key1", "key2"].map((keyName) => ({
                keyName,
                // An account key is 64 random bytes, base64.
                value: Buffer.from(
                    ["a", "b"].map((half) => hex("account-key", String(inputs.resourceGroupName), String(inputs.accountName), keyName, half)).join(""),
                    "hex",
                ).toString("base64"),
                permissions: "FULL",
                creationTime: "2026-11-30T00:00:00Z",
            })),
        }),
        "azure-native:containerservice:listManagedClusterUserCredentials": (inputs) => ({
            kubeconfigs: [
                { name: "clusterUser", value: Buffer.from(userKubeconfig(String(inputs.resourceName), String(inputs.resourceGroupName))).toString("base64") },
            ],
        }),
    },
};
