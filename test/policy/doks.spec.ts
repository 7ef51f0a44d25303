/**
 * The pack on DigitalOcean Kubernetes (DOKS): a cluster with its default `nodePool` plus a separate
 * KubernetesNodePool, the LUKS StorageClass and a Spaces bucket. Every rule that reads these types
 * is tested with a compliant stack and with each way to violate it.
 */
import * as assert from "assert";
import { luksParameters } from "../../components/digitalocean/storage";
import { get } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";

const CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
const POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";

/** A compliant DOKS stack as components/digitalocean registers it. */
function doksStack(): Res[] {
    return [
        {
            type: CLUSTER,
            name: "doks",
            props: {
                name: "doks",
                region: "fra1",
                version: "1.36.3-do.0",
                ha: true,
                autoUpgrade: true,
                surgeUpgrade: true,
                maintenancePolicy: { day: "saturday", startTime: "00:00" },
                nodePool: { name: "system", size: "gd-4vcpu-16gb", autoScale: true, minNodes: 3, maxNodes: 6 },
            },
        },
        {
            type: POOL,
            name: "agents",
            dependsOn: ["doks"],
            props: { clusterId: "0b3f7a1e-1111-4222-a333-444455556666", name: "agents", size: "gd-8vcpu-32gb", autoScale: true, minNodes: 3, maxNodes: 9 },
        },
    ];
}

const p = (list: Res[], name: string): any => get(list, name).props;

describe("policies on DOKS: node count", () => {
    const rule = "nodes-cluster-enforce-minimum-count";
    it("passes the default pool and a separate pool at their autoscaler minimums (3 + 3)", async () => none(await check(rule, doksStack())));
    it("rejects a cluster whose pools sum to 2 nodes, reading minNodes (autoScale) and nodeCount (fixed)", async () => {
        const s = mutate(doksStack(), (x) => {
            p(x, "doks").nodePool.minNodes = 1;
            Object.assign(p(x, "agents"), { autoScale: false, nodeCount: 1 });
        });
        one(
            await check(rule, s),
            'KubernetesCluster "doks" is under-provisioned',
            "2 node(s)",
            "minNodes (autoScale on)",
            "nodeCount (autoScale off)",
            "DOKS minNodes/nodeCount",
        );
    });
});

describe("policies on DOKS: droplet sizes", () => {
    const rule = "nodes-pool-enforce-machine-size";
    it("passes gd-4vcpu-16gb and gd-8vcpu-32gb", async () => none(await check(rule, doksStack())));
    it("rejects a 2 vCPU droplet for vCPU and memory, naming the slug", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").size = "s-2vcpu-4gb"));
        one(await check(rule, s), 'KubernetesNodePool "agents"', '"s-2vcpu-4gb" is too small (2 vCPU < 4, 4 GiB < 16 GiB)', "gd-4vcpu-16gb");
    });
    it("rejects a droplet with enough vCPU but too little memory (c-4: 4 vCPU, 8 GiB)", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "doks").nodePool.size = "c-4"));
        one(await check(rule, s), 'nodePool "system"', "8 GiB < 16 GiB");
    });
    it("fails closed on a slug the catalogue does not know", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").size = "x-9vcpu-1gb"));
        one(await check(rule, s), "is not in the digitalocean size catalogue", "machineSizes");
    });
    it("reads the Premium Intel slugs with their disk in the name", async () => {
        none(
            await check(
                rule,
                mutate(doksStack(), (x) => (p(x, "agents").size = "s-4vcpu-16gb-320gb-intel")),
            ),
        );
    });
});

describe("policies on DOKS: node disks", () => {
    it("nodes-pool-enforce-disk-size: passes 100 and 200 GB droplet disks", async () => none(await check("nodes-pool-enforce-disk-size", doksStack())));
    it("nodes-pool-enforce-disk-size: rejects g-4vcpu-16gb (50 GB), naming the droplet as the disk's source", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").size = "g-4vcpu-16gb"));
        one(
            await check("nodes-pool-enforce-disk-size", s),
            '50 GB (the local disk of droplet size "g-4vcpu-16gb")',
            "choose a droplet size whose local disk has 100 GB or more",
        );
    });
    it("nodes-pool-enforce-disk-size: an unknown slug has no known disk and fails", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").size = "x-9vcpu-1gb"));
        one(await check("nodes-pool-enforce-disk-size", s), "0 GB", "not in the DigitalOcean catalogue");
    });
    it("nodes-pool-enforce-ssd-disk: every droplet disk is SSD", async () => none(await check("nodes-pool-enforce-ssd-disk", doksStack())));
    it("secrets-disk-enforce-encryption: reports every DOKS pool (no customer key exists for droplet disks)", async () => {
        const v = await check("secrets-disk-enforce-encryption", doksStack());
        assert.deepStrictEqual(
            v.map((x) => x.urn?.split("::").pop()),
            ["doks", "agents"],
        );
        assert.match(v[0].message, /no encryption setting or customer-managed key on DOKS/);
    });
});

describe("policies on DOKS: zones", () => {
    const rule = "nodes-pool-enforce-zone-spread";
    it("reports each pool as one failure domain, the cluster's region", async () => {
        const v = await check(rule, doksStack());
        assert.strictEqual(v.length, 2);
        assert.match(v[1].message, /found 1 zone\(s\) \[fra1\] from the cluster's region "fra1" \(one datacenter/);
    });
    it("passes with minZones 1 (the region is the only failure domain)", async () => none(await check(rule, doksStack(), { minZones: 1 })));
    it("fails closed on a pool whose cluster is not in the stack", async () => {
        const v = await check(rule, [get(doksStack(), "agents")], { minZones: 1 });
        one(v, "its zones cannot be determined", "create the DOKS node pool in the same stack as its cluster");
    });
});

describe("policy nodes-dokspool-enforce-autoscaling", () => {
    const rule = "nodes-dokspool-enforce-autoscaling";
    it("passes pools autoscaling from 3 with room to grow", async () => none(await check(rule, doksStack())));
    it("rejects a fixed-size pool", async () => {
        const s = mutate(doksStack(), (x) => Object.assign(p(x, "agents"), { autoScale: false, nodeCount: 5 }));
        one(await check(rule, s), 'KubernetesNodePool "agents" does not autoscale', "autoScale false, nodeCount 5");
    });
    it("rejects the default pool with autoScale unset", async () => {
        const s = mutate(doksStack(), (x) => delete p(x, "doks").nodePool.autoScale);
        one(await check(rule, s), 'KubernetesCluster "doks" nodePool does not autoscale');
    });
    it("rejects a floor below minPoolNodes, and honours minPoolNodes from config", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").minNodes = 2));
        one(await check(rule, s), "can scale below 3 nodes", "minNodes 2");
        none(await check(rule, s, { minPoolNodes: 2 }));
    });
    it("rejects a maximum below the minimum", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").maxNodes = 2));
        one(await check(rule, s), "has no valid autoscaler maximum", "maxNodes 2 with minNodes 3");
    });
    it("rejects a missing maximum", async () => {
        const s = mutate(doksStack(), (x) => delete p(x, "agents").maxNodes);
        one(await check(rule, s), "has no valid autoscaler maximum");
    });
    it("rejects min = max (no headroom) unless requireHeadroom is off", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "agents").maxNodes = 3));
        one(await check(rule, s), "cannot grow", "minNodes 3 = maxNodes 3");
        none(await check(rule, s, { requireHeadroom: false }));
    });
});

describe("policies on DOKS: managed upgrades and HA control plane", () => {
    const rule = "nodes-cluster-configure-managed-upgrades";
    it("passes auto and surge upgrades in a maintenance window with HA on", async () => none(await check(rule, doksStack())));
    it("rejects autoUpgrade unset (DOKS default false)", async () => {
        one(
            await check(
                rule,
                mutate(doksStack(), (x) => delete p(x, "doks").autoUpgrade),
            ),
            "is not upgraded automatically",
            "DOKS default: false",
        );
    });
    it("rejects surgeUpgrade false", async () =>
        one(
            await check(
                rule,
                mutate(doksStack(), (x) => (p(x, "doks").surgeUpgrade = false)),
            ),
            "upgrades nodes in place",
        ));
    it("rejects a missing maintenance window", async () =>
        one(
            await check(
                rule,
                mutate(doksStack(), (x) => delete p(x, "doks").maintenancePolicy),
            ),
            "has no maintenance window",
        ));
    it("rejects ha false unless requirePaidTier is off", async () => {
        const s = mutate(doksStack(), (x) => (p(x, "doks").ha = false));
        one(await check(rule, s), "has no HA control plane", "ha false");
        none(await check(rule, s, { requirePaidTier: false }));
    });
});

describe("policies on DOKS: storage, bucket, audit, protection", () => {
    const sc = (parameters: Record<string, string>): Res => ({
        type: "kubernetes:storage.k8s.io/v1:StorageClass",
        name: "sc",
        props: { provisioner: "dobs.csi.digitalocean.com", parameters, reclaimPolicy: "Retain" },
    });
    const bucket = (protect: boolean): Res => ({
        type: "digitalocean:index/spacesBucket:SpacesBucket",
        name: "spaces",
        protect,
        props: { region: "fra1", acl: "private", versioning: { enabled: true } },
    });
    it("secrets-storageclass-enforce-encryption: passes the LUKS class the DOKS component creates", async () =>
        none(await check("secrets-storageclass-enforce-encryption", [sc(luksParameters())])));
    it("secrets-storageclass-enforce-encryption: rejects a class without LUKS", async () => {
        const { ["dobs.csi.digitalocean.com/luks-encrypted"]: _, ...rest } = luksParameters();
        one(await check("secrets-storageclass-enforce-encryption", [sc(rest)]), 'luks-encrypted"] not set', "LUKS encryption on");
    });
    it("secrets-storageclass-enforce-encryption: rejects LUKS without a key Secret unless requireCustomerKey is off", async () => {
        const params = { "dobs.csi.digitalocean.com/luks-encrypted": "true" };
        one(await check("secrets-storageclass-enforce-encryption", [sc(params)]), "node-stage Secret", "luksKey");
        none(await check("secrets-storageclass-enforce-encryption", [sc(params)], { requireCustomerKey: false }));
    });
    it("secrets-bucket-enforce-encryption: reports a Spaces bucket (no customer-managed key exists)", async () => {
        one(
            await check("secrets-bucket-enforce-encryption", [bucket(true)]),
            'SpacesBucket "spaces" cannot be encrypted with a customer-managed key',
            "advisory for DOKS stacks",
        );
    });
    it("audit-cluster-enforce-control-plane-logs: reports a DOKS cluster (no audit log export)", async () => {
        one(await check("audit-cluster-enforce-control-plane-logs", [get(doksStack(), "doks")]), "cannot export control-plane audit logs");
    });
    it("data-stateful-enforce-protection: a Spaces bucket must be protected", async () => {
        none(await check("data-stateful-enforce-protection", [bucket(true)]));
        one(await check("data-stateful-enforce-protection", [bucket(false)]), 'SpacesBucket "spaces" holds state but can be destroyed by Pulumi');
    });
});
