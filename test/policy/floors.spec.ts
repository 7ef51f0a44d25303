/**
 * One source for each production sizing figure (REQUIREMENTS.md "Cluster": 3 nodes over 3 zones,
 * 4 vCPU / 16 GiB / 100 GB per node): policy/catalog/floors.ts `PROD_FLOOR`. The sizing policies take
 * their defaults from it, the shipped policy configs do not restate it (they set levels, and a
 * figure only where a stack differs), and the components' default production pools meet it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { defaultNodePools } from "../../components/defaults";
import { resolveMachineSize } from "../../policy/catalog";
import { PROD_FLOOR } from "../../policy/catalog/floors";
import { ENVIRONMENT_CONFIG_DIR, POLICY_CONFIG_DIR, policyConfigStacks } from "../../policy/config";
import { policies } from "../../policy/policies";
import { resolvePolicyConfig } from "../../policy/runner";

/** Each sizing policy's config key and the floor figure it defaults to. */
const FIGURES: { policy: string; key: string; figure: number }[] = [
    { policy: "nodes-cluster-enforce-minimum-count", key: "minNodes", figure: PROD_FLOOR.nodes },
    { policy: "nodes-pool-enforce-zone-spread", key: "minZones", figure: PROD_FLOOR.zones },
    { policy: "nodes-pool-enforce-machine-size", key: "minVcpu", figure: PROD_FLOOR.vcpu },
    { policy: "nodes-pool-enforce-machine-size", key: "minMemoryGib", figure: PROD_FLOOR.memoryGib },
    { policy: "nodes-pool-enforce-disk-size", key: "minDiskGb", figure: PROD_FLOOR.diskGb },
    { policy: "nodes-dokspool-enforce-autoscaling", key: "minPoolNodes", figure: PROD_FLOOR.nodes },
];

describe("the production floor, stated once", () => {
    it("is REQUIREMENTS.md's: 3 nodes over 3 zones, 4 vCPU, 16 GiB and 100 GB per node", () => {
        assert.deepStrictEqual({ ...PROD_FLOOR }, { nodes: 3, zones: 3, vcpu: 4, memoryGib: 16, diskGb: 100 });
    });

    for (const f of FIGURES) {
        it(`${f.policy} defaults ${f.key} to the floor (${f.figure})`, () => {
            const p = policies.find((x) => x.name === f.policy);
            assert.ok(p, `${f.policy} is in the pack`);
            assert.strictEqual(resolvePolicyConfig(p, {}).config[f.key], f.figure);
        });
    }

    it("no shipped policy config restates a floor figure (a stack states one only to differ from it)", () => {
        const files = [
            ...policyConfigStacks().map((s) => path.join(POLICY_CONFIG_DIR, `${s}.json`)),
            ...fs.readdirSync(ENVIRONMENT_CONFIG_DIR).map((f) => path.join(ENVIRONMENT_CONFIG_DIR, f)),
        ];
        assert.ok(files.length >= 11, `found ${files.length} policy config files`);
        const restated = files.flatMap((file) => {
            const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;
            return FIGURES.filter((f) => config[f.policy]?.[f.key] === f.figure).map((f) => `${path.basename(file)}: ${f.policy}.${f.key}`);
        });
        assert.deepStrictEqual(restated, []);
    });

    for (const cloud of ["aws", "gcp", "azure", "digitalocean"] as const) {
        it(`the default ${cloud} production pools meet the floor`, () => {
            for (const pool of defaultNodePools(cloud, "prod")) {
                const size = resolveMachineSize(cloud, pool.instanceType);
                assert.ok(size, `${pool.instanceType} is in the ${cloud} catalogue`);
                assert.ok(
                    size.vcpu >= PROD_FLOOR.vcpu && size.memoryGib >= PROD_FLOOR.memoryGib,
                    `${pool.role}: ${pool.instanceType} has ${size.vcpu} vCPU / ${size.memoryGib} GiB`,
                );
                assert.ok(pool.diskSizeGb >= PROD_FLOOR.diskGb, `${pool.role}: ${pool.diskSizeGb} GB`);
                assert.ok(pool.minNodes >= PROD_FLOOR.nodes, `${pool.role}: min ${pool.minNodes}`);
            }
        });
    }
});
