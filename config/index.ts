/**
 * The only module that reads `pulumi.Config`. It collects every key (the project's and every
 * other namespace's), decodes the values the way the CLI stores them (objects and lists as JSON
 * text) and hands them to `parseStackConfig`, which validates them all at once; componentArgs.ts
 * then maps the result onto the components' arguments. Nothing in components/ imports config/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { parseStackConfig } from "./parse";
import { secretPathsFromStackFile } from "./secretPaths";
import type { StackConfig } from "./types";

export * from "./types";
export { parseStackConfig, TOP_LEVEL_KEYS, CONFIG_KEYS, knownConfigPaths } from "./parse";
export { StackConfigError, type ConfigProblem } from "./reader";
export { securePaths } from "./secretPaths";
export {
    aksClusterArgs,
    clusterArgs,
    componentName,
    doksClusterArgs,
    eksClusterArgs,
    existingClusterArgs,
    gkeClusterArgs,
    platformArgs,
} from "./componentArgs";

/** The SDK marks this helper internal; it is how the SDK itself tells a secret key. */
const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/**
 * Decodes one stored config value: JSON for objects, lists and booleans; else the text. Numbers
 * stay text: no top-level key is numeric, and `kubernetesVersion: "1.33"` must stay the string.
 */
export function decodeConfigValue(text: string): unknown {
    const t = text.trim();
    if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false") {
        try {
            return JSON.parse(t);
        } catch {
            return text;
        }
    }
    return text;
}

/**
 * Validates config in the form the CLI hands a program (`namespace:key` -> text). `secretPaths`
 * are dotted keys whose values are secret: project keys without the namespace
 * (`existing.kubeconfig`), others with it (`aws:secretKey`). Throws `StackConfigError`.
 */
export function parseCliConfig(stack: string, project: string, values: Record<string, string>, secretPaths: ReadonlySet<string>): StackConfig {
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    const other: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(values)) {
        if (fullKey.startsWith(prefix)) {
            raw[fullKey.slice(prefix.length)] = decodeConfigValue(value);
        } else {
            other[fullKey] = decodeConfigValue(value);
        }
    }
    return parseStackConfig(stack, raw, secretPaths, { project, otherNamespaces: other });
}

let offlineSecretPaths: ReadonlySet<string> | undefined;

/**
 * For the offline harness: the exact secret paths of the stack file it runs (the SDK only tells
 * which top-level keys hold a secret). `undefined` restores the normal lookup.
 */
export function setOfflineSecretPaths(paths: ReadonlySet<string> | undefined): void {
    offlineSecretPaths = paths;
}

/**
 * Which config values are secret. The SDK marks a whole top-level key secret when any value in
 * it is (`pulumi config set --secret --path existing.kubeconfig` marks `existing`); the stack
 * file says exactly which ones are encrypted, so when it holds the key its `secure:` paths are
 * used, and otherwise the whole key counts as secret.
 */
function runtimeSecretPaths(project: string, stack: string, keys: string[]): Set<string> {
    if (offlineSecretPaths) {
        return new Set(offlineSecretPaths);
    }
    const fromFile = secretPathsFromStackFile(project, stack);
    const out = new Set<string>();
    for (const fullKey of keys) {
        if (!isConfigSecret(fullKey)) {
            continue;
        }
        const key = fullKey.startsWith(`${project}:`) ? fullKey.slice(project.length + 1) : fullKey;
        const precise = fromFile?.get(key);
        if (precise && precise.length > 0) {
            precise.forEach((p) => out.add(p));
        } else {
            out.add(key);
        }
    }
    return out;
}

/** Reads and validates the current stack's configuration. Throws `StackConfigError` on any problem. */
export function loadStackConfig(): StackConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const values = pulumi.runtime.allConfig();
    return parseCliConfig(stack, project, values, runtimeSecretPaths(project, stack, Object.keys(values)));
}
