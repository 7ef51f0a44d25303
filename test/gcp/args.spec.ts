/**
 * GkeCluster's own API (components/gcp/args.ts): the pure validator, one problem per case, every
 * problem at once; the defaults a minimal program gets.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { GkeCluster, gkeClusterArgProblems, GkeClusterArgs, resolveGkeClusterArgs } from "../../components/gcp";
import { defaultNodePools } from "../../components/defaults";
import { runWithMocks } from "../../preview/harness";
import { ofType, one, thrown } from "../contract/records";
import { PROJECT, prodArgs, REGION, ZONES } from "./fixtures";

const minimal = (): GkeClusterArgs => ({ project: PROJECT, region: REGION, zones: [...ZONES] });
const problemsWith = (over: Partial<GkeClusterArgs>) => gkeClusterArgProblems({ ...minimal(), ...over });

describe("gcp/args: gkeClusterArgProblems", () => {
    it("accepts the minimal arguments (project, region, zones) and the gcp-prod ones", () => {
        assert.deepStrictEqual(gkeClusterArgProblems(minimal()), []);
        assert.deepStrictEqual(gkeClusterArgProblems(prodArgs()), []);
    });

    const cases: { title: string; over: Partial<GkeClusterArgs>; path: string; reason: string }[] = [
        {
            title: "a project ID that is not one",
            over: { project: "Acme" },
            path: "project",
            reason: 'found "Acme"; must be a project ID: 6-30 lower-case letters, digits and hyphens, starting with a letter',
        },
        {
            title: "a region that is not one",
            over: { region: "eu-west-1", zones: ["eu-west-1-a"] },
            path: "region",
            reason: 'found "eu-west-1"; must be a Google Cloud region such as europe-west4',
        },
        { title: "no zones", over: { zones: [] }, path: "zones", reason: "found none; a regional cluster needs its zones (at least 3 for production)" },
        {
            title: "a zone of another region",
            over: { zones: ["europe-west4-a", "europe-west1-b"] },
            path: "zones[1]",
            reason: 'found "europe-west1-b"; must be a zone of region europe-west4, e.g. europe-west4-a',
        },
        {
            title: "a zone twice",
            over: { zones: ["europe-west4-a", "europe-west4-a"] },
            path: "zones",
            reason: "found duplicates in [europe-west4-a, europe-west4-a]; each zone once",
        },
        { title: "no node pools", over: { nodePools: [] }, path: "nodePools", reason: "found none; a GKE cluster needs at least a system pool" },
        {
            title: "a control-plane range that is not a /28",
            over: { masterCidr: "172.16.0.0/24" },
            path: "masterCidr",
            reason: 'found "172.16.0.0/24"; must be an IPv4 /28 such as 172.16.0.0/28',
        },
        {
            title: "a control-plane range that is no CIDR",
            over: { masterCidr: "172.16.0.0" },
            path: "masterCidr",
            reason: 'found "172.16.0.0"; must be an IPv4 /28 such as 172.16.0.0/28',
        },
        {
            title: "a control-plane range inside the pod range",
            over: { masterCidr: "10.244.0.0/28" },
            path: "masterCidr",
            reason: 'found "10.244.0.0/28"; overlaps network.podCidr (10.244.0.0/14), choose a /28 outside every cluster range',
        },
        {
            title: "a pod range overlapping the VPC",
            over: { network: { podCidr: "10.40.128.0/17" } },
            path: "network.podCidr",
            reason: 'found "10.40.128.0/17", which overlaps network.cidr (10.40.0.0/16); the pod range must not share addresses with the VPC/VNet',
        },
        {
            title: "a DR region on another continent",
            over: { drRegion: "us-east1" },
            path: "drRegion",
            reason: 'found "us-east1"; must be another region in the same EU, US or ASIA multi-region as europe-west4 (EU), e.g. europe-west1',
        },
        {
            title: "the cluster's own region as DR region",
            over: { drRegion: REGION },
            path: "drRegion",
            reason: 'found "europe-west4"; must be another region in the same EU, US or ASIA multi-region as europe-west4 (EU), e.g. europe-west1',
        },
        {
            title: "an unknown release channel",
            over: { releaseChannel: "BETA" as never },
            path: "releaseChannel",
            reason: 'found "BETA"; allowed: RAPID, REGULAR, STABLE, EXTENDED',
        },
        {
            title: "a boot disk that is not SSD",
            over: { bootDiskType: "pd-standard" as never },
            path: "bootDiskType",
            reason: 'found "pd-standard"; allowed: pd-ssd, pd-balanced',
        },
        {
            title: "a maintenance window that ends before it starts",
            over: { maintenanceWindow: { startTime: "2026-01-03T08:00:00Z", endTime: "2026-01-03T00:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA" } },
            path: "maintenanceWindow.endTime",
            reason: 'found "2026-01-03T00:00:00Z"; must be after startTime (2026-01-03T08:00:00Z)',
        },
        {
            title: "a maintenance window start that is no RFC 3339 UTC time",
            over: { maintenanceWindow: { startTime: "Saturday 00:00", endTime: "2026-01-03T08:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA" } },
            path: "maintenanceWindow.startTime",
            reason: 'found "Saturday 00:00"; must be an RFC 3339 time in UTC such as 2026-01-03T00:00:00Z',
        },
        {
            title: "a recurrence that is no RRULE",
            over: { maintenanceWindow: { startTime: "2026-01-03T00:00:00Z", endTime: "2026-01-03T08:00:00Z", recurrence: "weekends" } },
            path: "maintenanceWindow.recurrence",
            reason: 'found "weekends"; must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=SA,SU',
        },
        {
            title: "a key rotation under a day",
            over: { keyRotationPeriod: "3600s" },
            path: "keyRotationPeriod",
            reason: 'found "3600s"; must be seconds with an "s", at least one day (86400s), e.g. 7776000s',
        },
        {
            title: "a public endpoint open to the internet",
            over: { endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } },
            path: "endpoint.publicAccessCidrs",
            reason: 'found "0.0.0.0/0"; the whole internet is not allowed',
        },
        {
            title: "a Kubernetes version that is not a minor",
            over: { kubernetesVersion: "latest" },
            path: "kubernetesVersion",
            reason: 'found "latest"; must be a Kubernetes minor version such as "1.35"',
        },
        {
            title: "a retention of zero days",
            over: { retention: { backupDays: 0 } },
            path: "retention.backupDays",
            reason: "found 0; must be a whole number from 1 to 3650",
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}, naming the argument, the value and what is allowed`, () => {
            assert.deepStrictEqual(problemsWith(c.over), [{ propertyPath: c.path, reason: c.reason }]);
        });
    }

    it("reports every problem at once", () => {
        const found = problemsWith({ project: "x", zones: [], masterCidr: "172.16.0.0/24", releaseChannel: "BETA" as never });
        assert.deepStrictEqual(
            found.map((p) => p.propertyPath),
            ["project", "zones", "masterCidr", "releaseChannel"],
        );
    });
});

describe("gcp/args: defaults", () => {
    it("resolves a minimal program to the production defaults", () => {
        const a = resolveGkeClusterArgs(minimal());
        assert.strictEqual(a.environment, "prod");
        assert.strictEqual(a.kubernetesVersion, "1.35");
        assert.deepStrictEqual(a.nodePools, defaultNodePools("gcp", "prod"));
        assert.strictEqual(a.releaseChannel, "REGULAR");
        assert.strictEqual(a.masterCidr, "172.16.0.0/28");
        assert.strictEqual(a.bootDiskType, "pd-balanced");
        assert.strictEqual(a.keyRotationPeriod, "7776000s");
        assert.deepStrictEqual(a.maintenanceWindow, {
            startTime: "2026-01-03T00:00:00Z",
            endTime: "2026-01-03T08:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
        });
        assert.strictEqual(a.protectStateful, true);
    });

    it("builds from the minimal arguments: four pools of the production sizes, the pinned version", async () => {
        const run = await runWithMocks(() => new GkeCluster("m", minimal()).target.clusterName);
        assert.deepStrictEqual(
            ofType(run.resources, "gcp:container/nodePool:NodePool")
                .map((p) => p.name)
                .sort(),
            ["m-agents", "m-data", "m-monitoring", "m-system"],
        );
        assert.strictEqual(one(run.resources, "gcp:container/cluster:Cluster", "m").inputs.minMasterVersion, "1.35");
    });

    it("the constructor throws every problem as one InputPropertiesError before creating anything", async () => {
        const e = await thrown(() => runWithMocks(() => new GkeCluster("m", { ...minimal(), zones: [], bootDiskType: "pd-standard" as never })));
        assert.ok(pulumi.InputPropertiesError.isInstance(e));
        assert.deepStrictEqual(
            (e as pulumi.InputPropertiesError).errors.map((x) => x.propertyPath),
            ["zones", "bootDiskType"],
        );
        assert.match(e.message, /^GkeCluster: 2 invalid arguments: zones: found none; .*; bootDiskType: found "pd-standard"; allowed: pd-ssd, pd-balanced$/);
    });
});
