/**
 * The policy pack against the GKE, AKS and DOKS stacks: a mutated gcp-prod, azure-prod and do-prod
 * (a node too small, etcd encryption off, a DOKS cluster shrunk to one 2 vCPU droplet) are each
 * rejected naming the rule, judged with the stack's own
 * production policy config. Sizing mutations go through config (relabelled `dev` so that config
 * validation, the first line of defence, lets them through to the pack); encryption mutations,
 * which no config key can express, change the registered records the way a hand-edited program
 * would. Each test compares against the unmutated stack, so only what the mutation adds counts;
 * relabelled `dev`, the data stores take the dev shape (two data-bearing members, seed 000), which
 * the production member floor rejects in every such mutation: those violations are checked and set
 * aside.
 */
import * as assert from "assert";
import { defaultNodePools } from "../../components/defaults";
import type { Cloud } from "../../components/types";
import { loadPolicyConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { runPolicies, Violation } from "../../policy/runner";
import { RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";

const key = (v: Violation): string => `${v.policy} ${v.urn ?? ""}`;

/** Mandatory violations of `run` judged with `stack`'s policy config, minus those of `baseline`. */
async function added(stack: string, run: RunResult, baseline: RunResult): Promise<Violation[]> {
    const config = loadPolicyConfig(stack);
    const before = new Set((await runPolicies(policies, baseline.resources, config)).filter((v) => v.enforcement === "mandatory").map(key));
    const found = (await runPolicies(policies, run.resources, config)).filter((v) => v.enforcement === "mandatory" && !before.has(key(v)));
    const devShape = found.filter((v) => v.policy === "data-database-enforce-persistence");
    assert.ok(
        devShape.every((v) => v.message.includes("runs too few members")),
        devShape.map((v) => v.message).join("\n"),
    );
    return found.filter((v) => !devShape.includes(v));
}

/** Config overrides that relabel a prod stack `dev` with its production pools spelled out, then change one pool. */
function smallPool(cloud: Exclude<Cloud, "existing">, role: string, instanceType: string): Record<string, unknown> {
    const pools = Object.fromEntries(defaultNodePools(cloud, "prod").map(({ role: r, ...rest }) => [r, r === role ? { ...rest, instanceType } : rest]));
    // Dev (past the config's prod floor) has no cross-region copy by default: keep the prod stack's.
    const drRegion = { aws: "eu-central-1", gcp: "europe-west1", azure: "northeurope", digitalocean: undefined }[cloud];
    return { environment: "dev", nodePools: pools, ...(drRegion ? { drRegion } : {}) };
}

function records(run: RunResult, type: string): Record<string, any>[] {
    const found = run.resources.filter((r) => r.type === type).map((r) => r.inputs as Record<string, any>);
    assert.ok(found.length > 0, `no ${type}`);
    return found;
}

describe("policy pack on mutated gcp-prod, azure-prod and do-prod", function () {
    this.timeout(300_000);
    const baselines = new Map<string, RunResult>();
    const baseline = async (stack: string): Promise<RunResult> => {
        if (!baselines.has(stack)) {
            baselines.set(stack, await sharedRun({ stack }));
        }
        return baselines.get(stack)!;
    };
    const mutatedRecords = async (stack: string, change: (r: RunResult) => void): Promise<RunResult> => {
        const copy = structuredClone({ ...(await baseline(stack)), secrets: new Set<string>() });
        change(copy);
        return copy;
    };

    it("gcp-prod with a 2 vCPU custom machine type for the agents pool: rejected by nodes-pool-enforce-machine-size", async () => {
        const run = await sharedRun({ stack: "gcp-prod", overrides: smallPool("gcp", "agents", "custom-2-8192") });
        const v = await added("gcp-prod", run, await baseline("gcp-prod"));
        assert.deepStrictEqual(
            v.map((x) => x.policy),
            ["nodes-pool-enforce-machine-size"],
        );
        assert.match(String(v[0].urn), /gcp:container\/nodePool:NodePool::agents-gcp-prod-agents$/);
        assert.match(v[0].message, /custom-2-8192/);
    });

    it("gcp-prod with application-layer secrets encryption off: rejected by secrets-gkecluster-enforce-application-encryption", async () => {
        const run = await mutatedRecords("gcp-prod", (r) => {
            records(r, "gcp:container/cluster:Cluster")[0].databaseEncryption = { state: "DECRYPTED" };
        });
        const v = await added("gcp-prod", run, await baseline("gcp-prod"));
        assert.deepStrictEqual(
            v.map((x) => x.policy),
            ["secrets-gkecluster-enforce-application-encryption"],
        );
        assert.match(String(v[0].urn), /gcp:container\/cluster:Cluster::agents-gcp-prod$/);
    });

    it("azure-prod with a 2 vCPU VM for the data pool: rejected by nodes-pool-enforce-machine-size", async () => {
        const run = await sharedRun({ stack: "azure-prod", overrides: smallPool("azure", "data", "Standard_D2s_v5") });
        const v = await added("azure-prod", run, await baseline("azure-prod"));
        assert.deepStrictEqual(
            v.map((x) => x.policy),
            ["nodes-pool-enforce-machine-size"],
        );
        assert.match(String(v[0].urn), /azure-native:containerservice:AgentPool::agents-azure-prod-data$/);
        assert.match(v[0].message, /Standard_D2s_v5/);
    });

    it("do-prod with a 2 vCPU droplet for the agents pool: rejected by nodes-pool-enforce-machine-size", async () => {
        const overrides = smallPool("digitalocean", "agents", "s-2vcpu-8gb-amd");
        delete (overrides.nodePools as Record<string, Record<string, unknown>>).agents.diskSizeGb; // the droplet fixes its disk
        const run = await sharedRun({ stack: "do-prod", overrides });
        const v = await added("do-prod", run, await baseline("do-prod"));
        assert.deepStrictEqual(
            v.map((x) => x.policy),
            ["nodes-pool-enforce-machine-size"],
        );
        assert.match(String(v[0].urn), /digitalocean:index\/kubernetesNodePool:KubernetesNodePool::agents-do-prod-agents$/);
        assert.match(v[0].message, /s-2vcpu-8gb-amd/);
    });

    it("do-prod shrunk to one 2 vCPU droplet: rejected naming each rule (count, size, disk, autoscaling)", async () => {
        const overrides = { environment: "dev", nodePools: { system: { instanceType: "s-2vcpu-4gb", minNodes: 1, maxNodes: 1, desiredNodes: 1 } } };
        const run = await sharedRun({ stack: "do-prod", overrides });
        const v = await added("do-prod", run, await baseline("do-prod"));
        assert.deepStrictEqual([...new Set(v.map((x) => x.policy))].sort(), [
            "nodes-cluster-enforce-minimum-count",
            "nodes-dokspool-enforce-autoscaling",
            "nodes-pool-enforce-disk-size",
            "nodes-pool-enforce-machine-size",
            "nodes-pool-enforce-workload-fit",
        ]);
        for (const x of v.filter((y) => y.policy !== "nodes-pool-enforce-workload-fit")) {
            assert.match(String(x.urn), /digitalocean:index\/kubernetesCluster:KubernetesCluster::agents-do-prod$/);
        }
        assert.ok(
            v.some((x) => /1 node\(s\) at the autoscaler minimum/.test(x.message)),
            v.map((x) => x.message).join("\n"),
        );
        assert.ok(v.some((x) => /80 GB \(the local disk of droplet size "s-2vcpu-4gb"\)/.test(x.message)));
        assert.ok(
            v.some((x) => x.policy === "nodes-pool-enforce-workload-fit" && x.message.startsWith('node role "system" is too small')),
            v.map((x) => x.message).join("\n"),
        );
    });

    it("azure-prod with Key Vault KMS off: rejected by secrets-akscluster-enforce-keyvault-kms", async () => {
        const run = await mutatedRecords("azure-prod", (r) => {
            records(r, "azure-native:containerservice:ManagedCluster")[0].securityProfile.azureKeyVaultKms = { enabled: false };
        });
        const v = await added("azure-prod", run, await baseline("azure-prod"));
        assert.deepStrictEqual(
            v.map((x) => x.policy),
            ["secrets-akscluster-enforce-keyvault-kms"],
        );
        assert.match(String(v[0].urn), /azure-native:containerservice:ManagedCluster::agents-azure-prod$/);
    });
});
