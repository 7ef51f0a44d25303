/**
 * Policy pack configuration per shipped stack: policy/config/<stack>.json is what
 * `pulumi preview --policy-pack policy --policy-pack-config policy/config/<stack>.json` reads, and
 * what the offline preview loads through `loadPolicyConfig`. Production stacks run every rule as
 * mandatory; development stacks run the sizing rules as advisory.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { policies } from "../policies";

/** Directory of the per-stack files. */
export const POLICY_CONFIG_DIR = __dirname.endsWith(`${path.sep}bin${path.sep}config`) ? path.join(__dirname, "..", "..", "config") : __dirname;

/** The stacks that ship a policy config file. */
export function policyConfigStacks(): string[] {
    return fs
        .readdirSync(POLICY_CONFIG_DIR)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort();
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * Checks a pack config against the pack: known policy names, known enforcement levels, and config
 * keys each policy's schema declares. Returns every problem (empty when valid).
 */
export function checkPolicyConfig(config: PolicyPackConfig): string[] {
    const problems: string[] = [];
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, value] of Object.entries(config)) {
        const policy = byName.get(name);
        if (!policy && name !== "all") {
            problems.push(`unknown policy ${JSON.stringify(name)}; known: ${[...byName.keys()].join(", ")}`);
            continue;
        }
        if (typeof value === "string") {
            if (!LEVELS.includes(value)) {
                problems.push(`${name}: enforcement level ${JSON.stringify(value)} is not one of ${LEVELS.join(", ")}`);
            }
            continue;
        }
        const { enforcementLevel, ...rest } = (value ?? {}) as Record<string, unknown>;
        if (enforcementLevel !== undefined && !LEVELS.includes(String(enforcementLevel))) {
            problems.push(`${name}: enforcementLevel ${JSON.stringify(enforcementLevel)} is not one of ${LEVELS.join(", ")}`);
        }
        const known = Object.keys(policy?.configSchema?.properties ?? {});
        for (const k of Object.keys(rest)) {
            if (name === "all" || !known.includes(k)) {
                problems.push(`${name}: unknown config key ${JSON.stringify(k)}; allowed: ${name === "all" ? "enforcementLevel" : ["enforcementLevel", ...known].join(", ")}`);
            }
        }
    }
    return problems;
}

/**
 * Loads the policy config for a stack (policy/config/<stack>.json), or the given file. A stack
 * without a file gets `{}`: every rule at its default level (mandatory) with its default config.
 * Throws when the file is unreadable or names unknown policies, levels or keys.
 */
export function loadPolicyConfig(stack: string, file?: string): PolicyPackConfig {
    const p = file ?? path.join(POLICY_CONFIG_DIR, `${stack}.json`);
    if (!file && !fs.existsSync(p)) {
        return {};
    }
    const config = JSON.parse(fs.readFileSync(p, "utf8")) as PolicyPackConfig;
    const problems = checkPolicyConfig(config);
    if (problems.length > 0) {
        throw new Error(`policy config ${p} is invalid:\n  - ${problems.join("\n  - ")}`);
    }
    return config;
}
