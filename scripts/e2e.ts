/**
 * `npm run e2e`: the real Pulumi engine, offline, on the `local` (existing-cluster) stack.
 *
 * 1. Engine: scripts/install-engine.sh (idempotent) gives the CLI, the Node.js language host and the
 *    Kubernetes provider; nothing is fetched at run time (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).
 * 2. Policy pack: `npm run build:policy`.
 * 3. A copy of the project in a temporary folder (node_modules linked) so that nothing in the work tree
 *    changes; a file backend there (`pulumi login file://...`), a passphrase secrets provider, the `local`
 *    stack rendering to a directory (existing.renderYamlToDirectory) with third-party charts off.
 * 4. `pulumi preview --policy-pack <pack> --policy-pack-config policy/config/local.json` passes with zero
 *    mandatory violations; the same preview without the pack gives the overhead figure.
 * 5. Mutated copies (test/e2e/mutations.ts), each a separate preview that must fail naming its rule.
 * 6. `pulumi up` writes the manifests; scripts/validate-manifests.ts validates every object offline
 *    (Kubernetes 1.35 OpenAPI + cert-manager, Gateway API and Prometheus Operator CRD schemas), after proving
 *    on test/e2e/fixtures/invalid that it rejects known-invalid objects.
 * 7. `pulumi destroy` and `pulumi stack rm`; the run checks that no state, manifest or stack file is left.
 *
 * Exit 0: every step passed and the engine is upstream's. Exit 1: a step failed. Exit 3: every step passed
 * but the engine has substitutes (docs/engine.md), unless E2E_ALLOW_SUBSTITUTES=1.
 * Options (env): E2E_KEEP=1 keeps the temporary folder; E2E_ONLY=preview skips mutations and up/destroy.
 * Logs: .cache/e2e/<step>.log; figures: .cache/e2e/figures.json.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MUTATIONS, Mutation } from "../test/e2e/mutations";
import { validateManifests } from "./validate-manifests";

const ROOT = path.resolve(__dirname, "..");
const LOGS = path.join(ROOT, ".cache", "e2e");
const STACK = "local";
const PACK_CONFIG = "policy/config/local.json";

interface StepResult {
    step: string;
    ok: boolean;
    seconds: number;
    detail: string;
}

const results: StepResult[] = [];

function log(message: string): void {
    process.stdout.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function record(step: string, ok: boolean, started: number, detail: string): boolean {
    const seconds = (Date.now() - started) / 1000;
    results.push({ step, ok, seconds, detail });
    log(`${ok ? "PASS" : "FAIL"} ${step} (${seconds.toFixed(1)} s): ${detail}`);
    return ok;
}

/** Reads `export K="V"` lines written by scripts/install-engine.sh. */
function readEnvFile(file: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        const m = /^export ([A-Z_]+)="(.*)"$/.exec(line);
        if (m) {
            env[m[1]] = m[2].replace(/\$PATH/g, process.env.PATH ?? "");
        }
    }
    return env;
}

interface Run {
    status: number;
    output: string;
    seconds: number;
}

function runLogged(name: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Run {
    const started = Date.now();
    const res: SpawnSyncReturns<string> = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    const output = `${res.stdout ?? ""}${res.stderr ?? ""}${res.error ? `\n${res.error.message}` : ""}`;
    fs.writeFileSync(path.join(LOGS, `${name}.log`), `$ ${cmd} ${args.join(" ")}\n${output}`);
    return { status: res.status ?? 1, output, seconds: (Date.now() - started) / 1000 };
}

function tail(text: string, lines = 25): string {
    return text.trimEnd().split("\n").slice(-lines).map((l) => `    | ${l}`).join("\n");
}

/** Copies the work tree's files (tracked and untracked, not ignored) into dest; node_modules is linked. */
function copyProject(dest: string): void {
    const res = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
    if (res.status !== 0) {
        throw new Error(`git ls-files failed: ${res.stderr}`);
    }
    for (const rel of res.stdout.split("\0").filter(Boolean)) {
        if (rel.startsWith("test/") || rel.startsWith("docs/")) {
            continue;
        }
        const src = path.join(ROOT, rel);
        if (!fs.existsSync(src)) {
            continue; // deleted in the work tree but still in the index
        }
        fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
        fs.copyFileSync(src, path.join(dest, rel));
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"), "dir");
}

/** Rule names reported as mandatory violations in a preview's output. */
function mandatoryViolations(output: string): string[] {
    const names = new Set<string>();
    for (const m of output.matchAll(/\[mandatory\](?:\s+\[severity: [^\]]*\])?\s+([a-z0-9-]+)/g)) {
        names.add(m[1]);
    }
    return [...names].sort();
}

function advisoryViolations(output: string): string[] {
    const names = new Set<string>();
    for (const m of output.matchAll(/\[advisory\](?:\s+\[severity: [^\]]*\])?\s+([a-z0-9-]+)/g)) {
        names.add(m[1]);
    }
    return [...names].sort();
}

function main(): number {
    fs.mkdirSync(LOGS, { recursive: true });
    const keep = process.env.E2E_KEEP === "1";
    const only = process.env.E2E_ONLY ?? "";

    // 1. Engine.
    let started = Date.now();
    const install = spawnSync("bash", [path.join(ROOT, "scripts", "install-engine.sh")], { cwd: ROOT, stdio: "inherit" });
    const envFile = path.join(ROOT, ".cache", "engine", "current.env");
    if (!record("engine installed", install.status === 0 && fs.existsSync(envFile), started, install.status === 0 ? fs.readFileSync(envFile, "utf8").match(/AGENT_PLATFORM_ENGINE="([^"]*)"/)?.[1] ?? "" : `install-engine.sh exited ${install.status}`)) {
        return summary(1);
    }
    const engineEnv = readEnvFile(envFile);
    const substitutes = engineEnv.AGENT_PLATFORM_ENGINE_SUBSTITUTES ?? "";

    // 2. Policy pack.
    started = Date.now();
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const packDir = path.resolve(ROOT, process.env.E2E_POLICY_PACK ?? "policy");
    if (!pkg.scripts["build:policy"] && !process.env.E2E_POLICY_PACK) {
        record("policy pack built", false, started, "package.json has no build:policy script (the policy pack is built by npm run build:policy)");
        return summary(1);
    }
    const build = pkg.scripts["build:policy"]
        ? runLogged("build-policy", "npm", ["run", "--silent", "build:policy"], ROOT, process.env)
        : { status: 0, output: "", seconds: 0 };
    if (!record("policy pack built", build.status === 0 && fs.existsSync(path.join(packDir, "PulumiPolicy.yaml")), started,
        build.status === 0 ? `${path.relative(ROOT, packDir)}/PulumiPolicy.yaml` : `npm run build:policy exited ${build.status}\n${tail(build.output)}`)) {
        return summary(1);
    }

    // 3. Workspace, backend, stack.
    started = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agent-platform-e2e-"));
    const project = path.join(tmp, "project");
    const state = path.join(tmp, "state");
    const home = path.join(tmp, "pulumi-home");
    const manifests = path.join(tmp, "manifests");
    fs.mkdirSync(state, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
    copyProject(project);
    const sharedPlugins = path.join(engineEnv.PULUMI_HOME, "plugins");
    if (fs.existsSync(sharedPlugins)) {
        fs.symlinkSync(sharedPlugins, path.join(home, "plugins"), "dir");
    }
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: engineEnv.PATH,
        PULUMI_HOME: home,
        PULUMI_CONFIG_PASSPHRASE: "agent-platform-e2e",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
        NO_COLOR: "1",
    };
    const pulumi = (name: string, args: string[], cwd = project): Run =>
        runLogged(name, "pulumi", [...args, "--non-interactive", "--color", "never"], cwd, env);

    const cleanup = (): void => {
        if (!keep) {
            fs.rmSync(tmp, { recursive: true, force: true });
        } else {
            log(`kept ${tmp}`);
        }
    };

    try {
        const steps: Array<[string, string[]]> = [
            ["login", ["login", `file://${state}`]],
            ["stack-init", ["stack", "init", STACK, "--secrets-provider", "passphrase"]],
            ["config-render", ["config", "set", "--path", "existing.renderYamlToDirectory", manifests, "--stack", STACK]],
            ["config-third-party", ["config", "set", "--path", "platform.thirdPartyCharts", "false", "--stack", STACK]],
        ];
        if (!fs.existsSync(path.join(project, "stacks", `Pulumi.${STACK}.yaml`))) {
            record("stack ready", false, started, `stacks/Pulumi.${STACK}.yaml does not exist`);
            return summary(1, cleanup);
        }
        for (const [name, args] of steps) {
            const r = pulumi(name, args);
            if (r.status !== 0) {
                record("stack ready", false, started, `pulumi ${args.join(" ")} exited ${r.status}\n${tail(r.output)}`);
                return summary(1, cleanup);
            }
        }
        record("stack ready", true, started, `file backend in ${tmp}, passphrase secrets, manifests to ${path.relative(tmp, manifests)}/, ` +
            "platform.thirdPartyCharts=false (third-party charts cannot be fetched offline: their rows in components/platform/charts.ts say what is not checked)");

        // 4. Preview with and without the pack.
        started = Date.now();
        const packArgs = ["--policy-pack", packDir, "--policy-pack-config", path.join(ROOT, PACK_CONFIG)];
        const withPack = pulumi("preview-policy", ["preview", "--stack", STACK, ...packArgs]);
        const mandatory = mandatoryViolations(withPack.output);
        const advisory = advisoryViolations(withPack.output);
        const packRan = /Policies:|policy pack|Loading policy packs/i.test(withPack.output);
        const previewOk = withPack.status === 0 && mandatory.length === 0 && packRan;
        const resources = /(\d+) to create/.exec(withPack.output)?.[1] ?? "?";
        record("preview with policy pack", previewOk, started,
            previewOk ? `${resources} resources to create, 0 mandatory violations, advisory: ${advisory.join(", ") || "none"}`
                : `exit ${withPack.status}, mandatory: ${mandatory.join(", ") || "none"}, pack seen: ${packRan}\n${tail(withPack.output)}`);
        started = Date.now();
        const withoutPack = pulumi("preview-plain", ["preview", "--stack", STACK]);
        record("preview without policy pack", withoutPack.status === 0, started, `exit ${withoutPack.status}`);
        const figures = {
            when: new Date().toISOString(),
            engine: engineEnv.AGENT_PLATFORM_ENGINE,
            previewWithPackSeconds: withPack.seconds,
            previewWithoutPackSeconds: withoutPack.seconds,
            ratio: withoutPack.seconds > 0 ? withPack.seconds / withoutPack.seconds : null,
            resources,
        };
        fs.writeFileSync(path.join(LOGS, "figures.json"), `${JSON.stringify(figures, null, 2)}\n`);
        log(`preview wall time: ${withPack.seconds.toFixed(1)} s with the pack, ${withoutPack.seconds.toFixed(1)} s without (x${figures.ratio?.toFixed(2)})`);
        if (!previewOk || only === "preview") {
            return summary(previewOk ? 0 : 1, cleanup, substitutes);
        }

        // 5. Mutations: each must fail naming its rule.
        for (const mutation of MUTATIONS) {
            started = Date.now();
            const undo = applyMutation(project, mutation);
            try {
                const r = pulumi(`mutation-${mutation.id}`, ["preview", "--stack", STACK, ...packArgs]);
                const named = mandatoryViolations(r.output);
                const ok = r.status !== 0 && named.includes(mutation.rule);
                record(`mutation ${mutation.id}`, ok, started, ok
                    ? `preview failed as it must, naming ${mutation.rule}${named.length > 1 ? ` (also: ${named.filter((n) => n !== mutation.rule).join(", ")})` : ""}`
                    : `expected a failure naming ${mutation.rule}; exit ${r.status}, mandatory: ${named.join(", ") || "none"}\n${tail(r.output)}`);
            } finally {
                undo();
            }
        }

        // 6. Up, then validate every manifest.
        started = Date.now();
        const up = pulumi("up", ["up", "--yes", "--skip-preview", "--stack", STACK]);
        record("pulumi up", up.status === 0, started, up.status === 0 ? `manifests written to ${manifests}` : `exit ${up.status}\n${tail(up.output)}`);
        if (up.status === 0) {
            // The validator must first reject known-invalid objects (Kubernetes and CRD kinds), so that a clean
            // result on the rendered manifests means something.
            started = Date.now();
            const negative = validateManifests(path.join(ROOT, "test", "e2e", "fixtures", "invalid"));
            const invalidCount = /(\d+) invalid/.exec(negative.summary)?.[1];
            record("validator rejects invalid objects", !negative.ok && invalidCount === "4", started,
                `test/e2e/fixtures/invalid: ${negative.summary.split("\n")[0]}`);
            started = Date.now();
            const report = validateManifests(manifests);
            fs.writeFileSync(path.join(LOGS, "validate.log"), report.log);
            record("manifests valid", report.ok, started, report.summary);
        }

        // 7. Destroy and remove; nothing may be left but what the program retains on purpose (retainOnDelete).
        started = Date.now();
        const exported = pulumi("export", ["stack", "export", "--stack", STACK, "--file", path.join(tmp, "export.json")]);
        const retained = exported.status === 0 ? retainedObjects(path.join(tmp, "export.json")) : [];
        const destroy = pulumi("destroy", ["destroy", "--yes", "--skip-preview", "--stack", STACK]);
        const rm = pulumi("stack-rm", ["stack", "rm", "--yes", "--remove-backups", STACK]);
        const leftovers: string[] = [];
        const walk = (dir: string): void => {
            if (!fs.existsSync(dir)) {
                return;
            }
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) {
                    walk(p);
                } else if (!p.includes(`${path.sep}.pulumi${path.sep}locks${path.sep}`) && !/meta\.yaml(\.attrs)?$/.test(p)) {
                    leftovers.push(path.relative(tmp, p));
                }
            }
        };
        walk(manifests);
        walk(state);
        // Files of objects the program retains on delete (e.g. the Ollama model volume) stay by design.
        const kept = leftovers.filter((f) => retained.some((r) => path.basename(f).endsWith(`-${r}.yaml`)));
        leftovers.splice(0, leftovers.length, ...leftovers.filter((f) => !kept.includes(f)));
        // stack rm also deletes the copy's stacks/Pulumi.local.yaml; the work tree's file is never touched.
        if (fs.existsSync(path.join(project, "stacks", `Pulumi.${STACK}.yaml`))) {
            leftovers.push(`project/stacks/Pulumi.${STACK}.yaml`);
        }
        record("destroy and stack rm", destroy.status === 0 && rm.status === 0 && leftovers.length === 0, started,
            destroy.status !== 0 ? `destroy exited ${destroy.status}\n${tail(destroy.output)}`
                : rm.status !== 0 ? `stack rm exited ${rm.status}\n${tail(rm.output)}`
                    : leftovers.length > 0 ? `left behind: ${leftovers.join(", ")}`
                        : `no manifest, no state file, no stack file left${kept.length > 0 ? ` but ${kept.length} retained by design (retainOnDelete): ${kept.map((f) => path.basename(f)).join(", ")}` : ""} (the work tree's stacks/ was never touched)`);
        return summary(results.every((r) => r.ok) ? 0 : 1, cleanup, substitutes);
    } catch (e) {
        record("e2e", false, started, e instanceof Error ? e.stack ?? e.message : String(e));
        return summary(1, cleanup);
    }
}

/** "<namespace>-<name>" (or "<name>") of the Kubernetes objects the state marks retainOnDelete. */
function retainedObjects(exportFile: string): string[] {
    const doc = JSON.parse(fs.readFileSync(exportFile, "utf8")) as {
        deployment?: { resources?: Array<{ type: string; retainOnDelete?: boolean; outputs?: { metadata?: { name?: string; namespace?: string } } }> };
    };
    return (doc.deployment?.resources ?? [])
        .filter((r) => r.retainOnDelete === true && r.type.startsWith("kubernetes:") && r.outputs?.metadata?.name)
        .map((r) => (r.outputs!.metadata!.namespace ? `${r.outputs!.metadata!.namespace}-${r.outputs!.metadata!.name}` : r.outputs!.metadata!.name!));
}

/** Applies a mutation to the project copy; returns the function that undoes it. */
function applyMutation(project: string, mutation: Mutation): () => void {
    const saved = new Map<string, string | undefined>();
    for (const edit of mutation.edits(project)) {
        const file = path.join(project, edit.file);
        if (!saved.has(file)) {
            saved.set(file, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
        }
        const before = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const after = edit.apply(before);
        if (after === before) {
            throw new Error(`mutation ${mutation.id} no longer applies to ${edit.file}: ${edit.what}`);
        }
        fs.writeFileSync(file, after);
    }
    return () => {
        for (const [file, content] of saved) {
            if (content === undefined) {
                fs.rmSync(file, { force: true });
            } else {
                fs.writeFileSync(file, content);
            }
        }
    };
}

function summary(code: number, cleanup?: () => void, substitutes = ""): number {
    cleanup?.();
    const passed = results.filter((r) => r.ok).length;
    const failed = results.length - passed;
    process.stdout.write("\nEnd-to-end run (real Pulumi engine, offline):\n");
    for (const r of results) {
        process.stdout.write(`  ${r.ok ? "ok  " : "FAIL"} ${r.step.padEnd(34)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.detail.split("\n")[0]}\n`);
    }
    process.stdout.write(`Logs: ${path.relative(ROOT, LOGS)}/\n`);
    if (code === 0 && substitutes) {
        process.stdout.write(`\nENGINE SUBSTITUTES (see docs/engine.md): ${substitutes}\n`);
        if (process.env.E2E_ALLOW_SUBSTITUTES !== "1") {
            process.stdout.write("Every step passed, but not on upstream's engine: exit 3 (set E2E_ALLOW_SUBSTITUTES=1 to accept).\n");
            code = 3;
        }
    }
    process.stdout.write(`e2e: ${passed} passed, ${failed} failed\n`);
    return code;
}

process.exitCode = main();
