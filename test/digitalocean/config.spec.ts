/** Stack config for `cloud: digitalocean`: defaults, and every DOKS-specific rejection naming the key. */
import * as assert from "assert";
import { parseStackConfig, StackConfigError } from "../../config";

function goodDo(): Record<string, unknown> {
    return {
        cloud: "digitalocean",
        environment: "prod",
        region: "fra1",
        platform: {
            domain: "agents.example.com",
            acmeEmail: "ops@example.com",
            jamie: { repository: "ghcr.io/example/jamie", tag: "1.4.2" },
            scarlet: { repository: "ghcr.io/example/scarlet", tag: "2.1.0" },
        },
    };
}

function problems(raw: Record<string, unknown>): { key: string; message: string }[] {
    try {
        parseStackConfig("do", raw);
    } catch (e) {
        assert.ok(e instanceof StackConfigError, String(e));
        return e.problems;
    }
    assert.fail("expected the configuration to be rejected");
}

describe("stack config: cloud digitalocean", () => {
    it("defaults: no zones, Kubernetes 1.36, production droplet pools with their fixed disks, Spaces in the cluster's region", () => {
        const cfg = parseStackConfig("do", goodDo());
        assert.deepStrictEqual(cfg.zones, []);
        assert.strictEqual(cfg.kubernetesVersion, "1.36");
        assert.deepStrictEqual(
            cfg.nodePools.map((p) => [p.role, p.instanceType, p.diskSizeGb, p.minNodes]),
            [
                ["system", "gd-4vcpu-16gb", 100, 3],
                ["agents", "gd-8vcpu-32gb", 200, 3],
                ["data", "gd-8vcpu-32gb", 200, 3],
                ["monitoring", "gd-8vcpu-32gb", 200, 3],
            ],
        );
        assert.deepStrictEqual(cfg.cloud === "digitalocean" ? cfg.digitalocean : undefined, { controlPlaneAllowedCidrs: [], spacesRegion: "fra1" });
    });

    it("takes a pool's disk from its droplet size when the size changes", () => {
        const cfg = parseStackConfig("do", { ...goodDo(), nodePools: { system: { instanceType: "s-4vcpu-16gb-320gb-intel" } } });
        assert.deepStrictEqual(cfg.nodePools.find((p) => p.role === "system")?.diskSizeGb, 320);
        // The other pools keep their defaults (overrides merge per pool and per field).
        assert.deepStrictEqual(
            cfg.nodePools.map((p) => p.role),
            ["system", "agents", "data", "monitoring"],
        );
    });

    it("rejects zones: a DigitalOcean region has none", () => {
        const p = problems({ ...goodDo(), zones: ["fra1-a", "fra1-b", "fra1-c"] });
        assert.deepStrictEqual(
            p.map((x) => x.key),
            ["zones"],
        );
        assert.match(p[0].message, /found \["fra1-a","fra1-b","fra1-c"\]; a DigitalOcean region is one datacenter without availability zones, remove zones/);
    });

    it("rejects a region that is not a DigitalOcean slug", () => {
        const p = problems({ ...goodDo(), region: "eu-west-1" });
        assert.deepStrictEqual(
            p.map((x) => x.key),
            ["region"],
        );
        assert.match(p[0].message, /such as fra1/);
    });

    it("rejects a diskSizeGb that is not the droplet's disk", () => {
        const p = problems({ ...goodDo(), nodePools: { system: { instanceType: "gd-4vcpu-16gb", diskSizeGb: 150 } } });
        assert.deepStrictEqual(
            p.map((x) => x.key),
            ["nodePools.system.diskSizeGb"],
        );
        assert.match(p[0].message, /found 150; a DigitalOcean node's disk is fixed by its droplet size \(gd-4vcpu-16gb: 100 GB\)/);
    });

    it("rejects in prod a droplet whose disk is below 100 GB, and one below 4 vCPU / 16 GiB", () => {
        const small = problems({ ...goodDo(), nodePools: { system: { instanceType: "g-4vcpu-16gb" } } });
        assert.deepStrictEqual(
            small.map((x) => x.key),
            ["nodePools.system.instanceType"],
        );
        assert.match(small[0].message, /found "g-4vcpu-16gb" with a 50 GB disk; too small for prod/);
        const weak = problems({ ...goodDo(), nodePools: { system: { instanceType: "s-2vcpu-4gb" } } });
        assert.ok(
            weak.some((x) => x.key === "nodePools.system.instanceType" && /2 vCPU, 4 GiB\); too small for prod/.test(x.message)),
            JSON.stringify(weak),
        );
    });

    it("rejects unknown keys, the whole internet and bad CIDRs in the digitalocean section, and the section under another cloud", () => {
        const p = problems({ ...goodDo(), digitalocean: { controlPlaneAllowedCidrs: ["0.0.0.0/0", "nope"], spacesRegion: "Frankfurt", token: "x" } });
        assert.deepStrictEqual(p.map((x) => x.key).sort(), [
            "digitalocean.controlPlaneAllowedCidrs[0]",
            "digitalocean.controlPlaneAllowedCidrs[1]",
            "digitalocean.spacesRegion",
            "digitalocean.token",
        ]);
        assert.match(p.find((x) => x.key === "digitalocean.controlPlaneAllowedCidrs[0]")!.message, /the whole internet is not allowed/);
        const misplaced = problems({ ...goodDo(), cloud: "azure", region: "westeurope", digitalocean: { spacesRegion: "fra1" } });
        assert.ok(
            misplaced.some((x) => x.key === "digitalocean" && /found a digitalocean section but cloud is "azure"/.test(x.message)),
            JSON.stringify(misplaced),
        );
    });
});
