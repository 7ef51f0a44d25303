import * as assert from "assert";
import { aksKubeconfig, blobLifecycleRules, roleDefinitionId, uniqueName, workspaceRetentionDays } from "../../components/azure/helpers";
import { carveSubnet, nthAddress } from "../../policy/lib/cidr";
import { DEFAULT_RETENTION } from "../../components/defaults";

describe("uniqueName", () => {
    it("fits Key Vault rules: at most 24 characters, letters, digits and hyphens, a letter first", () => {
        const n = uniqueName("agents-azure-production-eu", "sub-1/westeurope", { max: 24 });
        assert.match(n, /^[a-z][a-z0-9-]{2,23}$/);
        assert.strictEqual(n.length, 24);
        assert.ok(n.startsWith("agents-azure-prod"));
    });

    it("fits storage account rules: lower-case letters and digits only", () => {
        const n = uniqueName("Agents-Azure-Prod", "sub-1/westeurope", { max: 24, alnum: true });
        assert.match(n, /^agentsazureprod[0-9a-f]{8}$/);
    });

    it("is stable for one seed and differs across subscriptions", () => {
        const a = uniqueName("agents", "sub-1/westeurope", { max: 24 });
        assert.strictEqual(uniqueName("agents", "sub-1/westeurope", { max: 24 }), a);
        assert.notStrictEqual(uniqueName("agents", "sub-2/westeurope", { max: 24 }), a);
    });

    it("starts with a letter even when the base does not", () => {
        assert.match(uniqueName("42-agents", "s", { max: 24, alnum: true }), /^a42agents[0-9a-f]{8}$/);
    });
});

describe("carveSubnet and nthAddress", () => {
    it("carves the index-th subnet of a prefix length", () => {
        assert.strictEqual(carveSubnet("10.40.0.0/16", 18, 0), "10.40.0.0/18");
        assert.strictEqual(carveSubnet("10.40.0.0/16", 18, 3), "10.40.192.0/18");
        assert.strictEqual(carveSubnet("192.168.4.0/22", 24, 2), "192.168.6.0/24");
    });

    it("refuses subnets that do not fit", () => {
        assert.throws(() => carveSubnet("10.40.0.0/16", 18, 4), { message: "10.40.0.0/16 has no subnet #4 of size /18" });
        assert.throws(() => carveSubnet("10.40.0.0/16", 15, 0), { message: "cannot carve a /15 out of 10.40.0.0/16" });
    });

    it("counts addresses across octets", () => {
        assert.strictEqual(nthAddress("10.96.0.0/16", 10), "10.96.0.10");
        assert.strictEqual(nthAddress("10.96.0.250/16", 10), "10.96.1.4");
    });
});

describe("roleDefinitionId", () => {
    it("scopes a built-in role to the subscription", () => {
        assert.strictEqual(roleDefinitionId("s-1", "abc"), "/subscriptions/s-1/providers/Microsoft.Authorization/roleDefinitions/abc");
    });
});

describe("aksKubeconfig", () => {
    const credential = [
        "apiVersion: v1",
        "clusters:",
        "- cluster:",
        "    certificate-authority-data: Q0E=",
        "    server: https://c.privatelink.westeurope.azmk8s.io:443",
        "  name: c",
        "users:",
        "- name: clusterUser_rg_c",
        "  user:",
        "    exec:",
        "      command: kubelogin",
        "      args: [get-token, --login, devicecode]",
        "",
    ].join("\n");

    it("keeps the server and CA and logs in non-interactively through kubelogin", () => {
        const kc = JSON.parse(aksKubeconfig(credential, "workloadidentity"));
        assert.deepStrictEqual(kc.clusters, [
            { name: "c", cluster: { server: "https://c.privatelink.westeurope.azmk8s.io:443", "certificate-authority-data": "Q0E=" } },
        ]);
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["get-token", "--login", "workloadidentity", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]);
        assert.strictEqual(kc.users[0].user.exec.interactiveMode, "Never");
        assert.strictEqual(kc["current-context"], "c");
    });

    it("fails on credentials without a cluster", () => {
        assert.throws(() => aksKubeconfig("apiVersion: v1\nclusters: []\n", "azurecli"), { message: "AKS user credentials hold no cluster server" });
    });
});

describe("blobLifecycleRules", () => {
    it("prefixes every rule with the container and ends with old-version cleanup", () => {
        const rules = blobLifecycleRules("c", { ...DEFAULT_RETENTION, logsDays: 45 });
        assert.deepStrictEqual(rules[2], {
            name: "expire-logs",
            enabled: true,
            type: "Lifecycle",
            definition: {
                filters: { blobTypes: ["blockBlob"], prefixMatch: ["c/logs/"] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 45 } } },
            },
        });
        assert.strictEqual(rules.length, 11);
        assert.deepStrictEqual(rules[10].definition.actions, { version: { delete: { daysAfterCreationGreaterThan: 30 } } });
    });
});

describe("workspaceRetentionDays", () => {
    it("clamps to what Log Analytics keeps interactively (30-730 days)", () => {
        assert.deepStrictEqual([7, 30, 400, 730, 2000].map(workspaceRetentionDays), [30, 30, 400, 730, 730]);
    });
});
