/**
 * `npm run preview:offline -- --stack <name> [--json] [--out <dir>] [--policy-config <file>]`
 *
 * Runs the stack program under Pulumi's mocks with stacks/Pulumi.<stack>.yaml, runs the policy pack
 * in-process on every registered resource, and prints a report. No cloud credentials, no Pulumi CLI.
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad config or usage, 3 the
 * program itself failed.
 *
 * Everything the run depends on is checked before it starts (`precheck`): every argument (the
 * program file exists, `--out` is not a file, the policy config reads and fits the pack), the stack
 * file (YAML, a config mapping) and the whole stack configuration. A usage or config error answers
 * at once with exit 2; the program only runs on input that passed.
 */
import * as fs from "fs";
import * as path from "path";
import { chartMirrorKind } from "../components/platform/charts";
import { parseCliConfig } from "../config";
import { securePathsByKey } from "../config/secretPaths";
import { StackConfigError } from "../config/reader";
import type { StackConfig } from "../config/types";
import { PolicyConfigError, resolvePolicyConfig, ResolvedPolicyConfig } from "../policy/config";
import { policies } from "../policy/policies";
import { runPolicies } from "../policy/runner";
import { runProgram, type RunResult } from "./harness";
import { DEFAULT_RENDER_KUBE_VERSION, findHelm, renderCharts, renderedRecords } from "./helm";
import { buildReport, renderJson, renderText, type ChartRendering } from "./report";
import { writeArtifacts } from "./render";
import { PROJECT_ROOT, projectName, readStackFile, shippedStacks, toCliConfig, UsageError } from "./stackFile";

export const EXIT = { ok: 0, violations: 1, usage: 2, failure: 3 } as const;

const USAGE = `Usage: npm run preview:offline -- --stack <name> [--json] [--out <dir>] [--policy-config <file>] [--program <file>]

  --stack <name>          stack to preview (stacks/Pulumi.<name>.yaml); shipped: ${shippedStacks().join(", ")}
  --json                  print one JSON document instead of the text report
  --out <dir>             also write report.json, report.txt, manifests/ and helm-values/ to <dir>
  --policy-config <file>  policy pack config (default: policy/config/<stack>.json, else the
                          environment's policy/config/environments/<prod|dev>.json)
  --program <file>        run another program instead of index.ts (your own program importing the
                          components, or a what-if variant of this one) with the same stack config
  --chart-mirror <folder> render the Helm charts from this folder of helm pull archives (default: the
                          stack's platform.chartMirror, then $CHART_MIRROR, then .cache/charts as
                          npm run charts:mirror fills it); needs Helm (npm run helm builds it)
  --no-render             do not render charts (the pack then sees their values only)

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad config or usage, 3 program failure.`;

export interface CliOptions {
    stack: string;
    json: boolean;
    out?: string;
    policyConfig?: string;
    program?: string;
    chartMirror?: string;
    /** Render the charts (the default); false with --no-render. */
    render?: boolean;
}

/** Parses argv (without node and script); throws UsageError on anything unknown. */
export function parseArgs(argv: string[]): CliOptions | "help" {
    const opts: Partial<CliOptions> = { json: false, render: true };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new UsageError(`${a} needs a value`);
            }
            return v;
        };
        switch (a) {
            case "--stack":
            case "-s":
                opts.stack = value();
                break;
            case "--json":
                opts.json = true;
                break;
            case "--out":
                opts.out = value();
                break;
            case "--policy-config":
                opts.policyConfig = value();
                break;
            case "--program":
                opts.program = path.resolve(value());
                break;
            case "--chart-mirror":
                opts.chartMirror = value();
                break;
            case "--no-render":
                opts.render = false;
                break;
            case "--help":
            case "-h":
                return "help";
            default:
                throw new UsageError(`unknown argument ${JSON.stringify(a)}`);
        }
    }
    if (!opts.stack) {
        throw new UsageError("--stack is required");
    }
    return opts as CliOptions;
}

/** What `precheck` established: the stack's validated config and the policy config to apply. */
export interface Prechecked {
    stack: string;
    config: StackConfig;
    policy: ResolvedPolicyConfig;
}

/**
 * Validates a stack file's `config:` mapping exactly as the program will see it (CLI form, each
 * `secure:` value secret by its own path), without running anything. Throws `StackConfigError`.
 */
export function checkStackFileConfig(stack: string, fileConfig: Record<string, unknown>, project = projectName()): StackConfig {
    const cli = toCliConfig(fileConfig, project);
    const secretPaths = new Set([...securePathsByKey(fileConfig, project).values()].flat());
    return parseCliConfig(stack, project, cli.values, secretPaths);
}

/** The first existing directory at or above `p` (undefined when a file is in the way). */
function existingAncestor(p: string): { path: string; isDirectory: boolean } {
    let cur = path.resolve(p);
    for (;;) {
        if (fs.existsSync(cur)) {
            return { path: cur, isDirectory: fs.statSync(cur).isDirectory() };
        }
        const parent = path.dirname(cur);
        if (parent === cur) {
            return { path: cur, isDirectory: false };
        }
        cur = parent;
    }
}

/**
 * Checks every argument, the stack file and the stack's configuration without running anything.
 * Throws `UsageError`, `PolicyConfigError` or `StackConfigError` (all exit 2).
 */
export function precheck(opts: CliOptions): Prechecked {
    if (opts.program !== undefined) {
        if (!fs.existsSync(opts.program)) {
            throw new UsageError(`--program ${path.relative(process.cwd(), opts.program)}: no such file`);
        }
        if (!fs.statSync(opts.program).isFile()) {
            throw new UsageError(`--program ${path.relative(process.cwd(), opts.program)}: not a file; give the program's .ts or .js file`);
        }
    }
    if (opts.out !== undefined) {
        const at = existingAncestor(opts.out);
        if (!at.isDirectory) {
            throw new UsageError(
                at.path === path.resolve(opts.out)
                    ? `--out ${opts.out} is a file; give a directory (it receives report.json, report.txt, manifests/ and helm-values/)`
                    : `--out ${opts.out}: ${at.path} is a file, so the directory cannot be created`,
            );
        }
        try {
            fs.accessSync(at.path, fs.constants.W_OK);
        } catch {
            throw new UsageError(`--out ${opts.out}: ${at.path} is not writable`);
        }
    }
    // An explicit policy config is checked even before the stack file: it does not depend on it.
    const given = opts.policyConfig !== undefined ? resolvePolicyConfig("", undefined, opts.policyConfig) : undefined;
    const file = readStackFile(opts.stack);
    const config = checkStackFileConfig(file.stack, file.config);
    const policy = given ?? resolvePolicyConfig(file.stack, config.environment);
    return { stack: file.stack, config, policy };
}

/** What `main` runs once the input passed; tests replace it to prove nothing ran. */
export interface CliDeps {
    runProgram: typeof runProgram;
}

/** Runs the preview; returns the exit code and writes to the given streams. */
export async function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }, deps: CliDeps = { runProgram }): Promise<number> {
    let opts: CliOptions | "help";
    try {
        opts = parseArgs(argv);
    } catch (e) {
        io.err(`error: ${(e as Error).message}\n\n${USAGE}\n`);
        return EXIT.usage;
    }
    if (opts === "help") {
        io.out(`${USAGE}\n`);
        return EXIT.ok;
    }
    let checked: Prechecked;
    try {
        checked = precheck(opts);
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof UsageError || e instanceof PolicyConfigError) {
            io.err(`error: ${e.message}\n`);
            return EXIT.usage;
        }
        io.err(`error: checking the input failed: ${(e as Error).stack ?? String(e)}\n`);
        return EXIT.failure;
    }
    try {
        const started = Date.now();
        if (!opts.json) {
            io.err(`Previewing stack ${checked.stack} offline (mocks, no credentials; policy config: ${checked.policy.source})...\n`);
        }
        const run = await deps.runProgram({ stack: opts.stack, program: opts.program });
        if (!opts.json) {
            io.err(`Program registered ${run.resources.length} resources in ${Date.now() - started} ms; running ${policies.length} policies...\n`);
        }
        const rendering = await renderStackCharts(run, opts, (s) => (opts.json ? undefined : io.err(s)));
        const violations = await runPolicies(policies, [...run.resources, ...renderedRecords(rendering.renders ?? [])], checked.policy.config);
        const report = buildReport(run, violations, { environment: checked.config.environment, policyConfig: checked.policy.source }, rendering);
        io.out(`${opts.json ? renderJson(report, run.secrets) : renderText(report, run.secrets)}\n`);
        if (opts.out) {
            const files = writeArtifacts(opts.out, run, report, rendering.renders ?? []);
            io.err(`Wrote ${files.length} files to ${path.resolve(opts.out)}\n`);
        }
        return report.summary.mandatory > 0 ? EXIT.violations : EXIT.ok;
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof UsageError || e instanceof PolicyConfigError) {
            io.err(`error: ${e.message}\n`);
            return EXIT.usage;
        }
        io.err(`error: the program failed: ${(e as Error).stack ?? String(e)}\n`);
        return EXIT.failure;
    }
}

/** The chart mirror the preview renders from: the flag, the stack's setting, $CHART_MIRROR, then .cache/charts. */
export function previewMirror(run: RunResult, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (flag) {
        return flag;
    }
    const platform = run.config[`${run.project}:platform`];
    if (platform) {
        const mirror = (JSON.parse(platform) as { chartMirror?: unknown }).chartMirror;
        if (typeof mirror === "string" && chartMirrorKind(mirror) === "folder") {
            return mirror;
        }
    }
    if (env.CHART_MIRROR) {
        return env.CHART_MIRROR;
    }
    const local = path.join(PROJECT_ROOT, ".cache", "charts");
    return fs.existsSync(local) ? local : undefined;
}

/** Renders the run's charts when Helm and a mirror are at hand; otherwise says why in one line. */
async function renderStackCharts(run: RunResult, opts: CliOptions, progress: (s: string) => void): Promise<ChartRendering> {
    if (opts.render === false) {
        return { skipped: "--no-render" };
    }
    const helm = findHelm();
    if (!helm) {
        return { skipped: "no Helm: npm run helm builds it from the Go module proxy in a few minutes, or set HELM" };
    }
    const mirror = previewMirror(run, opts.chartMirror);
    if (!mirror) {
        return { skipped: "no chart mirror: pass --chart-mirror <folder>, set platform.chartMirror or CHART_MIRROR, or run npm run charts:mirror" };
    }
    const started = Date.now();
    const kubeVersion =
        typeof run.outputs.kubernetesVersion === "string" && run.outputs.kubernetesVersion ? run.outputs.kubernetesVersion : DEFAULT_RENDER_KUBE_VERSION;
    progress(`Rendering the Helm charts with ${helm} from ${mirror} for Kubernetes ${kubeVersion}...\n`);
    const renders = await renderCharts(run.resources, { helm, mirror, kubeVersion });
    const fresh = renders.filter((r) => !r.cached).length;
    progress(
        `Rendered ${renders.length} charts (${renders.length - fresh} from cache) into ${renders.reduce((n, r) => n + r.objects.length, 0)} objects in ${Date.now() - started} ms\n`,
    );
    return { renders };
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
        (code) => {
            process.exitCode = code;
        },
        (e) => {
            process.stderr.write(`error: ${String(e)}\n`);
            process.exitCode = EXIT.failure;
        },
    );
}
