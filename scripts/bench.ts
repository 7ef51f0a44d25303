/**
 * `npm run bench [-- --runs N] [--record]`: speed figures from the project's own commands.
 *
 * For each shipped stack: the offline preview's wall time and peak memory (median of N runs) beside
 * the floor (a node process that loads exactly the SDK modules the preview loaded and nothing else),
 * their ratio, and milliseconds per mocked resource. Then the type-check's time and memory and the
 * unit suite's wall time, and the policy pack's throughput. `--record` writes the tables into
 * docs/benchmarks.md between the bench markers. Goals (issue 2): ratio <= 1.5, <= 5 ms per resource,
 * type-check <= 15 s and <= 1 GB.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { shippedStacks } from "../preview/stackFile";

const ROOT = path.resolve(__dirname, "..");
const PROBE = path.join(__dirname, "bench", "probe.js");
const FLOOR = path.join(__dirname, "bench", "floor.js");

interface Sample {
    ms: number;
    maxRssMiB: number;
    modules: string[];
    stdout: string;
}

function run(args: string[], env: Record<string, string> = {}): Sample {
    const probeOut = path.join(os.tmpdir(), `bench-probe-${process.pid}-${Date.now()}.json`);
    const started = process.hrtime.bigint();
    const res = spawnSync(process.execPath, ["-r", PROBE, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env, BENCH_PROBE_OUT: probeOut },
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 0 && res.status !== 1) {
        throw new Error(`${args.join(" ")} exited ${res.status}: ${res.stderr}`);
    }
    const probe = JSON.parse(fs.readFileSync(probeOut, "utf8")) as { maxRssKiB: number; modules: string[] };
    fs.rmSync(probeOut, { force: true });
    return { ms, maxRssMiB: probe.maxRssKiB / 1024, modules: probe.modules, stdout: res.stdout };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmt(n: number, digits = 0): string {
    return n.toFixed(digits);
}

interface StackFigures {
    stack: string;
    resources: number;
    previewMs: number;
    floorMs: number;
    previewMiB: number;
    floorMiB: number;
}

function benchStack(stack: string, runs: number): StackFigures {
    const args = ["-r", "ts-node/register/transpile-only", "preview/cli.ts", "--stack", stack, "--json"];
    const previews: Sample[] = [];
    for (let i = 0; i < runs; i++) {
        previews.push(run(args));
    }
    const modulesFile = path.join(os.tmpdir(), `bench-modules-${stack}.json`);
    fs.writeFileSync(modulesFile, JSON.stringify(previews[0].modules));
    const floors: Sample[] = [];
    for (let i = 0; i < runs; i++) {
        floors.push(run([FLOOR], { BENCH_FLOOR_MODULES: modulesFile }));
    }
    fs.rmSync(modulesFile, { force: true });
    const report = JSON.parse(previews[0].stdout) as { resources: unknown[] };
    return {
        stack,
        resources: report.resources.length,
        previewMs: median(previews.map((s) => s.ms)),
        floorMs: median(floors.map((s) => s.ms)),
        previewMiB: median(previews.map((s) => s.maxRssMiB)),
        floorMiB: median(floors.map((s) => s.maxRssMiB)),
    };
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const runsArg = argv.indexOf("--runs");
    const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 5;
    const record = argv.includes("--record");
    const lines: string[] = [];
    const say = (s: string): void => {
        lines.push(s);
        console.log(s);
    };
    console.error(`bench: ${runs} runs per figure, median reported; ${os.cpus().length} cores, node ${process.version}`);

    say("### Offline preview vs floor (median of " + runs + " runs)");
    say("");
    say("| stack | resources | preview ms | floor ms | ratio | preview MiB | floor MiB | memory ratio | ms per resource |");
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const stack of shippedStacks()) {
        console.error(`bench: stack ${stack}...`);
        const f = benchStack(stack, runs);
        const perResource = (f.previewMs - f.floorMs) / Math.max(f.resources, 1);
        say(
            `| ${f.stack} | ${f.resources} | ${fmt(f.previewMs)} | ${fmt(f.floorMs)} | ${fmt(f.previewMs / f.floorMs, 2)} | ${fmt(f.previewMiB)} | ${fmt(f.floorMiB)} | ${fmt(f.previewMiB / f.floorMiB, 2)} | ${fmt(perResource, 2)} |`,
        );
    }
    say("");

    console.error("bench: type-check...");
    const tcRuns: Sample[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
        tcRuns.push(run([require.resolve("typescript/lib/tsc.js"), "--noEmit", "-p", "."]));
    }
    console.error("bench: unit suite...");
    const suite = run([require.resolve("mocha/bin/mocha.js"), "--reporter", "dot", "test/**/*.spec.ts"]);
    say("### Type-check and tests");
    say("");
    say("| what | wall s | peak MiB |");
    say("|---|---:|---:|");
    say(`| type-check (tsc --noEmit, median of ${tcRuns.length}) | ${fmt(median(tcRuns.map((s) => s.ms)) / 1000, 1)} | ${fmt(median(tcRuns.map((s) => s.maxRssMiB)))} |`);
    say(`| unit suite (mocha, transpile-only, 1 run) | ${fmt(suite.ms / 1000, 1)} | ${fmt(suite.maxRssMiB)} |`);
    say("");

    const policyBench = path.join(__dirname, "bench-policy.ts");
    if (fs.existsSync(policyBench)) {
        console.error("bench: policy pack throughput...");
        const mod = require(policyBench) as { benchPolicies?: () => Promise<string[]> };
        if (mod.benchPolicies) {
            for (const l of await mod.benchPolicies()) {
                say(l);
            }
            say("");
        }
    }

    if (record) {
        const doc = path.join(ROOT, "docs", "benchmarks.md");
        const start = "<!-- bench:start -->";
        const end = "<!-- bench:end -->";
        const text = fs.existsSync(doc) ? fs.readFileSync(doc, "utf8") : `# Benchmarks\n\n${start}\n${end}\n`;
        const body = `${start}\nRecorded ${new Date().toISOString().slice(0, 10)} with \`npm run bench -- --record\` on ${os.cpus().length} cores, node ${process.version}.\n\n${lines.join("\n")}\n${end}`;
        const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), body) : `${text}\n${body}\n`;
        fs.writeFileSync(doc, next);
        console.error(`bench: recorded in ${path.relative(ROOT, doc)}`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
