/**
 * Reads `stacks/Pulumi.<stack>.yaml` and turns its `config:` block into what the Pulumi CLI hands a
 * program: a flat map of `namespace:key` to text (objects and lists as JSON), plus the list of
 * secret keys. Encrypted values (`secure:`) cannot be decrypted offline; they become a placeholder
 * and are marked secret, so the program sees a secret either way.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const STACKS_DIR = path.join(PROJECT_ROOT, "stacks");

let projectMemo: { stamp: string; name: string } | undefined;

/** The project name from Pulumi.yaml (parsed again only when the file's size or modification time changed). */
export function projectName(): string {
    const file = path.join(PROJECT_ROOT, "Pulumi.yaml");
    const stat = fs.statSync(file);
    const stamp = `${stat.size}:${stat.mtimeMs}`;
    if (projectMemo?.stamp !== stamp) {
        projectMemo = { stamp, name: (YAML.parse(fs.readFileSync(file, "utf8")) as { name: string }).name };
    }
    return projectMemo.name;
}

/** The stacks shipped in stacks/, by name. */
export function shippedStacks(): string[] {
    return fs
        .readdirSync(STACKS_DIR)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Config as the CLI presents it to a program. */
export interface CliConfig {
    /** `namespace:key` -> value text. */
    values: Record<string, string>;
    /** `namespace:key` of every secret value. */
    secretKeys: string[];
}

/** Placeholder for an encrypted value that cannot be decrypted offline. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-preview-placeholder";

function hasSecure(v: unknown): boolean {
    if (v && typeof v === "object") {
        if (!Array.isArray(v) && Object.keys(v).length === 1 && "secure" in (v as object)) {
            return true;
        }
        return Object.values(v as object).some(hasSecure);
    }
    return false;
}

function stripSecure(v: unknown): unknown {
    if (v && typeof v === "object") {
        if (!Array.isArray(v) && Object.keys(v).length === 1 && "secure" in (v as object)) {
            return OFFLINE_SECRET_PLACEHOLDER;
        }
        if (Array.isArray(v)) {
            return v.map(stripSecure);
        }
        return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, stripSecure(x)]));
    }
    return v;
}

/**
 * Converts a stack file's `config:` mapping into CLI form. Keys without a namespace get the
 * project's, as the CLI does.
 */
export function toCliConfig(config: Record<string, unknown>, project: string): CliConfig {
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(config ?? {})) {
        const key = k.includes(":") ? k : `${project}:${k}`;
        if (hasSecure(v)) {
            secretKeys.push(key);
        }
        const plain = stripSecure(v);
        values[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    }
    return { values, secretKeys };
}

/**
 * Reads a stack file (by stack name, or an explicit path) into its raw `config:` mapping. Throws
 * `UsageError` when the file is missing, is not YAML, or has no mapping under `config:`.
 */
export function readStackFile(stackOrPath: string): { stack: string; file: string; config: Record<string, unknown> } {
    const file = stackOrPath.endsWith(".yaml") ? path.resolve(stackOrPath) : path.join(STACKS_DIR, `Pulumi.${stackOrPath}.yaml`);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
        const known = shippedStacks().join(", ");
        throw new UsageError(`no stack file ${path.relative(process.cwd(), file)}; shipped stacks: ${known}`);
    }
    const stack = /Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1] ?? stackOrPath;
    const shown = path.relative(process.cwd(), file);
    let doc: unknown;
    try {
        doc = YAML.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(`${shown} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
    if (doc !== null && doc !== undefined && !isMapping(doc)) {
        throw new UsageError(`${shown}: the file must be a YAML mapping with a config: mapping inside`);
    }
    const config = (doc as { config?: unknown } | null)?.config;
    if (config !== undefined && config !== null && !isMapping(config)) {
        throw new UsageError(`${shown}: config: must be a mapping of keys (agent-platform:cloud: aws, ...)`);
    }
    return { stack, file, config: (config as Record<string, unknown> | null | undefined) ?? {} };
}

/** A bad command line or stack name (exit code 2). */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}
