/**
 * `npm run bench [-- --runs N] [--only a,b] [--record] [--root DIR --loader MODULE]`: speed
 * figures from the project's own commands. Nothing here is a timed test; these are measurements.
 *
 * - previews: each shipped stack's offline preview (`--json --no-render`) paired with its floor (a
 *   node process loading exactly the node_modules files the preview loaded, scripts/bench/floor.js),
 *   both with the node flags of package.json's `preview:offline` script (what users run),
 *   run in alternation A B A B so that load drifting on a shared machine hits both alike. Reports
 *   the wall and CPU ratios of each pair as min / median / max. CPU is the child's user + system
 *   time (its own children included), from /proc/self/stat.
 * - slope: steady-state ms per mocked resource, the slope of run time on synthetic programs of
 *   200 to 2,000 resources after start-up (scripts/bench/slope.ts).
 * - suite: the unit suite's (test:unit) and the package test's (test:package: build, npm pack,
 *   install, preview the examples) CPU and wall time and test counts, each run up to 3 times in
 *   alternation (min / median / max: CPU time moves 10-20 % between runs on a shared machine).
 * - typecheck: `tsc --noEmit` cold (no build info) and warm (build info, nothing changed): wall,
 *   CPU, peak MiB.
 * - pack: the policy pack in-process on 1,000 / 5,000 / 10,000 resources (resources/s, linearity),
 *   and the analyzer's start: the bundled pack under run-policy-pack until it prints its port,
 *   beside the runner alone (a pack that only prints a port): the runner's own start is its floor.
 * - charts: rendering every chart of aws-prod from the mirror cold (empty render cache) and again
 *   with nothing changed (everything from the cache).
 *
 * `--root DIR --loader MODULE` measures another checkout (e.g. the commit before a change, with
 * `ts-node/register/transpile-only`); sections it cannot run there are skipped and say so.
 * `--record` writes the output between the bench markers of docs/benchmarks.md. Goals (issue 15):
 * preview <= 2.0x floor, <= 5 ms per resource, suite CPU <= 45 s, type-check <= 15 s and <= 1 GB,
 * analyzer start <= 1.0 s, pack >= 20,000 resources/s.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const HERE = path.resolve(__dirname, "..");
const PROBE = path.join(__dirname, "bench", "probe.js");
const FLOOR = path.join(__dirname, "bench", "floor.js");
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface Sample {
    ms: number;
    cpuMs: number;
    maxRssMiB: number;
    modules: string[];
    stdout: string;
    stderr: string;
    status: number | null;
}

/** CPU time (ms) of this process's waited-for children, from /proc/self/stat (cutime + cstime). */
function childrenCpuMs(): number {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command: state is index 0, so cutime (16th field) and cstime (17th) are 13 and 14.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/**
 * Runs node with the probe preloaded into it and every node process it starts; measures wall, CPU
 * (children included), the peak RSS of the largest process and the node_modules files loaded (by
 * any of them).
 */
function run(args: string[], cwd: string, env: Record<string, string> = {}, okCodes = [0, 1]): Sample {
    const probeOut = path.join(os.tmpdir(), `bench-probe-${process.pid}-${Date.now()}.json`);
    const cpu = childrenCpuMs();
    const started = process.hrtime.bigint();
    const nodeOptions = [process.env.NODE_OPTIONS, `--require ${JSON.stringify(PROBE)}`].filter(Boolean).join(" ");
    const res = spawnSync(process.execPath, args, {
        cwd,
        env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions, BENCH_PROBE_OUT: probeOut },
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const cpuMs = childrenCpuMs() - cpu;
    const probes: { maxRssKiB: number; modules: string[] }[] = [];
    for (const f of fs.readdirSync(path.dirname(probeOut)).filter((n) => n.startsWith(`${path.basename(probeOut)}.`))) {
        const file = path.join(path.dirname(probeOut), f);
        probes.push(JSON.parse(fs.readFileSync(file, "utf8")) as { maxRssKiB: number; modules: string[] });
        fs.rmSync(file, { force: true });
    }
    if (!okCodes.includes(res.status ?? -1)) {
        throw new Error(`node ${args.join(" ")} exited ${res.status}: ${res.stderr.slice(-4000)}`);
    }
    return {
        ms,
        cpuMs,
        maxRssMiB: Math.max(0, ...probes.map((p) => p.maxRssKiB)) / 1024,
        modules: [...new Set(probes.flatMap((p) => p.modules))],
        stdout: res.stdout,
        stderr: res.stderr,
        status: res.status,
    };
}

function quantiles(xs: number[]): { min: number; median: number; max: number } {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return { min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1] };
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);
const mmm = (q: { min: number; median: number; max: number }, digits = 2): string =>
    `${fmt(q.min, digits)} / **${fmt(q.median, digits)}** / ${fmt(q.max, digits)}`;

function loadLine(): string {
    const [one, five] = os.loadavg();
    return `load average ${one.toFixed(1)} (1 min), ${five.toFixed(1)} (5 min) on ${os.cpus().length} cores`;
}

interface Ctx {
    root: string;
    loader: string;
    runs: number;
    say: (s: string) => void;
}

function shippedStacks(root: string): string[] {
    return fs
        .readdirSync(path.join(root, "stacks"))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The words of a package.json script of the checkout at `root`, quotes removed (none if it has no such script). */
export function scriptWords(root: string, script: string): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    return [...(pkg.scripts?.[script] ?? "").matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * The node flags (V8 options such as `--max-opt=1`) of package.json's `preview:offline` script: the
 * bench runs the preview as users do, and its floor with the same flags, so the ratio measures the
 * program and never the flags. None when the script is not `node [flags] -r <loader> <cli>` (an
 * older checkout measured with `--root`).
 */
export function previewNodeFlags(root: string): string[] {
    const words = scriptWords(root, "preview:offline");
    const loaderAt = words.indexOf("-r");
    return words[0] === "node" && loaderAt >= 1 ? words.slice(1, loaderAt) : [];
}

function benchPreviews(c: Ctx): void {
    c.say(`### Offline preview vs floor (${c.runs} pairs per stack, run A B A B; ratios min / **median** / max)`);
    c.say("");
    const flags = previewNodeFlags(c.root);
    c.say(`Node flags (package.json's preview:offline; preview and floor alike): ${flags.length ? flags.join(" ") : "none"}.`);
    c.say("");
    c.say(
        "| stack | resources | preview ms (median) | floor ms (median) | wall ratio | CPU ratio | preview MiB | floor MiB | (preview - floor) / resources, ms |",
    );
    c.say("|---|---:|---:|---:|---|---|---:|---:|---:|");
    const worst = { wall: 0, cpu: 0 };
    for (const stack of shippedStacks(c.root)) {
        console.error(`bench: preview ${stack}...`);
        const args = [...flags, "-r", c.loader, "preview/cli.ts", "--stack", stack, "--json", "--no-render"];
        const warm = run(args, c.root); // fills the transpile cache; gives the module list and the count
        const modulesFile = path.join(os.tmpdir(), `bench-modules-${process.pid}-${stack}.json`);
        fs.writeFileSync(modulesFile, JSON.stringify(warm.modules));
        const pairs: { p: Sample; f: Sample }[] = [];
        for (let i = 0; i < c.runs; i++) {
            const p = run(args, c.root);
            const f = run([...flags, FLOOR], c.root, { BENCH_FLOOR_MODULES: modulesFile });
            pairs.push({ p, f });
        }
        fs.rmSync(modulesFile, { force: true });
        const resources = (JSON.parse(warm.stdout) as { resources: unknown[] }).resources.length;
        const wall = quantiles(pairs.map((x) => x.p.ms / x.f.ms));
        const cpu = quantiles(pairs.map((x) => x.p.cpuMs / x.f.cpuMs));
        worst.wall = Math.max(worst.wall, wall.median);
        worst.cpu = Math.max(worst.cpu, cpu.median);
        const pMs = quantiles(pairs.map((x) => x.p.ms)).median;
        const fMs = quantiles(pairs.map((x) => x.f.ms)).median;
        c.say(
            `| ${stack} | ${resources} | ${fmt(pMs)} | ${fmt(fMs)} | ${mmm(wall)} | ${mmm(cpu)} | ${fmt(quantiles(pairs.map((x) => x.p.maxRssMiB)).median)} | ${fmt(quantiles(pairs.map((x) => x.f.maxRssMiB)).median)} | ${fmt((pMs - fMs) / resources, 2)} |`,
        );
    }
    c.say("");
    c.say(`Worst median ratio over the stacks: wall ${fmt(worst.wall, 2)}, CPU ${fmt(worst.cpu, 2)} (goal <= 2.0).`);
    c.say("");
}

function benchSlope(c: Ctx): void {
    const script = path.join(c.root, "scripts", "bench", "slope.ts");
    c.say("### Steady-state cost per mocked resource (synthetic programs, after start-up)");
    c.say("");
    if (!fs.existsSync(script)) {
        c.say(`(not measured: ${path.relative(c.root, script)} does not exist in ${c.root})`);
        c.say("");
        return;
    }
    console.error("bench: slope...");
    const s = run(["-r", c.loader, script, "--runs", String(Math.max(3, c.runs))], c.root, {}, [0]);
    const r = JSON.parse(s.stdout) as { rows: { n: number; ms: number; cpuMs: number }[]; slopeMs: number; interceptMs: number; cpuSlopeMs: number };
    c.say("| resources | ms (median) | CPU ms | ms per resource |");
    c.say("|---:|---:|---:|---:|");
    for (const row of r.rows) {
        c.say(`| ${row.n} | ${fmt(row.ms)} | ${fmt(row.cpuMs)} | ${fmt(row.ms / row.n, 2)} |`);
    }
    c.say("");
    c.say(
        `Slope (least squares): **${fmt(r.slopeMs, 2)} ms per resource** wall, ${fmt(r.cpuSlopeMs, 2)} ms CPU; intercept ${fmt(r.interceptMs)} ms (goal <= 5 ms, flat from 200 to 2,000).`,
    );
    c.say("");
}

/** The arguments of a package.json script that runs mocha (`mocha 'a' --ignore 'b'`), unquoted. */
export function mochaArgs(root: string, script: string): string[] {
    const words = scriptWords(root, script);
    return words[0] === "mocha" ? words.slice(1) : [];
}

function benchSuite(c: Ctx): void {
    // CPU time on a shared machine moves by 10-20 % from one run to the next (neighbours on the same
    // cores): each script runs up to three times, alternated, and the table gives min / median / max.
    const runs = Math.min(c.runs, 3);
    c.say(`### Unit suite and package test (mocha as package.json's scripts run it, ${runs} runs each, alternated; min / **median** / max)`);
    c.say("");
    c.say("| script | tests passing | failing | wall s | CPU s (mocha and its children) | peak MiB (largest process) |");
    c.say("|---|---:|---:|---|---|---:|");
    const mocha = path.join(c.root, "node_modules", "mocha", "bin", "mocha.js");
    // An older checkout (--root) runs everything in test:unit and has no test:package.
    const scripts = ["test:unit", "test:package"].filter((script) => script === "test:unit" || mochaArgs(c.root, script).length > 0);
    const samples = new Map<string, Sample[]>(scripts.map((s) => [s, []]));
    for (let i = 0; i < runs; i++) {
        for (const script of scripts) {
            console.error(`bench: ${script} (${i + 1}/${runs})...`);
            const args = mochaArgs(c.root, script);
            samples.get(script)!.push(run([mocha, "--reporter", "dot", ...(args.length ? args : ["test/**/*.spec.ts"])], c.root, {}, [...Array(256).keys()]));
        }
    }
    for (const script of scripts) {
        const xs = samples.get(script)!;
        const passing = [...new Set(xs.map((s) => /(\d+) passing/.exec(s.stdout)?.[1] ?? "?"))].join(", ");
        const failing = [...new Set(xs.map((s) => /(\d+) failing/.exec(s.stdout)?.[1] ?? "0"))].join(", ");
        const wall = quantiles(xs.map((s) => s.ms / 1000));
        const cpu = quantiles(xs.map((s) => s.cpuMs / 1000));
        c.say(`| ${script} | ${passing} | ${failing} | ${mmm(wall, 1)} | ${mmm(cpu, 1)} | ${fmt(Math.max(...xs.map((s) => s.maxRssMiB)))} |`);
    }
    c.say("");
}

function benchTypecheck(c: Ctx): void {
    console.error("bench: type-check...");
    const tsc = path.join(c.root, "node_modules", "typescript", "lib", "tsc.js");
    const info = path.join(os.tmpdir(), `bench-tsbuildinfo-${process.pid}`);
    const cold: Sample[] = [];
    const warm: Sample[] = [];
    for (let i = 0; i < Math.min(c.runs, 3); i++) {
        fs.rmSync(info, { force: true });
        cold.push(run([tsc, "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", info], c.root, {}, [0]));
        warm.push(run([tsc, "--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", info], c.root, {}, [0]));
    }
    fs.rmSync(info, { force: true });
    c.say(`### Type-check (tsc --noEmit, median of ${cold.length})`);
    c.say("");
    c.say("| run | wall s | CPU s | peak MiB |");
    c.say("|---|---:|---:|---:|");
    for (const [name, xs] of [
        ["cold (no build info)", cold],
        ["warm (build info, nothing changed)", warm],
    ] as const) {
        c.say(
            `| ${name} | ${fmt(quantiles(xs.map((s) => s.ms)).median / 1000, 1)} | ${fmt(quantiles(xs.map((s) => s.cpuMs)).median / 1000, 1)} | ${fmt(quantiles(xs.map((s) => s.maxRssMiB)).median)} |`,
        );
    }
    c.say("");
}

async function benchPack(c: Ctx): Promise<void> {
    console.error("bench: policy pack...");
    const script = path.join(c.root, "scripts", "bench-policy.ts");
    const s = run(["-r", c.loader, "-e", `require(${JSON.stringify(script)}).benchPolicies().then((l) => console.log(l.join("\\n")))`], c.root, {}, [0]);
    for (const l of s.stdout.trimEnd().split("\n")) {
        c.say(l);
    }
    c.say("");
}

function benchCharts(c: Ctx): void {
    const script = path.join(c.root, "scripts", "bench", "charts.ts");
    c.say("### Chart rendering (aws-prod, every chart from the mirror)");
    c.say("");
    if (!fs.existsSync(script)) {
        c.say(`(not measured: ${path.relative(c.root, script)} does not exist in ${c.root})`);
        c.say("");
        return;
    }
    console.error("bench: chart rendering...");
    const s = run(["-r", c.loader, script], c.root, {}, [0]);
    const r = JSON.parse(s.stdout) as { charts: number; cold: { ms: number; fresh: number }; cached: { ms: number; fresh: number } };
    c.say("| pass | ms | charts rendered by Helm | from the cache |");
    c.say("|---|---:|---:|---:|");
    c.say(`| cold (empty render cache) | ${fmt(r.cold.ms)} | ${r.cold.fresh} | ${r.charts - r.cold.fresh} |`);
    c.say(`| second preview, nothing changed | ${fmt(r.cached.ms)} | ${r.cached.fresh} | ${r.charts - r.cached.fresh} |`);
    c.say("");
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    const arg = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
    const root = path.resolve(arg("--root") ?? HERE);
    const loader = arg("--loader") ?? path.join(HERE, "scripts", "register.js");
    const runs = Number(arg("--runs") ?? 5);
    const only = (arg("--only") ?? "previews,slope,pack,charts,typecheck,suite").split(",");
    const record = argv.includes("--record");
    const lines: string[] = [];
    const say = (s: string): void => {
        lines.push(s);
        console.log(s);
    };
    const c: Ctx = { root, loader, runs, say };
    say(
        `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, node ${process.version}, ${path.relative(HERE, root) || "this checkout"} with ${path.relative(root, loader).startsWith("..") ? loader : path.relative(root, loader)}; at start: ${loadLine()}.`,
    );
    say("");
    for (const section of only) {
        switch (section) {
            case "previews":
                benchPreviews(c);
                break;
            case "slope":
                benchSlope(c);
                break;
            case "suite":
                benchSuite(c);
                break;
            case "typecheck":
                benchTypecheck(c);
                break;
            case "pack":
                await benchPack(c);
                break;
            case "charts":
                benchCharts(c);
                break;
            default:
                throw new Error(`--only: unknown section ${JSON.stringify(section)}; sections: previews, slope, suite, typecheck, pack, charts`);
        }
    }
    say(`At end: ${loadLine()}.`);

    if (record) {
        const doc = path.join(HERE, "docs", "benchmarks.md");
        const start = "<!-- bench:start -->";
        const end = "<!-- bench:end -->";
        const text = fs.existsSync(doc) ? fs.readFileSync(doc, "utf8") : `# Benchmarks\n\n${start}\n${end}\n`;
        const body = `${start}\n${lines.join("\n")}\n${end}`;
        const next = text.includes(start) ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), () => body) : `${text}\n${body}\n`;
        fs.writeFileSync(doc, next);
        console.error(`bench: recorded in ${path.relative(HERE, doc)}`);
    }
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
