import * as assert from "assert";
import { parse } from "yaml";
import { callMock, computedState, mockId } from "../../preview/mocks";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "../../preview/mocks/azure";

const CTX = { stack: "azure-prod", project: "agent-platform" };
const RG = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg1`;

describe("Azure mocks", () => {
    it("gives ARM resource IDs, auto-named when no name is given", () => {
        assert.strictEqual(mockId("azure-native:resources:ResourceGroup", "x", { resourceGroupName: "rg1" }), RG);
        assert.match(
            mockId("azure-native:resources:ResourceGroup", "x-rg", {}),
            new RegExp(`^/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/x-rg[0-9a-f]{8}$`),
        );
        assert.strictEqual(
            mockId("azure-native:keyvault:Vault", "v", { resourceGroupName: "rg1", vaultName: "kv1" }),
            `${RG}/providers/Microsoft.KeyVault/vaults/kv1`,
        );
        assert.strictEqual(
            mockId("azure-native:network:Subnet", "s", { resourceGroupName: "rg1", virtualNetworkName: "vn", subnetName: "nodes" }),
            `${RG}/providers/Microsoft.Network/virtualNetworks/vn/subnets/nodes`,
        );
        assert.strictEqual(
            mockId("azure-native:storage:BlobContainer", "c", { resourceGroupName: "rg1", accountName: "st1", containerName: "backups" }),
            `${RG}/providers/Microsoft.Storage/storageAccounts/st1/blobServices/default/containers/backups`,
        );
        assert.match(
            mockId("azure-native:authorization:RoleAssignment", "ra", { scope: `${RG}/providers/Microsoft.KeyVault/vaults/kv1` }),
            /\/vaults\/kv1\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-f-]{36}$/,
        );
        assert.strictEqual(
            mockId("azure-native:monitor:DiagnosticSetting", "d", {
                name: "audit",
                resourceUri: `${RG}/providers/Microsoft.ContainerService/managedClusters/c`,
            }),
            `${RG}/providers/Microsoft.ContainerService/managedClusters/c/providers/Microsoft.Insights/diagnosticSettings/audit`,
        );
    });

    it("reports vault URIs and versioned key URIs", () => {
        const v = computedState(
            "azure-native:keyvault:Vault",
            "v",
            { resourceGroupName: "rg1", vaultName: "kv1", properties: { tenantId: MOCK_TENANT_ID } },
            CTX,
        );
        assert.strictEqual((v.properties as any).vaultUri, "https://kv1.vault.azure.net/");
        const k = computedState("azure-native:keyvault:Key", "k", { resourceGroupName: "rg1", vaultName: "kv1", keyName: "kms" }, CTX);
        assert.strictEqual(k.keyUri, "https://kv1.vault.azure.net/keys/kms");
        assert.match(String(k.keyUriWithVersion), /^https:\/\/kv1\.vault\.azure\.net\/keys\/kms\/[0-9a-f]{32}$/);
    });

    it("gives identities GUIDs and clusters FQDNs, an OIDC issuer and a kubelet identity", () => {
        const id = computedState("azure-native:managedidentity:UserAssignedIdentity", "i", { resourceGroupName: "rg1" }, CTX);
        assert.match(String(id.clientId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.notStrictEqual(id.clientId, id.principalId);
        const c = computedState(
            "azure-native:containerservice:ManagedCluster",
            "c",
            { resourceGroupName: "rg1", resourceName: "c", dnsPrefix: "c", location: "westeurope" },
            CTX,
        );
        assert.match(String(c.privateFQDN), /^c-[0-9a-f]{8}\.[0-9a-f-]{36}\.privatelink\.westeurope\.azmk8s\.io$/);
        assert.match(
            (c.oidcIssuerProfile as any).issuerURL,
            new RegExp(`^https://westeurope\\.oic\\.prod-aks\\.azure\\.com/${MOCK_TENANT_ID}/[0-9a-f-]{36}/$`),
        );
        assert.strictEqual(
            (c.identityProfile as any).kubeletidentity.resourceId,
            `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/MC_rg1_c_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet-c`,
        );
    });

    it("answers getClientConfig and an Entra ID user kubeconfig", () => {
        assert.deepStrictEqual(Object.keys(callMock("azure-native:authorization:getClientConfig", {}, CTX)).sort(), [
            "clientId",
            "objectId",
            "subscriptionId",
            "tenantId",
        ]);
        const creds = callMock(
            "azure-native:containerservice:listManagedClusterUserCredentials",
            { resourceGroupName: "rg1", resourceName: "c", format: "exec" },
            CTX,
        );
        const kc = parse(Buffer.from((creds.kubeconfigs as any[])[0].value, "base64").toString("utf8"));
        assert.strictEqual(kc.clusters[0].name, "c");
        assert.match(kc.clusters[0].cluster.server, /^https:\/\/c-[0-9a-f]{8}\..*\.azmk8s\.io:443$/);
        assert.strictEqual(kc.users[0].user.exec.command, "kubelogin");
    });

    it("throws for a function it does not know, naming it", () => {
        assert.throws(() => callMock("azure-native:containerservice:listManagedClusterAdminCredentials", {}, CTX), {
            message: "offline preview: no mock for function azure-native:containerservice:listManagedClusterAdminCredentials; add one to preview/mocks/",
        });
    });
});
