/**
 * The DOKS component as do-prod registers it through index.ts under mocks: the exact inventory of
 * DigitalOcean resources, the cluster's HA, version, upgrade and firewall settings, a pool per role,
 * the LUKS StorageClass and its key, the Spaces bucket and key, the secret kubeconfig, the warnings;
 * and the component's own argument checks.
 */
import * as assert from "assert";
import { DoksCluster, DoksClusterArgs, luksParameters } from "../../components/digitalocean";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT, unmetGuarantees } from "../../components/contract";
import { defaultNodePools, DEFAULT_NETWORK, DEFAULT_RETENTION } from "../../components/defaults";
import { runWithMocks, RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";
import { OFFERED_KUBERNETES } from "../../preview/mocks/digitalocean";
import { at, inventory, one, only, thrown } from "../contract/records";

const T = {
    vpc: "digitalocean:index/vpc:Vpc",
    cluster: "digitalocean:index/kubernetesCluster:KubernetesCluster",
    pool: "digitalocean:index/kubernetesNodePool:KubernetesNodePool",
    bucket: "digitalocean:index/spacesBucket:SpacesBucket",
    key: "digitalocean:index/spacesKey:SpacesKey",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    secret: "kubernetes:core/v1:Secret",
};

function args(change: Partial<DoksClusterArgs> = {}): DoksClusterArgs {
    return {
        region: "fra1",
        zones: [],
        kubernetesVersion: "1.36",
        nodePools: defaultNodePools("digitalocean", "prod"),
        network: { ...DEFAULT_NETWORK, natGateways: "perZone" },
        endpoint: { publicAccess: false, publicAccessCidrs: [] },
        retention: DEFAULT_RETENTION,
        controlPlaneAllowedCidrs: ["203.0.113.0/24"],
        ...change,
    };
}

describe("DOKS cluster (do-prod through index.ts)", function () {
    this.timeout(120_000);
    let run: RunResult;
    before(async () => {
        run = await sharedRun({ stack: "do-prod" });
    });

    it("registers exactly one VPC, one cluster, three separate pools, one bucket and one key", () => {
        const inv = Object.fromEntries(Object.entries(inventory(run)).filter(([t]) => t.startsWith("digitalocean:")));
        assert.deepStrictEqual(inv, { [T.vpc]: 1, [T.cluster]: 1, [T.pool]: 3, [T.bucket]: 1, [T.key]: 1 });
    });

    it("runs the HA control plane on the newest patch of the pinned minor, in the VPC, with auto and surge upgrades in a window", () => {
        const c = only(run.resources, T.cluster);
        const vpc = only(run.resources, T.vpc);
        assert.strictEqual(c.inputs.region, "fra1");
        assert.strictEqual(c.inputs.version, OFFERED_KUBERNETES["1.36"]);
        assert.strictEqual(c.inputs.ha, true);
        assert.strictEqual(c.inputs.autoUpgrade, true);
        assert.strictEqual(c.inputs.surgeUpgrade, true);
        assert.deepStrictEqual(c.inputs.maintenancePolicy, { day: "saturday", startTime: "00:00" });
        assert.strictEqual(c.inputs.destroyAllAssociatedResources, false);
        assert.deepStrictEqual({ ipRange: vpc.inputs.ipRange, region: vpc.inputs.region }, { ipRange: "10.40.0.0/16", region: "fra1" });
        assert.deepStrictEqual(
            { clusterSubnet: c.inputs.clusterSubnet, serviceSubnet: c.inputs.serviceSubnet },
            { clusterSubnet: "10.244.0.0/16", serviceSubnet: "10.96.0.0/16" },
        );
        assert.match(String(c.inputs.vpcUuid), /^[0-9a-f-]{36}$/);
    });

    it("keeps the API behind the control-plane firewall: the VPC and the configured runner range only", () => {
        assert.deepStrictEqual(at(only(run.resources, T.cluster), "controlPlaneFirewall"), {
            enabled: true,
            allowedAddresses: ["10.40.0.0/16", "203.0.113.0/24"],
        });
    });

    it("has a pool per role: system as the default pool, the others separate, each autoscaling 3..max on its droplet size", () => {
        const c = only(run.resources, T.cluster);
        const pools = [c.inputs.nodePool, ...run.resources.filter((r) => r.type === T.pool).map((r) => r.inputs)] as Record<string, any>[];
        const seen = pools.map((p) => ({
            role: p.labels[NODE_ROLE_LABEL],
            size: p.size,
            autoScale: p.autoScale,
            min: p.minNodes,
            max: p.maxNodes,
            taints: p.taints.length,
            count: p.nodeCount,
        }));
        assert.deepStrictEqual(seen, [
            { role: "system", size: "gd-4vcpu-16gb", autoScale: true, min: 3, max: 6, taints: 0, count: undefined },
            { role: "agents", size: "gd-8vcpu-32gb", autoScale: true, min: 3, max: 9, taints: 1, count: undefined },
            { role: "data", size: "gd-8vcpu-32gb", autoScale: true, min: 3, max: 6, taints: 1, count: undefined },
            { role: "monitoring", size: "gd-8vcpu-32gb", autoScale: true, min: 3, max: 6, taints: 1, count: undefined },
        ]);
        assert.deepStrictEqual(pools[2].taints, [{ key: NODE_ROLE_TAINT, value: "data", effect: "NoSchedule" }]);
        for (const r of run.resources.filter((x) => x.type === T.pool)) {
            assert.match(String(r.inputs.clusterId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
            assert.ok(r.opts.dependsOn.includes(c.urn), `${r.name} depends on the cluster`);
        }
    });

    it("offers encrypted-ssd: DigitalOcean block storage with LUKS and a protected, generated key", () => {
        const sc = one(run.resources, T.storageClass, "agents-do-prod-encrypted-ssd");
        assert.strictEqual(sc.inputs.provisioner, "dobs.csi.digitalocean.com");
        assert.deepStrictEqual(sc.inputs.parameters, luksParameters());
        assert.deepStrictEqual(
            { reclaim: sc.inputs.reclaimPolicy, binding: sc.inputs.volumeBindingMode },
            { reclaim: "Retain", binding: "WaitForFirstConsumer" },
        );
        const key = one(run.resources, T.secret, "agents-do-prod-luks-key");
        assert.deepStrictEqual(at(key, "metadata"), {
            namespace: "kube-system",
            name: "encrypted-ssd-luks-key",
            labels: { "app.kubernetes.io/managed-by": "pulumi" },
        });
        assert.strictEqual(key.opts.protect, true);
        assert.strictEqual(key.opts.retainOnDelete, true);
        const luksKey = String(at(key, "stringData.luksKey"));
        assert.strictEqual(luksKey.length, 64);
        assert.ok(run.secrets.has(luksKey), "the LUKS key is a Pulumi secret");
        assert.ok(!JSON.stringify(key.redactedInputs).includes(luksKey), "and redacted in reports");
        assert.strictEqual(run.outputs.storageClass, "encrypted-ssd");
    });

    it("keeps backups in a private, versioned, protected Spaces bucket with lifecycle rules, reached with a bucket-scoped secret key", () => {
        const b = only(run.resources, T.bucket);
        assert.deepStrictEqual(
            { acl: b.inputs.acl, region: b.inputs.region, versioning: b.inputs.versioning, forceDestroy: b.inputs.forceDestroy },
            { acl: "private", region: "fra1", versioning: { enabled: true }, forceDestroy: false },
        );
        assert.strictEqual((b.inputs.lifecycleRules as unknown[]).length, 11);
        assert.deepStrictEqual({ protect: b.opts.protect, retain: b.opts.retainOnDelete }, { protect: true, retain: true });
        const k = only(run.resources, T.key);
        assert.deepStrictEqual(k.inputs.grants, [{ bucket: run.outputs.backupBucket, permission: "readwrite" }]);
        assert.deepStrictEqual(k.opts.additionalSecretOutputs, ["accessKey", "secretKey"]);
        const creds = one(run.resources, T.secret, "agents-do-prod-platform-data-postgres-store-credentials");
        for (const v of Object.values(at(creds, "stringData") as Record<string, string>)) {
            assert.ok(run.secrets.has(v), "Spaces credentials are Pulumi secrets");
            assert.ok(!JSON.stringify(creds.redactedInputs).includes(v));
        }
        assert.deepStrictEqual(run.outputs.backupLocations, {
            postgres: `s3://${run.outputs.backupBucket}/postgres`,
            mongodb: `s3://${run.outputs.backupBucket}/mongodb`,
            redis: `s3://${run.outputs.backupBucket}/backups/redis`,
        });
    });

    it("exports a secret kubeconfig for the cluster's endpoint that authenticates through doctl", () => {
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        const kc = JSON.parse(String(run.outputs.kubeconfig));
        assert.match(kc.clusters[0].cluster.server, /^https:\/\/[0-9a-f-]{36}\.k8s\.ondigitalocean\.com$/);
        assert.strictEqual(kc.users[0].user.exec.command, "doctl");
        assert.deepStrictEqual(run.outputs.zones, []);
    });

    it("announces each guarantee DOKS cannot give, the public API address, the shared Spaces key and where the volume key lives", () => {
        const w = run.outputs.warnings as string[];
        assert.deepStrictEqual([...unmetGuarantees(w)].sort(), [
            "controlPlaneAuditLogs",
            "etcdCustomerKey",
            "nodeDiskCustomerKey",
            "objectStoreCustomerKey",
            "objectStoreEncryption",
            "zoneRedundancy",
        ]);
        assert.ok(w.some((x) => /no private API endpoint.*10\.40\.0\.0\/16, 203\.0\.113\.0\/24/.test(x)));
        assert.ok(w.some((x) => /no workload identity on DOKS/.test(x)));
        assert.ok(w.some((x) => /kube-system\/encrypted-ssd-luks-key/.test(x)));
    });
});

describe("DOKS cluster: argument checks", () => {
    const build = (a: DoksClusterArgs) => runWithMocks(() => new DoksCluster("t", a).target.clusterName);
    it("rejects zones, naming the argument", async () => {
        const e = await thrown(() => build(args({ zones: ["fra1-a"] })));
        assert.strictEqual(e.propertyPath, "zones");
        assert.match(String(e.reason), /no availability zones/);
    });
    it("rejects a region that is not a DigitalOcean slug", async () => {
        assert.strictEqual((await thrown(() => build(args({ region: "eu-west-1" })))).propertyPath, "region");
    });
    it("requires a system pool and one pool per role", async () => {
        const noSystem = args({ nodePools: defaultNodePools("digitalocean", "prod").filter((p) => p.role !== "system") });
        assert.match(String((await thrown(() => build(noSystem))).reason), /a system pool is required/);
        const twice = args({ nodePools: [...defaultNodePools("digitalocean", "prod"), defaultNodePools("digitalocean", "prod")[1]] });
        assert.match(String((await thrown(() => build(twice))).reason), /one pool per role/);
    });
    it("fails with the minor named when DigitalOcean does not offer it", async () => {
        const e = await thrown(() => build(args({ kubernetesVersion: "1.31" })));
        assert.match(e.message, /DigitalOcean offers no Kubernetes 1\.31 \(no version starts with 1\.31\.\)/);
    });
});
