/**
 * Stack tests: every shipped stack previews offline with zero mandatory violations, and mutated
 * copies of a production stack are rejected by the offline preview (exit 1) naming the rule, one
 * rule family at a time. Config mutations go through a stack file; mutations the config cannot
 * express (KMS off, a plaintext secret, a root container) go through a what-if program that wraps
 * index.ts (`--program`).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { defaultNodePools } from "../../components/defaults";
import { loadPolicyConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { runPolicies, Violation } from "../../policy/runner";
import { EXIT, main } from "../../preview/cli";
import { sharedRun } from "../support/stacks";
import { shippedStacks, STACKS_DIR } from "../../preview/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");
const PROD_POLICY = path.join(ROOT, "policy", "config", "aws-prod.json");

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
}

async function preview(args: string[]): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
    return { code, stdout, stderr };
}

/** Writes a copy of a shipped stack with `change` applied to its project config, returns its path. */
function mutatedStack(stack: string, label: string, change: (cfg: Record<string, unknown>) => void): string {
    const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const project: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc.config)) {
        if (k.startsWith("agent-platform:")) {
            project[k.slice("agent-platform:".length)] = v;
            delete doc.config[k];
        }
    }
    change(project);
    for (const [k, v] of Object.entries(project)) {
        doc.config[`agent-platform:${k}`] = v;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mutated-"));
    const file = path.join(dir, `Pulumi.${stack}-${label}.yaml`);
    fs.writeFileSync(file, YAML.stringify(doc));
    return file;
}

/**
 * A production stack relabelled `dev` so that config validation (which rejects these values in
 * prod) lets them through to the pack, with production pools spelled out so only the mutation
 * differs. Judged with the production policy config: the pack is the second line of defence.
 */
function pastConfigValidation(change: (cfg: Record<string, unknown>) => void): (cfg: Record<string, unknown>) => void {
    return (cfg) => {
        cfg.environment = "dev";
        // Dev has no cross-region copy by default; keep the production one so only `change` differs.
        cfg.drRegion = "eu-central-1";
        cfg.nodePools = Object.fromEntries(defaultNodePools("aws", "prod").map(({ role, ...rest }) => [role, rest]));
        change(cfg);
    };
}

function mandatory(run: CliRun): Violation[] {
    return (JSON.parse(run.stdout) as { violations: Violation[] }).violations.filter((v) => v.enforcement === "mandatory");
}

describe("stacks: every shipped stack previews clean", function () {
    this.timeout(300_000);
    for (const stack of shippedStacks()) {
        it(`${stack}: zero mandatory violations, every rule that applies ran`, async () => {
            const run = await sharedRun({ stack });
            const violations = await runPolicies(policies, run.resources, loadPolicyConfig(stack));
            const bad = violations.filter((v) => v.enforcement === "mandatory");
            assert.deepStrictEqual(bad, [], `mandatory violations in ${stack}:\n${bad.map((v) => `${v.policy}: ${v.message}`).join("\n")}`);
            assert.ok(run.resources.length > 10, `${stack} registered only ${run.resources.length} resources`);
        });
    }
});

describe("stacks: mutated production stacks are rejected naming the rule", function () {
    this.timeout(300_000);

    const configMutations: { title: string; rule: string; change: (cfg: Record<string, unknown>) => void }[] = [
        {
            title: "a node below 4 vCPU (t3.large)",
            rule: "nodes-pool-enforce-machine-size",
            change: pastConfigValidation((c) => ((c.nodePools as Record<string, Record<string, unknown>>).system.instanceType = "t3.large")),
        },
        {
            title: "nodes over 2 zones",
            rule: "nodes-pool-enforce-zone-spread",
            change: pastConfigValidation((c) => (c.zones = ["eu-west-1a", "eu-west-1b"])),
        },
        {
            title: "a 50 GB root disk",
            rule: "nodes-pool-enforce-disk-size",
            change: pastConfigValidation((c) => ((c.nodePools as Record<string, Record<string, unknown>>).agents.diskSizeGb = 50)),
        },
        {
            title: "a public API endpoint",
            rule: "tls-cluster-disallow-public-endpoint",
            change: pastConfigValidation((c) => (c.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })),
        },
        {
            title: "Kubernetes 1.33 in prod (EKS standard support ended 2026-07-29)",
            rule: "nodes-cluster-enforce-supported-version",
            change: (c) => (c.kubernetesVersion = "1.33"),
        },
        {
            title: "no cross-region copy of the backup store (drRegion: none)",
            rule: "data-backup-enforce-cross-region",
            change: (c) => (c.drRegion = "none"),
        },
        {
            title: "unprotected stateful resources",
            rule: "data-stateful-enforce-protection",
            change: pastConfigValidation((c) => (c.protectStateful = false)),
        },
    ];

    for (const m of configMutations) {
        it(`rejects ${m.title}: exit 1 naming ${m.rule}`, async () => {
            const file = mutatedStack("aws-prod", m.rule, m.change);
            const run = await preview(["--stack", file, "--json", "--policy-config", PROD_POLICY]);
            assert.strictEqual(run.code, EXIT.violations, run.stderr);
            // Past config validation the stack is a dev one, whose data stores run two data-bearing
            // members (seed 000): the prod config's member floor rejects that in every mutation.
            const all = mandatory(run);
            const devShape = all.filter((v) => v.policy === "data-database-enforce-persistence" && m.rule !== v.policy);
            assert.ok(
                devShape.every((v) => v.message.includes("runs too few members")),
                devShape.map((v) => v.message).join("\n"),
            );
            const rules = [...new Set(all.filter((v) => !devShape.includes(v)).map((v) => v.policy))];
            assert.deepStrictEqual(rules, [m.rule]);
        });
    }

    for (const stack of ["gcp-prod", "azure-prod"]) {
        it(`rejects ${stack} without its cross-region copy (drRegion: none): exit 1 naming data-backup-enforce-cross-region`, async () => {
            const file = mutatedStack(stack, "no-dr", (c) => (c.drRegion = "none"));
            const run = await preview(["--stack", file, "--json", "--policy-config", path.join(ROOT, "policy", "config", `${stack}.json`)]);
            assert.strictEqual(run.code, EXIT.violations, run.stderr);
            assert.deepStrictEqual([...new Set(mandatory(run).map((v) => v.policy))], ["data-backup-enforce-cross-region"]);
        });
    }

    const programMutations: { title: string; program: string; rule: string }[] = [
        { title: "EKS secrets encryption off", program: "eks-kms-off.ts", rule: "secrets-ekscluster-enforce-kms-encryption" },
        { title: "control-plane audit logs off", program: "eks-audit-off.ts", rule: "audit-cluster-enforce-control-plane-logs" },
        { title: "unencrypted node disks", program: "disk-unencrypted.ts", rule: "secrets-disk-enforce-encryption" },
        { title: "a password in a ConfigMap", program: "plaintext-configmap.ts", rule: "secrets-kubernetes-disallow-plaintext" },
    ];

    for (const m of programMutations) {
        it(`rejects ${m.title}: exit 1 naming ${m.rule}`, async () => {
            const run = await preview(["--stack", "aws-prod", "--json", "--program", path.join(ROOT, "test", "fixtures", "whatif", m.program)]);
            assert.strictEqual(run.code, EXIT.violations, run.stderr);
            const rules = [...new Set(mandatory(run).map((v) => v.policy))];
            assert.deepStrictEqual(rules, [m.rule]);
            for (const v of mandatory(run)) {
                assert.ok(!v.message.includes("hunter2-hunter2"), `a violation message echoes a secret value: ${v.message}`);
            }
        });
    }

    it("rejects do-prod shrunk to one 2 vCPU droplet: exit 1 naming each rule", async () => {
        const file = mutatedStack("do-prod", "one-small-node", (c) => {
            c.environment = "dev"; // past config validation, which rejects this in prod
            c.nodePools = { system: { instanceType: "s-2vcpu-4gb", minNodes: 1, maxNodes: 1, desiredNodes: 1 } };
        });
        const run = await preview(["--stack", file, "--json", "--policy-config", path.join(ROOT, "policy", "config", "do-prod.json")]);
        assert.strictEqual(run.code, EXIT.violations, run.stderr);
        assert.deepStrictEqual([...new Set(mandatory(run).map((v) => v.policy))].sort(), [
            "data-database-enforce-persistence",
            "nodes-cluster-enforce-minimum-count",
            "nodes-dokspool-enforce-autoscaling",
            "nodes-pool-enforce-disk-size",
            "nodes-pool-enforce-machine-size",
            "nodes-pool-enforce-workload-fit",
        ]);
    });

    it("rejects a container running as root without limits, naming each rule", async () => {
        const run = await preview(["--stack", "aws-prod", "--json", "--program", path.join(ROOT, "test", "fixtures", "whatif", "root-container.ts")]);
        assert.strictEqual(run.code, EXIT.violations, run.stderr);
        const rules = new Set(mandatory(run).map((v) => v.policy));
        for (const rule of ["workloads-pod-enforce-non-root", "workloads-pod-enforce-resources", "workloads-pod-enforce-probes"]) {
            assert.ok(rules.has(rule), `${rule} not reported; got ${[...rules].join(", ")}`);
        }
    });
});

describe("stacks: the offline preview command", function () {
    this.timeout(300_000);

    it("npm run preview:offline exits 1 and names the rule for a prod stack with a small node", () => {
        const file = mutatedStack(
            "aws-prod",
            "cli",
            pastConfigValidation((c) => ((c.nodePools as Record<string, Record<string, unknown>>).system.instanceType = "m6i.large")),
        );
        const res = spawnSync("npm", ["run", "--silent", "preview:offline", "--", "--stack", file, "--policy-config", PROD_POLICY], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.strictEqual(res.status, 1, res.stderr);
        assert.match(res.stdout, /\[mandatory\] nodes-pool-enforce-machine-size: /);
        assert.match(res.stdout, /m6i\.large/);
        assert.match(res.stdout, /Result: REJECTED/);
    });

    it("exits 2 with every bad key listed for a bad stack file, before any resource", async () => {
        const file = mutatedStack("aws-prod", "bad", (c) => {
            c.cloud = "mars";
            c.zones = ["eu-west-1a"];
        });
        const run = await preview(["--stack", file]);
        assert.strictEqual(run.code, EXIT.usage);
        assert.match(run.stderr, /Invalid configuration for stack "aws-prod-bad" \(\d+ problems?\):/);
        assert.match(run.stderr, /- cloud: found "mars"; allowed: aws, gcp, azure, digitalocean, existing/);
        assert.strictEqual(run.stdout, "");
    });

    it("exits 2 for a Kubernetes minor that does not exist (1.99), naming the key", async () => {
        const file = mutatedStack("aws-prod", "k8s-199", (c) => (c.kubernetesVersion = "1.99"));
        const run = await preview(["--stack", file]);
        assert.strictEqual(run.code, EXIT.usage);
        assert.match(run.stderr, /- kubernetesVersion: found "1.99"; not a Kubernetes minor aws offers, allowed: 1.31, 1.32, 1.33, 1.34, 1.35/);
        assert.strictEqual(run.stdout, "");
    });

    it("exits 2 for an unknown stack and for bad arguments, with usage", async () => {
        const unknown = await preview(["--stack", "nope"]);
        assert.strictEqual(unknown.code, EXIT.usage);
        assert.match(unknown.stderr, /no stack file stacks\/Pulumi\.nope\.yaml; shipped stacks: .*aws-prod/);
        const bad = await preview(["--stak", "aws-prod"]);
        assert.strictEqual(bad.code, EXIT.usage);
        assert.match(bad.stderr, /unknown argument "--stak"/);
        assert.match(bad.stderr, /Usage: npm run preview:offline/);
        const missing = await preview([]);
        assert.match(missing.stderr, /--stack is required/);
    });

    it("prints one JSON document with secrets as [secret] and no secret text anywhere", async () => {
        const run = await preview(["--stack", "aws-prod", "--json"]);
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.deepStrictEqual(Object.keys(doc).slice(0, 5), ["stack", "cloud", "resources", "outputs", "violations"]);
        assert.strictEqual(doc.stack, "aws-prod");
        assert.strictEqual(doc.cloud, "aws");
        assert.strictEqual(doc.outputs.kubeconfig, "[secret]");
        for (const r of doc.resources) {
            assert.deepStrictEqual(
                Object.keys(r)
                    .filter((k) => k !== "parent")
                    .sort(),
                ["inputs", "name", "type", "urn"],
            );
        }
        const direct = await sharedRun({ stack: "aws-prod" });
        assert.ok(direct.secrets.size > 0, "the stack has secrets to hide");
        for (const s of direct.secrets) {
            assert.ok(!run.stdout.includes(s), `a secret value leaked into the JSON report`);
        }
    });
});
