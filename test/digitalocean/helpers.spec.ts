/** Pure parts of the DOKS component and the droplet catalogue. */
import * as assert from "assert";
import {
    buildDoksKubeconfig,
    doTags,
    firewallAllowedAddresses,
    poolArgs,
    spacesEndpoint,
    spacesLifecycleRules,
    versionPrefix,
} from "../../components/digitalocean";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../../components/contract";
import { DEFAULT_RETENTION } from "../../components/defaults";
import { DIGITALOCEAN_DROPLETS, resolveDropletSize, resolveMachineSize } from "../../policy/catalog";

describe("DOKS helpers", () => {
    it("turns key/value tags into DigitalOcean's plain tags, replacing characters outside the grammar", () => {
        assert.deepStrictEqual(doTags({ owner: "platform team", stack: "do-prod", "cost/centre": "R&D" }), [
            "cost-centre:R-D",
            "owner:platform-team",
            "stack:do-prod",
        ]);
        assert.deepStrictEqual(doTags({}), []);
    });

    it("asks getKubernetesVersions for one minor's patches only", () => {
        assert.strictEqual(versionPrefix("1.36"), "1.36.");
        assert.throws(() => versionPrefix("1.36.2"), /kubernetesVersion "1.36.2" is not a minor version such as "1.36"/);
        assert.throws(() => versionPrefix("latest"), /not a minor version/);
    });

    it("admits the VPC, the runner ranges and (only when public) the public ranges through the control-plane firewall", () => {
        assert.deepStrictEqual(firewallAllowedAddresses("10.40.0.0/16", ["203.0.113.0/24"], { publicAccess: false, publicAccessCidrs: ["198.51.100.0/24"] }), [
            "10.40.0.0/16",
            "203.0.113.0/24",
        ]);
        assert.deepStrictEqual(firewallAllowedAddresses("10.40.0.0/16", ["10.40.0.0/16"], { publicAccess: true, publicAccessCidrs: ["198.51.100.0/24"] }), [
            "10.40.0.0/16",
            "198.51.100.0/24",
        ]);
    });

    it("builds autoscaling pool arguments with the role label, and the taint on every pool but system", () => {
        const base = { minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100, instanceType: "gd-4vcpu-16gb" };
        assert.deepStrictEqual(poolArgs({ role: "system", ...base }, ["stack:do-prod"]), {
            name: "system",
            size: "gd-4vcpu-16gb",
            autoScale: true,
            minNodes: 3,
            maxNodes: 6,
            labels: { [NODE_ROLE_LABEL]: "system" },
            taints: [],
            tags: ["stack:do-prod", "role:system"],
        });
        const data = poolArgs({ role: "data", ...base }, []);
        assert.deepStrictEqual(data.taints, [{ key: NODE_ROLE_TAINT, value: "data", effect: "NoSchedule" }]);
        assert.ok(!("nodeCount" in data), "no nodeCount beside the autoscaler");
    });

    it("writes a kubeconfig that authenticates through doctl and holds no token", () => {
        const kc = buildDoksKubeconfig({
            clusterName: "agents",
            clusterId: "c0ffee00-0000-4000-a000-000000000001",
            endpoint: "https://c0ffee00.k8s.ondigitalocean.com",
            certificateAuthorityData: "Q0E=",
        }) as any;
        assert.strictEqual(kc.clusters[0].cluster.server, "https://c0ffee00.k8s.ondigitalocean.com");
        assert.strictEqual(kc.clusters[0].cluster["certificate-authority-data"], "Q0E=");
        assert.strictEqual(kc.users[0].user.exec.command, "doctl");
        assert.deepStrictEqual(kc.users[0].user.exec.args, [
            "kubernetes",
            "cluster",
            "kubeconfig",
            "exec-credential",
            "--version=v1beta1",
            "c0ffee00-0000-4000-a000-000000000001",
        ]);
        assert.ok(!JSON.stringify(kc).includes("token"), "no token in the file");
    });

    it("derives Spaces lifecycle rules from the retention figures, one per prefix plus version hygiene", () => {
        const rules = spacesLifecycleRules({ ...DEFAULT_RETENTION, backupDays: 14, logsDays: 60 });
        const byPrefix = Object.fromEntries(rules.filter((r) => r.prefix).map((r) => [r.prefix, r.expiration?.days]));
        assert.deepStrictEqual(byPrefix, {
            "backups/": 14,
            "config/": 84,
            "logs/": 60,
            "traces/": 30,
            "conversations/": 365,
            "metrics/": 30,
            "postgres/": 21,
            "mongodb/": 21,
            "loki/": 67,
            "tempo/": 37,
        });
        const hygiene = rules.find((r) => r.prefix === "")!;
        assert.deepStrictEqual(hygiene, {
            id: "noncurrent-versions-and-uploads",
            enabled: true,
            prefix: "",
            expiration: { expiredObjectDeleteMarker: true },
            noncurrentVersionExpiration: { days: 30 },
            abortIncompleteMultipartUploadDays: 7,
        });
        assert.strictEqual(spacesEndpoint("fra1"), "https://fra1.digitaloceanspaces.com");
    });
});

describe("droplet catalogue", () => {
    it("sizes the production pools' droplets: vCPU, GiB and the fixed disk", () => {
        assert.deepStrictEqual(resolveDropletSize("gd-4vcpu-16gb"), { vcpu: 4, memoryGib: 16, diskGb: 100 });
        assert.deepStrictEqual(resolveDropletSize("gd-8vcpu-32gb"), { vcpu: 8, memoryGib: 32, diskGb: 200 });
        assert.deepStrictEqual(resolveDropletSize("m-4vcpu-32gb"), { vcpu: 4, memoryGib: 32, diskGb: 100 });
        assert.deepStrictEqual(resolveDropletSize("c-4"), { vcpu: 4, memoryGib: 8, diskGb: 50 });
        assert.deepStrictEqual(resolveDropletSize("s-2vcpu-4gb"), { vcpu: 2, memoryGib: 4, diskGb: 80 });
    });

    it("reads Premium Intel slugs with the disk in the name, and nothing else outside the list", () => {
        assert.deepStrictEqual(resolveDropletSize("s-8vcpu-32gb-640gb-intel"), { vcpu: 8, memoryGib: 32, diskGb: 640 });
        assert.strictEqual(resolveDropletSize("gd-4vcpu-16gb-intel"), undefined);
        assert.strictEqual(resolveDropletSize("m6i.xlarge"), undefined);
        assert.strictEqual(resolveMachineSize("digitalocean", "gd-4vcpu-16gb")?.vcpu, 4);
        assert.strictEqual(resolveMachineSize("aws", "gd-4vcpu-16gb"), undefined);
    });

    it("names every generated slug with the vCPU and memory it records", () => {
        for (const [slug, size] of DIGITALOCEAN_DROPLETS) {
            const m = /^[a-z0-9_]+-(\d+)vcpu-(\d+)(gb|mb)/.exec(slug) ?? /^c-(\d+)$/.exec(slug);
            assert.ok(m, slug);
            assert.strictEqual(size.vcpu, Number(m[1]), slug);
            if (m[2] !== undefined) {
                assert.strictEqual(size.memoryGib, m[3] === "mb" ? Number(m[2]) / 1024 : Number(m[2]), slug);
            }
        }
    });
});
