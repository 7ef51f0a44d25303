/**
 * The arguments every cluster component shares: their defaults (one table, components/defaults.ts,
 * the same figures a stack file gets) and the checks every cloud runs, one problem per case.
 */
import * as assert from "assert";
import {
    ClusterArgsBase,
    endpointProblems,
    environmentProblems,
    networkProblems,
    nodePoolProblems,
    resolveClusterArgs,
    retentionProblems,
    tagProblems,
} from "../../components/clusterArgs";
import { DEFAULT_NETWORK, DEFAULT_RETENTION, defaultNodePools } from "../../components/defaults";
import type { NetworkConfig, NodePoolSpec, RetentionConfig } from "../../components/types";
import { ArgProblem, ProblemList, throwArgProblems } from "../../components/validation";
import * as pulumi from "@pulumi/pulumi";

/** Runs one shared check and returns what it found. */
function run(check: (fail: (p: string, r: string) => void) => void): ArgProblem[] {
    const list = new ProblemList();
    check(list.fail);
    return list.problems;
}

const pool = (over: Partial<NodePoolSpec> = {}): NodePoolSpec => ({
    role: "system",
    instanceType: "m6i.xlarge",
    minNodes: 3,
    maxNodes: 6,
    desiredNodes: 3,
    diskSizeGb: 100,
    ...over,
});
const network = (over: Partial<NetworkConfig> = {}): NetworkConfig => ({ ...DEFAULT_NETWORK, natGateways: "perZone", ...over });

describe("components/clusterArgs: defaults", () => {
    it("fills every shared argument for production when only the cloud's required ones are given", () => {
        const a = resolveClusterArgs("aws", {});
        assert.deepStrictEqual(a, {
            environment: "prod",
            zones: [],
            kubernetesVersion: "1.35",
            nodePools: defaultNodePools("aws", "prod"),
            network: { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
            endpoint: { publicAccess: false, publicAccessCidrs: [] },
            retention: { ...DEFAULT_RETENTION },
            protectStateful: true,
            tags: {},
        });
        assert.deepStrictEqual(
            a.nodePools.map((p) => p.role),
            ["system", "agents", "data", "monitoring"],
        );
    });

    it("gives dev the seed's two small nodes and one NAT gateway, and each cloud its own zones and version", () => {
        const dev = resolveClusterArgs("gcp", { environment: "dev" });
        assert.deepStrictEqual(dev.nodePools, [{ role: "system", instanceType: "e2-standard-2", minNodes: 2, maxNodes: 3, desiredNodes: 2, diskSizeGb: 50 }]);
        assert.strictEqual(dev.network.natGateways, "single");
        assert.deepStrictEqual(resolveClusterArgs("azure", {}).zones, ["1", "2", "3"]);
        assert.deepStrictEqual(resolveClusterArgs("digitalocean", {}).zones, []);
        assert.strictEqual(resolveClusterArgs("digitalocean", {}).kubernetesVersion, "1.36");
    });

    it("merges partial network, endpoint and retention over the defaults, ignoring undefined keys", () => {
        const args: ClusterArgsBase = {
            network: { cidr: "10.50.0.0/16", podCidr: undefined },
            endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
            retention: { logsDays: 14 },
        };
        const a = resolveClusterArgs("aws", args);
        assert.deepStrictEqual(a.network, { cidr: "10.50.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" });
        assert.deepStrictEqual(a.endpoint, { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
        assert.deepStrictEqual(a.retention, { ...DEFAULT_RETENTION, logsDays: 14 });
    });

    it("never hands out the default tables themselves (a caller's change cannot leak into the next cluster)", () => {
        const a = resolveClusterArgs("azure", {});
        a.zones.push("4");
        a.endpoint.publicAccessCidrs.push("203.0.113.0/24");
        assert.deepStrictEqual(resolveClusterArgs("azure", {}).zones, ["1", "2", "3"]);
        assert.deepStrictEqual(resolveClusterArgs("azure", {}).endpoint.publicAccessCidrs, []);
    });
});

describe("components/clusterArgs: shared checks", () => {
    it("environment and kubernetesVersion", () => {
        assert.deepStrictEqual(
            run((f) => environmentProblems({ environment: "prod", kubernetesVersion: "1.35" }, f)),
            [],
        );
        assert.deepStrictEqual(
            run((f) => environmentProblems({ environment: "qa" as never, kubernetesVersion: "1.35" }, f)),
            [{ propertyPath: "environment", reason: 'found "qa"; allowed: prod, dev' }],
        );
        assert.deepStrictEqual(
            run((f) => environmentProblems({ environment: "dev", kubernetesVersion: "1.35.2" }, f)),
            [{ propertyPath: "kubernetesVersion", reason: 'found "1.35.2"; must be a Kubernetes minor version such as "1.35"' }],
        );
    });

    it("node pools: none, an unknown or repeated role, no machine type, counts out of order or fractional, a bad disk", () => {
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool()], f, "why")),
            [],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([], f, "a pool is needed")),
            [{ propertyPath: "nodePools", reason: "found none; a pool is needed" }],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool({ role: "gpu" as never })], f, "")),
            [{ propertyPath: "nodePools[0].role", reason: 'found "gpu"; allowed: system, agents, data, monitoring' }],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool(), pool()], f, "")),
            [{ propertyPath: "nodePools[1].role", reason: 'found "system" twice; one pool per role' }],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool({ instanceType: "" })], f, "")),
            [
                {
                    propertyPath: "nodePools[0].instanceType",
                    reason: 'found ""; must be the cloud\'s machine type, e.g. m6i.xlarge, e2-standard-4, Standard_D4s_v5, gd-4vcpu-16gb',
                },
            ],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool({ minNodes: 4, desiredNodes: 3, maxNodes: 3 })], f, "")),
            [{ propertyPath: "nodePools[0]", reason: "found min 4, desired 3, max 3; need 0 <= min <= desired <= max and max >= 1" }],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool({ desiredNodes: 3.5 })], f, "")),
            [{ propertyPath: "nodePools[0]", reason: "found min 3, desired 3.5, max 6; node counts are whole numbers" }],
        );
        assert.deepStrictEqual(
            run((f) => nodePoolProblems([pool({ diskSizeGb: 0 })], f, "")),
            [{ propertyPath: "nodePools[0].diskSizeGb", reason: "found 0; must be a whole number of GB, at least 1" }],
        );
    });

    it("network: the NAT layout, each range a canonical CIDR, no two ranges overlapping", () => {
        const all = ["cidr", "podCidr", "serviceCidr"] as const;
        assert.deepStrictEqual(
            run((f) => networkProblems(network(), f, all)),
            [],
        );
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ natGateways: "two" as never }), f, [])),
            [{ propertyPath: "network.natGateways", reason: 'found "two"; allowed: perZone, single' }],
        );
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ cidr: "10.40.0.0" }), f, all)),
            [{ propertyPath: "network.cidr", reason: 'found "10.40.0.0"; must be an IPv4 CIDR such as 10.40.0.0/16' }],
        );
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ podCidr: "10.244.0.1/14" }), f, all)),
            [{ propertyPath: "network.podCidr", reason: 'found "10.244.0.1/14"; host bits are set, the network address is 10.244.0.0/14' }],
        );
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ serviceCidr: "010.96.0.0/16" }), f, all)),
            [{ propertyPath: "network.serviceCidr", reason: 'found "010.96.0.0/16"; write the CIDR without leading zeros, e.g. 10.40.0.0/16' }],
        );
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ serviceCidr: "10.40.128.0/20" }), f, all)),
            [
                {
                    propertyPath: "network.serviceCidr",
                    reason: 'found "10.40.128.0/20", which overlaps network.cidr (10.40.0.0/16); the service range must not share addresses with the VPC/VNet',
                },
            ],
        );
        // A range the cloud does not use is not read.
        assert.deepStrictEqual(
            run((f) => networkProblems(network({ podCidr: "nope" }), f, ["cidr", "serviceCidr"])),
            [],
        );
    });

    it("endpoint: a public endpoint only to named, valid CIDRs, never the whole internet", () => {
        assert.deepStrictEqual(
            run((f) => endpointProblems({ publicAccess: false, publicAccessCidrs: [] }, f)),
            [],
        );
        assert.deepStrictEqual(
            run((f) => endpointProblems({ publicAccess: true, publicAccessCidrs: [] }, f)),
            [{ propertyPath: "endpoint.publicAccessCidrs", reason: "found none; a public endpoint must be restricted to named CIDRs" }],
        );
        assert.deepStrictEqual(
            run((f) => endpointProblems({ publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, f)),
            [{ propertyPath: "endpoint.publicAccessCidrs", reason: 'found "0.0.0.0/0"; the whole internet is not allowed' }],
        );
        assert.deepStrictEqual(
            run((f) => endpointProblems({ publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "office"] }, f)),
            [{ propertyPath: "endpoint.publicAccessCidrs[1]", reason: 'found "office"; must be an IPv4 CIDR such as 10.40.0.0/16' }],
        );
        assert.deepStrictEqual(
            run((f) => endpointProblems({ publicAccess: "yes" as never, publicAccessCidrs: [] }, f)),
            [{ propertyPath: "endpoint.publicAccess", reason: 'found "yes"; must be true or false' }],
        );
    });

    it("retention: whole numbers of days from 1 to 3650; tags: strings", () => {
        assert.deepStrictEqual(
            run((f) => retentionProblems({ ...DEFAULT_RETENTION }, f)),
            [],
        );
        const r: RetentionConfig = { ...DEFAULT_RETENTION, logsDays: 0, tracesDays: 7.5, auditLogDays: 4000 };
        assert.deepStrictEqual(
            run((f) => retentionProblems(r, f)),
            [
                { propertyPath: "retention.logsDays", reason: "found 0; must be a whole number from 1 to 3650" },
                { propertyPath: "retention.tracesDays", reason: "found 7.5; must be a whole number from 1 to 3650" },
                { propertyPath: "retention.auditLogDays", reason: "found 4000; must be a whole number from 1 to 3650" },
            ],
        );
        assert.deepStrictEqual(
            run((f) => tagProblems({ owner: 7 as never }, f)),
            [{ propertyPath: "tags.owner", reason: "found 7; tag values are strings" }],
        );
    });
});

describe("components/validation: throwArgProblems", () => {
    it("returns for none, throws an InputPropertyError for one and one InputPropertiesError naming all of several", () => {
        throwArgProblems("X", []);
        assert.throws(
            () => throwArgProblems("X", [{ propertyPath: "a", reason: "found 1; allowed 2" }]),
            (e: Error) =>
                pulumi.InputPropertyError.isInstance(e) && (e as pulumi.InputPropertyError).propertyPath === "a" && e.message === "found 1; allowed 2",
        );
        assert.throws(
            () =>
                throwArgProblems("X", [
                    { propertyPath: "a", reason: "r1" },
                    { propertyPath: "b", reason: "r2" },
                ]),
            (e: Error) =>
                pulumi.InputPropertiesError.isInstance(e) &&
                e.message === "X: 2 invalid arguments: a: r1; b: r2" &&
                (e as pulumi.InputPropertiesError).errors.length === 2,
        );
    });
});
