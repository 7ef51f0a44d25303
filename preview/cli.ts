/**
 * `npm run preview:offline -- --stack <name> [--json] [--out <dir>] [--policy-config <file>]`
 *
 * Runs the stack program under Pulumi's mocks with stacks/Pulumi.<stack>.yaml, runs the policy pack
 * in-process on every registered resource, and prints a report. No cloud credentials, no Pulumi CLI.
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad config or usage, 3 the
 * program itself failed.
 */
import * as path from "path";
import { StackConfigError } from "../config/reader";
import { loadPolicyConfig } from "../policy/config";
import { policies } from "../policy/policies";
import { runPolicies } from "../policy/runner";
import { runProgram } from "./harness";
import { buildReport, renderJson, renderText } from "./report";
import { writeArtifacts } from "./render";
import { shippedStacks, UsageError } from "./stackFile";

export const EXIT = { ok: 0, violations: 1, usage: 2, failure: 3 } as const;

const USAGE = `Usage: npm run preview:offline -- --stack <name> [--json] [--out <dir>] [--policy-config <file>] [--program <file>]

  --stack <name>          stack to preview (stacks/Pulumi.<name>.yaml); shipped: ${shippedStacks().join(", ")}
  --json                  print one JSON document instead of the text report
  --out <dir>             also write report.json, report.txt, manifests/ and helm-values/ to <dir>
  --policy-config <file>  policy pack config (default: policy/config/<stack>.json)
  --program <file>        run another program instead of index.ts (your own program importing the
                          components, or a what-if variant of this one) with the same stack config

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad config or usage, 3 program failure.`;

export interface CliOptions {
    stack: string;
    json: boolean;
    out?: string;
    policyConfig?: string;
    program?: string;
}

/** Parses argv (without node and script); throws UsageError on anything unknown. */
export function parseArgs(argv: string[]): CliOptions | "help" {
    const opts: Partial<CliOptions> = { json: false };
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

/** Runs the preview; returns the exit code and writes to the given streams. */
export async function main(argv: string[], io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
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
    try {
        const started = Date.now();
        if (!opts.json) {
            io.err(`Previewing stack ${opts.stack} offline (mocks, no credentials)...\n`);
        }
        const run = await runProgram({ stack: opts.stack, program: opts.program });
        if (!opts.json) {
            io.err(`Program registered ${run.resources.length} resources in ${Date.now() - started} ms; running ${policies.length} policies...\n`);
        }
        const packConfig = loadPolicyConfig(run.stack, opts.policyConfig);
        const violations = await runPolicies(policies, run.resources, packConfig);
        const report = buildReport(run, violations);
        io.out(`${opts.json ? renderJson(report, run.secrets) : renderText(report, run.secrets)}\n`);
        if (opts.out) {
            const files = writeArtifacts(opts.out, run, report);
            io.err(`Wrote ${files.length} files to ${path.resolve(opts.out)}\n`);
        }
        return report.summary.mandatory > 0 ? EXIT.violations : EXIT.ok;
    } catch (e) {
        if (e instanceof StackConfigError || e instanceof UsageError) {
            io.err(`error: ${e.message}\n`);
            return EXIT.usage;
        }
        io.err(`error: the program failed: ${(e as Error).stack ?? String(e)}\n`);
        return EXIT.failure;
    }
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
