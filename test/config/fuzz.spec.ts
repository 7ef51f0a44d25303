/**
 * Seeded, reproducible fuzz test of the stack configuration (issue 11): random mutations of every
 * shipped stack file (delete, retype, empty, huge, unicode, secure, misspelt key, wrong namespace),
 * each written as a stack file and put through what the offline preview does before it runs
 * anything (`precheck`: read the YAML, validate the whole config, pick the policy config). Each
 * must end in either
 *
 * - a config or usage error (exit 2) whose every problem names a key, with a message that holds no
 *   stack trace and no internal placeholder, and names the key that was mutated (or a key it
 *   governs: `cloud` and `environment` decide what the others must be); or
 * - a valid config; a bounded number of those then run the whole program under mocks through the
 *   CLI, which must exit 0 or 1 with a report (never 3).
 *
 * Environment (all optional):
 * - `CONFIG_FUZZ_SEED`   seed of the generator (default 11); a failure message names the seed and
 *                        the mutation number, so `CONFIG_FUZZ_SEED=<seed>` reproduces it;
 * - `CONFIG_FUZZ_COUNT`  mutations per shipped stack (default 60: 300 over the five stacks);
 * - `CONFIG_FUZZ_RUNS`   how many mutations that pass validation also run the whole program
 *                        (default 3; each costs a few seconds of CPU).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { StackConfigError } from "../../config/reader";
import { PolicyConfigError } from "../../policy/config";
import { EXIT, main, precheck } from "../../preview/cli";
import { shippedStacks, STACKS_DIR, UsageError } from "../../preview/stackFile";

const SEED = Number(process.env.CONFIG_FUZZ_SEED ?? 11);
const COUNT = Number(process.env.CONFIG_FUZZ_COUNT ?? 60);
const RUNS = Number(process.env.CONFIG_FUZZ_RUNS ?? 3);
const PROJECT = "agent-platform";

/** mulberry32: a small, fast, seedable generator (same seed, same sequence, on every machine). */
function generator(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

type Json = unknown;
type PathPart = string | number;

interface Mutation {
    /** What was done, for the failure message. */
    label: string;
    /** The top-level keys (as in the file) the mutation touched or created. */
    keys: string[];
}

const UNICODE = ["zöne-ä", "区域", "🚀🚀", "\u202Eevil", "a\u0000b", "e\u0301", "Ω≈ç√", "\uFEFFbom", "ＦＵＬＬ"];
const NAMESPACES = ["agent-platfrom", "agent_platform", "Agent-Platform", "aws", "gcp", "azure-native", "kubernetes", "random", "pulumi", "acme"];

function pick<T>(rnd: () => number, items: readonly T[]): T {
    return items[Math.floor(rnd() * items.length)];
}

/** Every path into the config tree: top-level keys, then nested object keys and list indexes. */
function paths(config: Record<string, Json>): PathPart[][] {
    const out: PathPart[][] = [];
    const walk = (v: Json, at: PathPart[]): void => {
        out.push(at);
        if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, [...at, i]));
        } else if (v !== null && typeof v === "object") {
            for (const [k, x] of Object.entries(v as Record<string, Json>)) {
                walk(x, [...at, k]);
            }
        }
    };
    for (const [k, v] of Object.entries(config)) {
        walk(v, [k]);
    }
    return out;
}

function parentOf(root: Record<string, Json>, at: PathPart[]): { holder: any; last: PathPart } {
    let cur: any = root;
    for (const p of at.slice(0, -1)) {
        cur = cur[p];
    }
    return { holder: cur, last: at[at.length - 1] };
}

function randomValue(rnd: () => number, kind: string): Json {
    switch (kind) {
        case "retype":
            return pick(rnd, [42, -1, 3.5, true, false, null, "text", ["a", 1], { a: 1 }, 0, "1.33", "true"]);
        case "empty":
            return pick(rnd, ["", [], {}]);
        case "huge":
            return pick(rnd, [
                "x".repeat(10_000 + Math.floor(rnd() * 190_000)),
                Number.MAX_VALUE,
                1e21,
                Array.from({ length: 1000 }, (_, i) => `z${i}`),
                Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, "v"])),
                "a/".repeat(5000) + "!",
            ]);
        case "unicode":
            return pick(rnd, UNICODE) + (rnd() < 0.5 ? "" : pick(rnd, UNICODE));
        default:
            return { secure: `v1:${Buffer.from(String(rnd())).toString("base64")}` };
    }
}

/** Applies one random mutation to `config` (in place); returns what it did. */
function mutate(rnd: () => number, config: Record<string, Json>): Mutation {
    const all = paths(config);
    const at = pick(rnd, all);
    const top = String(at[0]);
    const op = pick(rnd, ["delete", "retype", "empty", "huge", "unicode", "secure", "rename", "namespace", "add-key"]);
    const where = at.join(".");
    if (op === "namespace" || op === "add-key") {
        const ns = pick(rnd, NAMESPACES);
        const bare = top.includes(":") ? top.slice(top.indexOf(":") + 1) : top;
        const key =
            op === "namespace"
                ? `${ns}:${bare}`
                : `${ns}:${pick(rnd, ["region", "retention", "owner", "kubeconfig", "project", "location", pick(rnd, UNICODE)])}`;
        if (op === "namespace") {
            config[key] = config[top];
            delete config[top];
        } else {
            config[key] = pick(rnd, ["eu-west-1", "x", 3, { a: 1 }]);
        }
        return { label: `${op} ${top} -> ${key}`, keys: op === "namespace" ? [top, key] : [key] };
    }
    const { holder, last } = parentOf(config, at);
    if (op === "delete") {
        if (Array.isArray(holder)) {
            holder.splice(Number(last), 1);
        } else {
            delete holder[last];
        }
        return { label: `delete ${where}`, keys: [top] };
    }
    if (op === "rename" && !Array.isArray(holder)) {
        const name = String(last);
        const typo = name.length > 2 ? name.slice(0, -2) + name[name.length - 1] + name[name.length - 2] : `${name}x`;
        holder[typo] = holder[last];
        delete holder[last];
        return { label: `rename ${where} -> ${typo}`, keys: at.length === 1 ? [top, typo] : [top] };
    }
    holder[last] = randomValue(rnd, op);
    return { label: `${op} ${where}`, keys: [top] };
}

/** The project-relative name of a top-level file key (`agent-platform:network` -> `network`). */
function bareKey(key: string): string {
    return key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
}

/** Keys whose value decides what every other key must be: any key may then be the one named. */
const GOVERNING = new Set(["cloud", "environment"]);

/** Whether a reported problem names the mutated key (or a key the mutated one governs). */
function namesTheKey(problemKeys: string[], mutated: string): boolean {
    const k = bareKey(mutated);
    if (GOVERNING.has(k)) {
        return true;
    }
    // Region and zones are read together (zones must be zones of the region), and so are a
    // provider key that repeats a project setting and that setting.
    const related: Record<string, string[]> = {
        region: ["zones", "aws:region", "gcp:region", "azure-native:location"],
        zones: ["nodePools"],
        "aws:region": ["region"],
        "gcp:region": ["region"],
        "azure-native:location": ["region"],
        "gcp:project": ["gcp"],
        gcp: ["gcp:project"],
        network: ["zones"],
        nodePools: ["zones"],
    };
    const accepted = [k, ...(related[k] ?? [])];
    return problemKeys.some((p) => accepted.some((a) => p === a || p.startsWith(`${a}.`) || p.startsWith(`${a}[`)));
}

describe(`config fuzz: random mutations of every shipped stack file (seed ${SEED}, ${COUNT} per stack)`, function () {
    this.timeout(600_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-fuzz-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const valid: { file: string; label: string }[] = [];
    const outcomes = { configError: 0, usageError: 0, valid: 0 };

    for (const stack of shippedStacks()) {
        it(`${stack}: every mutation is a valid config or exit 2 naming the key, never a crash`, () => {
            const original = (YAML.parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, Json> }).config;
            const rnd = generator(SEED * 1_000_003 + stack.split("").reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
            const failures: string[] = [];
            for (let i = 0; i < COUNT; i++) {
                const config = structuredClone(original);
                const done = [mutate(rnd, config)];
                if (rnd() < 0.25) {
                    done.push(mutate(rnd, config)); // sometimes two at once: problems must still be listed together
                }
                const m = { label: done.map((x) => x.label).join(" + "), keys: done.flatMap((x) => x.keys) };
                const file = path.join(dir, `Pulumi.${stack}-fuzz-${i}.yaml`);
                fs.writeFileSync(file, YAML.stringify({ config }));
                const where = `seed ${SEED}, ${stack} #${i} (${m.label.slice(0, 120)})`;
                try {
                    precheck({ stack: file, json: true });
                    outcomes.valid++;
                    valid.push({ file, label: where });
                } catch (e) {
                    if (e instanceof StackConfigError) {
                        outcomes.configError++;
                        const text = e.message;
                        if (e.problems.length === 0 || e.problems.some((p) => !p.key || !p.message)) {
                            failures.push(`${where}: a problem without key or message: ${text.slice(0, 300)}`);
                        } else if (/\n\s+at |placeholder|\[object Object\]|undefined|NaN/.test(text)) {
                            failures.push(`${where}: a stack trace, placeholder or internal value in: ${text.slice(0, 400)}`);
                        } else if (text.length > 20_000) {
                            failures.push(`${where}: ${text.length} characters of errors`);
                        } else if (
                            !m.keys.some((k) =>
                                namesTheKey(
                                    e.problems.map((p) => p.key),
                                    k,
                                ),
                            )
                        ) {
                            failures.push(`${where}: no problem names ${m.keys.join(" or ")}: ${e.problems.map((p) => p.key).join(", ")}`);
                        }
                    } else if (e instanceof UsageError || e instanceof PolicyConfigError) {
                        outcomes.usageError++;
                    } else {
                        failures.push(`${where}: crashed (exit 3): ${(e as Error).stack?.split("\n").slice(0, 4).join(" | ")}`);
                    }
                }
            }
            assert.deepStrictEqual(failures, []);
        });
    }

    it(`runs up to ${RUNS} mutations that passed validation as whole programs: exit 0 or 1 with a report, never 3`, async () => {
        assert.ok(outcomes.configError > 0, "no mutation was refused: the generator is broken");
        const rnd = generator(SEED);
        // A fixed draw from the valid ones (Fisher-Yates with the seeded generator).
        const chosen = [...valid];
        for (let i = chosen.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [chosen[i], chosen[j]] = [chosen[j], chosen[i]];
        }
        const failures: string[] = [];
        for (const v of chosen.slice(0, RUNS)) {
            let stdout = "";
            let stderr = "";
            const code = await main(["--stack", v.file, "--json"], { out: (s) => (stdout += s), err: (s) => (stderr += s) });
            if (code !== EXIT.ok && code !== EXIT.violations) {
                failures.push(`${v.label}: exit ${code}: ${stderr.slice(0, 600)}`);
                continue;
            }
            const report = JSON.parse(stdout) as { summary: { verdict: string } };
            if (report.summary.verdict !== (code === EXIT.ok ? "OK" : "REJECTED")) {
                failures.push(`${v.label}: exit ${code} but verdict ${report.summary.verdict}`);
            }
        }
        assert.deepStrictEqual(failures, []);
    });
});
