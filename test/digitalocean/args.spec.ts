/**
 * DoksCluster's own API (components/digitalocean/args.ts): the pure validator, one problem per
 * case, every problem at once; the defaults a minimal program gets.
 */
import * as assert from "assert";
import { DoksCluster, doksClusterArgProblems, DoksClusterArgs, resolveDoksClusterArgs } from "../../components/digitalocean";
import { defaultNodePools } from "../../components/defaults";
import { runWithMocks } from "../../preview/harness";
import { ofType, one } from "../contract/records";

const minimal = (): DoksClusterArgs => ({ region: "fra1" });
const problemsWith = (over: Partial<DoksClusterArgs>) => doksClusterArgProblems({ ...minimal(), ...over });

describe("digitalocean/args: doksClusterArgProblems", () => {
    it("accepts the minimal arguments (a region)", () => {
        assert.deepStrictEqual(doksClusterArgProblems(minimal()), []);
    });

    const cases: { title: string; over: Partial<DoksClusterArgs>; path: string; reason: string }[] = [
        { title: "zones", over: { zones: ["fra1-a"] }, path: "zones", reason: 'found ["fra1-a"]; a DigitalOcean region has no availability zones, pass []' },
        {
            title: "a region that is not a slug",
            over: { region: "eu-west-1" },
            path: "region",
            reason: 'found "eu-west-1"; a DigitalOcean region slug such as fra1',
        },
        {
            title: "a Spaces region that is not a slug",
            over: { spacesRegion: "frankfurt" },
            path: "spacesRegion",
            reason: 'found "frankfurt"; a Spaces region slug such as fra1',
        },
        {
            title: "pools without a system pool",
            over: { nodePools: defaultNodePools("digitalocean", "prod").filter((p) => p.role !== "system") },
            path: "nodePools",
            reason: `found roles ["agents","data","monitoring"]; a system pool is required (it becomes the cluster's default pool)`,
        },
        {
            title: "a pool that may scale to zero",
            over: { nodePools: [{ role: "system", instanceType: "gd-4vcpu-16gb", minNodes: 0, maxNodes: 3, desiredNodes: 1, diskSizeGb: 100 }] },
            path: "nodePools[0].minNodes",
            reason: "found 0; a DOKS pool keeps at least 1 node, allowed: 1 or more",
        },
        {
            title: "the whole internet through the control-plane firewall",
            over: { controlPlaneAllowedCidrs: ["0.0.0.0/0"] },
            path: "controlPlaneAllowedCidrs[0]",
            reason: 'found "0.0.0.0/0"; the whole internet is not allowed, list your runner or VPN egress ranges',
        },
        {
            title: "a firewall entry that is no CIDR",
            over: { controlPlaneAllowedCidrs: ["203.0.113.7"] },
            path: "controlPlaneAllowedCidrs[0]",
            reason: 'found "203.0.113.7"; must be an IPv4 CIDR such as 10.40.0.0/16',
        },
        {
            title: "a service range inside the VPC",
            over: { network: { serviceCidr: "10.40.0.0/20" } },
            path: "network.serviceCidr",
            reason: 'found "10.40.0.0/20", which overlaps network.cidr (10.40.0.0/16); the service range must not share addresses with the VPC/VNet',
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}, naming the argument, the value and what is allowed`, () => {
            assert.deepStrictEqual(problemsWith(c.over), [{ propertyPath: c.path, reason: c.reason }]);
        });
    }

    it("reports every problem at once", () => {
        assert.deepStrictEqual(
            problemsWith({ zones: ["a"], region: "Frankfurt", controlPlaneAllowedCidrs: ["0.0.0.0/0"] }).map((p) => p.propertyPath),
            ["zones", "region", "controlPlaneAllowedCidrs[0]"],
        );
    });
});

describe("digitalocean/args: defaults", () => {
    it("resolves a minimal program to the production defaults, Spaces in the cluster's region", () => {
        const a = resolveDoksClusterArgs(minimal());
        assert.deepStrictEqual(a.zones, []);
        assert.strictEqual(a.kubernetesVersion, "1.36");
        assert.deepStrictEqual(a.nodePools, defaultNodePools("digitalocean", "prod"));
        assert.deepStrictEqual(a.controlPlaneAllowedCidrs, []);
        assert.strictEqual(a.spacesRegion, "fra1");
        assert.strictEqual(resolveDoksClusterArgs({ region: "fra1", spacesRegion: "ams3" }).spacesRegion, "ams3");
    });

    it("builds from the minimal arguments: the system pool in the cluster, three more pools, the Spaces bucket in fra1", async () => {
        const run = await runWithMocks(() => new DoksCluster("m", minimal()).target.clusterName);
        assert.deepStrictEqual(
            ofType(run.resources, "digitalocean:index/kubernetesNodePool:KubernetesNodePool")
                .map((p) => p.name)
                .sort(),
            ["m-agents", "m-data", "m-monitoring"],
        );
        assert.strictEqual(one(run.resources, "digitalocean:index/kubernetesCluster:KubernetesCluster", "m").inputs.region, "fra1");
        assert.strictEqual(ofType(run.resources, "digitalocean:index/spacesBucket:SpacesBucket")[0].inputs.region, "fra1");
    });
});
