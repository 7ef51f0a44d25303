/**
 * Issue 11, the offline preview's command line: every argument and the whole config are checked
 * before the program runs (case 9), a copied stack runs with its environment's policy config and
 * the report names it (case 11), and an existing cluster with an S3-compatible store, as
 * docs/clouds.md describes it, passes the pack (case 12).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { CliDeps, EXIT, main } from "../../preview/cli";
import { sharedRun } from "../support/stacks";
import { STACKS_DIR } from "../../preview/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");

interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
    /** How many times the program was started. */
    runs: number;
}

async function preview(args: string[], run = false): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    let runs = 0;
    const deps: CliDeps = {
        runProgram: (opts) => {
            runs++;
            if (!run) {
                throw new Error("the program must not run for this input");
            }
            return sharedRun(opts);
        },
    };
    const code = await main(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) }, deps);
    return { code, stdout, stderr, runs };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-spec-"));

/** Writes `text` to a file in the test's temporary directory; returns its path. */
function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

/** A copy of a shipped stack file under a new name, with project keys changed. */
function copyStack(stack: string, name: string, changes: Record<string, unknown> = {}): string {
    const doc = YAML.parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    for (const [k, v] of Object.entries(changes)) {
        doc.config[k.includes(":") ? k : `agent-platform:${k}`] = v;
    }
    return write(`Pulumi.${name}.yaml`, YAML.stringify(doc));
}

function usageError(run: CliRun, pattern: RegExp): void {
    assert.strictEqual(run.code, EXIT.usage, `exit ${run.code}: ${run.stderr}`);
    assert.strictEqual(run.runs, 0, "the program ran before the input was checked");
    assert.match(run.stderr, pattern);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "a stack trace");
    assert.doesNotMatch(run.stdout, /Result:/);
}

// Removes the temporary stack and policy files once every test of this file ran.
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("issue 11: every argument is checked before anything runs (case 9)", () => {
    it("--policy-config: missing, malformed, not an object, unknown policy, wrong type: exit 2 naming the flag", async () => {
        usageError(
            await preview(["--stack", "aws-prod", "--policy-config", path.join(tmp, "none.json")]),
            /--policy-config .*none\.json: cannot be read \(ENOENT\)/,
        );
        usageError(await preview(["--stack", "aws-prod", "--policy-config", write("bad.json", "{ nope")]), /--policy-config .*bad\.json: not valid JSON/);
        usageError(
            await preview(["--stack", "aws-prod", "--policy-config", write("list.json", "[1]")]),
            /--policy-config .*list\.json is invalid:\n {2}- must be a JSON object/,
        );
        usageError(
            await preview(["--stack", "aws-prod", "--policy-config", write("unknown.json", '{"no-such-rule": "advisory"}')]),
            /unknown policy "no-such-rule"/,
        );
        usageError(
            await preview(["--stack", "aws-prod", "--policy-config", write("type.json", '{"nodes-pool-enforce-machine-size": {"minVcpu": "four"}}')]),
            /nodes-pool-enforce-machine-size: minVcpu found "four"; must be of type number/,
        );
    });

    it("--program: missing or a directory: exit 2", async () => {
        usageError(await preview(["--stack", "aws-prod", "--program", path.join(tmp, "missing.ts")]), /--program .*missing\.ts: no such file/);
        usageError(await preview(["--stack", "aws-prod", "--program", tmp]), /--program .*: not a file/);
    });

    it("--out: a file, or a directory under a file: exit 2, and no report printed", async () => {
        const file = write("out-file", "x");
        usageError(await preview(["--stack", "aws-prod", "--out", file]), /--out .*out-file is a file; give a directory/);
        usageError(
            await preview(["--stack", "aws-prod", "--out", path.join(file, "sub")]),
            /--out .*: .*out-file is a file, so the directory cannot be created/,
        );
    });

    it("--stack: missing file, not YAML, no config mapping: exit 2 naming the file", async () => {
        usageError(await preview(["--stack", path.join(tmp, "Pulumi.none.yaml")]), /no stack file .*Pulumi\.none\.yaml/);
        usageError(
            await preview(["--stack", write("Pulumi.broken.yaml", "config:\n  agent-platform:cloud: aws\n   bad indent: [\n")]),
            /Pulumi\.broken\.yaml is not valid YAML/,
        );
        usageError(await preview(["--stack", write("Pulumi.list.yaml", "config:\n  - a\n  - b\n")]), /Pulumi\.list\.yaml: config: must be a mapping/);
        usageError(await preview(["--stack", write("Pulumi.scalar.yaml", "just text\n")]), /Pulumi\.scalar\.yaml: the file must be a YAML mapping/);
    });

    it("a bad config (aws:region not the stack's region) is exit 2 with one short message, before any resource (case 7)", async () => {
        const run = await preview(["--stack", copyStack("aws-prod", "wrong-region", { "aws:region": "us-east-1" })]);
        usageError(run, /- aws:region: found "us-east-1" but agent-platform:region is "eu-west-1"/);
        assert.ok(run.stderr.length < 1000, `${run.stderr.length} characters of errors`);
    });

    it("every problem of the arguments' stack is listed together (host bits, Azure zone 9, overlaps; case 8)", async () => {
        const file = copyStack("azure-prod", "many", {
            zones: ["1", "2", "9"],
            network: { cidr: "10.40.0.1/16", podCidr: "10.96.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
        });
        const run = await preview(["--stack", file]);
        usageError(run, /Invalid configuration for stack "many" \(3 problems\)/);
        assert.match(run.stderr, /- zones\[2\]: found "9"/);
        assert.match(run.stderr, /- network.cidr: found "10.40.0.1\/16"; host bits are set/);
        assert.match(run.stderr, /- network.serviceCidr: found "10.96.0.0\/16", which overlaps network.podCidr/);
    });
});

describe("issue 11: the policy config a stack runs with (cases 11, 12)", function () {
    this.timeout(300_000);

    for (const [stack, environment] of [
        ["local", "dev"],
        ["aws-dev", "dev"],
    ] as const) {
        it(`a copy of ${stack} under a new name runs with the ${environment} default and passes, naming it in the summary`, async () => {
            const run = await preview(["--stack", copyStack(stack, `my-${stack}`)], true);
            assert.strictEqual(run.code, EXIT.ok, run.stderr + run.stdout.slice(0, 3000));
            assert.match(run.stdout, new RegExp(`^ {2}policy config: {2}policy/config/environments/${environment}\\.json$`, "m"));
            assert.match(run.stdout, /^Result: OK/m);
        });
    }

    it("names the stack's own file, or the file given, in the summary (JSON)", async () => {
        const own = await preview(["--stack", "local", "--json"], true);
        assert.strictEqual(JSON.parse(own.stdout).summary.policyConfig, "policy/config/local.json");
        const given = await preview(["--stack", "local", "--json", "--policy-config", path.join(ROOT, "policy", "config", "aws-dev.json")], true);
        assert.strictEqual(JSON.parse(given.stdout).summary.policyConfig, "policy/config/aws-dev.json");
        assert.strictEqual(JSON.parse(given.stdout).summary.environment, "dev");
    });

    it("a production copy gets the production default: every sizing rule mandatory", () => {
        const prod = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "environments", "prod.json"), "utf8"));
        const dev = JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "environments", "dev.json"), "utf8"));
        assert.deepStrictEqual(prod, JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "aws-prod.json"), "utf8")));
        assert.deepStrictEqual(dev, JSON.parse(fs.readFileSync(path.join(ROOT, "policy", "config", "aws-dev.json"), "utf8")));
    });

    it("an existing cluster with an S3-compatible store, as docs/clouds.md describes it, passes its own pack (case 12)", async () => {
        const store = {
            endpoint: "https://minio.example.net",
            bucket: "agents-backups",
            region: "us-east-1",
            accessKeyId: "AKIAEXAMPLE",
            secretAccessKey: { secure: "v1:c2VjcmV0LWtleQ==" },
        };
        const file = copyStack("local", "local-s3", {
            existing: { kubeconfigPath: "~/.kube/config", context: "kind-agents", storageClass: "standard", objectStore: store },
        });
        const run = await preview(["--stack", file, "--json"], true);
        assert.strictEqual(run.code, EXIT.ok, run.stderr);
        const doc = JSON.parse(run.stdout) as {
            violations: { policy: string; enforcement: string; message: string }[];
            resources: { type: string; name: string }[];
        };
        assert.deepStrictEqual(
            doc.violations.filter((v) => v.enforcement === "mandatory").map((v) => `${v.policy}: ${v.message}`),
            [],
        );
        const storeSecrets = doc.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name.endsWith("-store-credentials"));
        assert.strictEqual(storeSecrets.length, 5, "Loki, Tempo, PostgreSQL, MongoDB and Redis's copy job each get the store's credentials");
    });

    it("the same store with a plaintext secretAccessKey is refused by the config (the rule is not weakened)", async () => {
        const store = {
            endpoint: "https://minio.example.net",
            bucket: "agents-backups",
            region: "us-east-1",
            accessKeyId: "AKIAEXAMPLE",
            secretAccessKey: "plain-secret",
        };
        const file = copyStack("local", "local-s3-plain", { existing: { kubeconfigPath: "~/.kube/config", storageClass: "standard", objectStore: store } });
        usageError(await preview(["--stack", file]), /existing.objectStore.secretAccessKey: found a plain value/);
    });
});
