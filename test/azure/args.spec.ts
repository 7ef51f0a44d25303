/**
 * AksCluster's own API (components/azure/args.ts): the pure validator, one problem per case, every
 * problem at once; the defaults a minimal program gets.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AksCluster, aksClusterArgProblems, AksClusterArgs, resolveAksClusterArgs } from "../../components/azure";
import { defaultNodePools } from "../../components/defaults";
import { runWithMocks } from "../../preview/harness";
import { ofType, one, thrown } from "../contract/records";

const GROUP = "5f0c6a3e-2b1d-4c8e-9a7f-3d2e1b0a9c8d";
const minimal = (): AksClusterArgs => ({ location: "westeurope", adminGroupObjectIds: [GROUP] });
const problemsWith = (over: Partial<AksClusterArgs>) => aksClusterArgProblems({ ...minimal(), ...over });

describe("azure/args: aksClusterArgProblems", () => {
    it("accepts the minimal arguments (location, admin groups)", () => {
        assert.deepStrictEqual(aksClusterArgProblems(minimal()), []);
    });

    const cases: { title: string; over: Partial<AksClusterArgs>; path: string; reason: string }[] = [
        {
            title: "a location that is not an Azure region",
            over: { location: "West Europe" },
            path: "location",
            reason: 'found "West Europe"; must be an Azure region name such as westeurope',
        },
        {
            title: "a zone Azure does not have",
            over: { zones: ["1", "2", "westeurope-3"] },
            path: "zones[2]",
            reason: 'found "westeurope-3"; Azure availability zones are named 1, 2 and 3',
        },
        { title: "a zone twice", over: { zones: ["1", "1"] }, path: "zones", reason: "found duplicates in [1, 1]; each zone once" },
        {
            title: "pools without a system pool",
            over: { nodePools: defaultNodePools("azure", "prod").filter((p) => p.role !== "system") },
            path: "nodePools",
            reason: "found no system pool; AKS needs one System-mode pool",
        },
        { title: "no pools", over: { nodePools: [] }, path: "nodePools", reason: "found none; AKS needs one System-mode pool" },
        {
            title: "a VNet too small for the node subnet",
            over: { network: { cidr: "10.40.0.0/25" } },
            path: "network.cidr",
            reason: 'found "10.40.0.0/25"; the node subnet is carved from the VNet, allowed: a /24 or larger (e.g. 10.40.0.0/16)',
        },
        {
            title: "a service range without a 10th address",
            over: { network: { serviceCidr: "10.96.0.0/29" } },
            path: "network.serviceCidr",
            reason: 'found "10.96.0.0/29"; the cluster DNS service takes its 10th address, allowed: a /28 or larger (e.g. 10.96.0.0/16)',
        },
        {
            title: "no admin group",
            over: { adminGroupObjectIds: [] },
            path: "adminGroupObjectIds",
            reason: "found none; with local accounts disabled, name at least one Entra ID group that gets cluster-admin",
        },
        {
            title: "an admin group that is no GUID",
            over: { adminGroupObjectIds: ["platform-admins"] },
            path: "adminGroupObjectIds[0]",
            reason: 'found "platform-admins"; must be an Entra ID group object ID (a GUID)',
        },
        {
            title: "a public endpoint without ranges",
            over: { endpoint: { publicAccess: true } },
            path: "endpoint.publicAccessCidrs",
            reason: "found none; a public endpoint must be restricted to named CIDRs",
        },
        {
            title: "the cluster's own region as DR region",
            over: { drRegion: "westeurope" },
            path: "drRegion",
            reason: 'found "westeurope"; must be the Azure region paired with westeurope (geo-zone-redundant storage replicates only there), e.g. northeurope for westeurope',
        },
        { title: "an unknown tier", over: { tier: "Free" as never }, path: "tier", reason: 'found "Free"; allowed: Standard, Premium' },
        {
            title: "an unknown upgrade channel",
            over: { upgradeChannel: "none" as never },
            path: "upgradeChannel",
            reason: 'found "none"; allowed: patch, stable, rapid, node-image',
        },
        {
            title: "an unknown kubelogin mode",
            over: { kubeloginMode: "password" as never },
            path: "kubeloginMode",
            reason: 'found "password"; allowed: azurecli, workloadidentity, msi, spn',
        },
        {
            title: "a maintenance window on no weekday",
            over: { maintenanceWindow: { dayOfWeek: "Weekend" as never, startTime: "00:00", durationHours: 8 } },
            path: "maintenanceWindow.dayOfWeek",
            reason: 'found "Weekend"; allowed: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday',
        },
        {
            title: "a maintenance start that is not HH:mm",
            over: { maintenanceWindow: { dayOfWeek: "Saturday", startTime: "24:00", durationHours: 8 } },
            path: "maintenanceWindow.startTime",
            reason: 'found "24:00"; must be HH:mm in UTC, e.g. 00:00',
        },
        {
            title: "a maintenance window under 4 hours",
            over: { maintenanceWindow: { dayOfWeek: "Saturday", startTime: "00:00", durationHours: 2 } },
            path: "maintenanceWindow.durationHours",
            reason: "found 2; must be a whole number of hours from 4 to 24 (AKS needs at least 4)",
        },
        { title: "an unknown environment", over: { environment: "qa" as never }, path: "environment", reason: 'found "qa"; allowed: prod, dev' },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}, naming the argument, the value and what is allowed`, () => {
            assert.deepStrictEqual(problemsWith(c.over), [{ propertyPath: c.path, reason: c.reason }]);
        });
    }

    it("reports every problem at once", () => {
        const found = problemsWith({ location: "West Europe", zones: ["4"], adminGroupObjectIds: [], tier: "Free" as never });
        assert.deepStrictEqual(
            found.map((p) => p.propertyPath),
            ["location", "zones[0]", "adminGroupObjectIds", "tier"],
        );
    });
});

describe("azure/args: defaults", () => {
    it("resolves a minimal program to the production defaults", () => {
        const a = resolveAksClusterArgs(minimal());
        assert.deepStrictEqual(a.zones, ["1", "2", "3"]);
        assert.deepStrictEqual(a.nodePools, defaultNodePools("azure", "prod"));
        assert.strictEqual(a.kubernetesVersion, "1.35");
        assert.strictEqual(a.tier, "Standard");
        assert.strictEqual(a.upgradeChannel, "patch");
        assert.strictEqual(a.kubeloginMode, "azurecli");
        assert.deepStrictEqual(a.maintenanceWindow, { dayOfWeek: "Saturday", startTime: "00:00", durationHours: 8 });
        assert.strictEqual(a.network.natGateways, "perZone");
    });

    it("builds from the minimal arguments: the system pool in the cluster, three user pools, zones 1-3", async () => {
        const run = await runWithMocks(() => new AksCluster("m", minimal()).target.clusterName);
        assert.deepStrictEqual(
            ofType(run.resources, "azure-native:containerservice:AgentPool")
                .map((p) => p.name)
                .sort(),
            ["m-agents", "m-data", "m-monitoring"],
        );
        const cluster = one(run.resources, "azure-native:containerservice:ManagedCluster", "m");
        assert.deepStrictEqual((cluster.inputs.agentPoolProfiles as { availabilityZones: string[] }[])[0].availabilityZones, ["1", "2", "3"]);
        assert.strictEqual(cluster.inputs.kubernetesVersion, "1.35");
    });

    it("the constructor throws every problem as one InputPropertiesError", async () => {
        const e = await thrown(() => runWithMocks(() => new AksCluster("m", { ...minimal(), adminGroupObjectIds: [], tier: "Free" as never })));
        assert.ok(pulumi.InputPropertiesError.isInstance(e));
        assert.deepStrictEqual(
            (e as pulumi.InputPropertiesError).errors.map((x) => x.propertyPath),
            ["adminGroupObjectIds", "tier"],
        );
    });
});
