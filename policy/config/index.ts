/**
 * Policy pack configuration per shipped stack: policy/config/<stack>.json is what
 * `pulumi preview --policy-pack policy --policy-pack-config policy/config/<stack>.json` reads, and
 * what the offline preview loads through `resolvePolicyConfig`. Production stacks run every rule as
 * mandatory; development stacks run the sizing rules as advisory.
 *
 * A stack without its own file (a copy of a shipped stack under a new name) gets its
 * environment's default, policy/config/environments/<prod|dev>.json, so a copied dev stack is
 * judged as a dev stack, not with every rule mandatory.
 */
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { policies } from "../policies";

/** Directory of the per-stack files. */
export const POLICY_CONFIG_DIR = __dirname.endsWith(`${path.sep}bin${path.sep}config`) ? path.join(__dirname, "..", "..", "config") : __dirname;

/** Directory of the per-environment defaults (`dev.json`, `prod.json`). */
export const ENVIRONMENT_CONFIG_DIR = path.join(POLICY_CONFIG_DIR, "environments");

/** The stacks that ship a policy config file. */
export function policyConfigStacks(): string[] {
    return fs
        .readdirSync(POLICY_CONFIG_DIR)
        .filter((f) => f.endsWith(".json"))
        .map((f) => f.slice(0, -5))
        .sort();
}

const LEVELS = ["advisory", "mandatory", "remediate", "disabled"];

const JSON_TYPES: Record<string, (v: unknown) => boolean> = {
    integer: (v) => Number.isInteger(v),
    number: (v) => typeof v === "number" && Number.isFinite(v),
    boolean: (v) => typeof v === "boolean",
    string: (v) => typeof v === "string",
    array: (v) => Array.isArray(v),
    object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
};

/**
 * Checks a pack config against the pack: a JSON object of known policy names, known enforcement
 * levels, and config keys each policy's schema declares, each of the schema's type. Returns every
 * problem (empty when valid).
 */
export function checkPolicyConfig(config: PolicyPackConfig): string[] {
    if (!JSON_TYPES.object(config)) {
        return [
            `must be a JSON object of policy names to an enforcement level or {enforcementLevel, ...config}; found ${Array.isArray(config) ? "a list" : typeof config}`,
        ];
    }
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
        if (!JSON_TYPES.object(value)) {
            problems.push(`${name}: found ${JSON.stringify(value)}; must be an enforcement level (${LEVELS.join(", ")}) or an object`);
            continue;
        }
        const { enforcementLevel, ...rest } = value as Record<string, unknown>;
        if (enforcementLevel !== undefined && !LEVELS.includes(String(enforcementLevel))) {
            problems.push(`${name}: enforcementLevel ${JSON.stringify(enforcementLevel)} is not one of ${LEVELS.join(", ")}`);
        }
        const props = policy?.configSchema?.properties ?? {};
        const known = Object.keys(props);
        for (const [k, v] of Object.entries(rest)) {
            if (name === "all" || !known.includes(k)) {
                problems.push(
                    `${name}: unknown config key ${JSON.stringify(k)}; allowed: ${name === "all" ? "enforcementLevel" : ["enforcementLevel", ...known].join(", ")}`,
                );
                continue;
            }
            const type = (props[k] as { type?: string }).type;
            if (type && JSON_TYPES[type] && !JSON_TYPES[type](v)) {
                problems.push(`${name}: ${k} found ${JSON.stringify(v)}; must be ${type === "integer" ? "an integer" : `of type ${type}`}`);
            }
        }
    }
    return problems;
}

/** A policy config that cannot be used: missing, not JSON, or not valid for this pack. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

/** The policy config a stack runs with, and where it came from. */
export interface ResolvedPolicyConfig {
    config: PolicyPackConfig;
    /**
     * What was applied, for reports: a file path (relative to the working directory when inside
     * it), or "pack defaults (every rule mandatory)" when no file applies.
     */
    source: string;
    /** Why this one: the file was given, the stack's own file, the environment's default, none. */
    kind: "given" | "stack" | "environment" | "pack-defaults";
}

/** The source text a report shows when no file applies. */
export const PACK_DEFAULTS = "pack defaults (every rule mandatory)";

function readConfigFile(file: string, what: string): PolicyPackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError(`${what} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    let config: PolicyPackConfig;
    try {
        config = JSON.parse(text) as PolicyPackConfig;
    } catch (e) {
        throw new PolicyConfigError(`${what} ${file}: not valid JSON (${(e as Error).message})`);
    }
    const problems = checkPolicyConfig(config);
    if (problems.length > 0) {
        throw new PolicyConfigError(`${what} ${file} is invalid:\n  - ${problems.join("\n  - ")}`);
    }
    return config;
}

function display(file: string): string {
    const rel = path.relative(process.cwd(), file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/**
 * The policy config for a stack: `file` when given; else policy/config/<stack>.json; else the
 * environment's default policy/config/environments/<environment>.json; else the pack's defaults.
 * Throws `PolicyConfigError` when the file that applies is unreadable, not JSON or invalid.
 */
export function resolvePolicyConfig(stack: string, environment?: string, file?: string): ResolvedPolicyConfig {
    if (file !== undefined) {
        return { config: readConfigFile(file, "--policy-config"), source: display(file), kind: "given" };
    }
    const own = path.join(POLICY_CONFIG_DIR, `${stack}.json`);
    if (fs.existsSync(own)) {
        return { config: readConfigFile(own, "policy config"), source: display(own), kind: "stack" };
    }
    const byEnvironment = environment ? path.join(ENVIRONMENT_CONFIG_DIR, `${environment}.json`) : undefined;
    if (byEnvironment && fs.existsSync(byEnvironment)) {
        return { config: readConfigFile(byEnvironment, "policy config"), source: display(byEnvironment), kind: "environment" };
    }
    return { config: {}, source: PACK_DEFAULTS, kind: "pack-defaults" };
}

/**
 * Loads the policy config for a stack (policy/config/<stack>.json), or the given file. A stack
 * without a file gets `{}`: every rule at its default level (mandatory) with its default config;
 * `resolvePolicyConfig` also falls back to the environment's default.
 * Throws when the file is unreadable or names unknown policies, levels or keys.
 */
export function loadPolicyConfig(stack: string, file?: string): PolicyPackConfig {
    return resolvePolicyConfig(stack, undefined, file).config;
}
