/**
 * The only module that reads `pulumi.Config`. It collects every key in the project's namespace,
 * decodes the values the way the CLI stores them (objects and lists as JSON text) and hands them
 * to `parseStackConfig`, which validates them all at once.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { parseStackConfig } from "./parse";
import type { StackConfig } from "./types";

export * from "./types";
export { parseStackConfig, TOP_LEVEL_KEYS } from "./parse";
export { StackConfigError, type ConfigProblem } from "./reader";
export { PROD_FLOOR, DEFAULT_RETENTION, DEFAULT_KUBERNETES_VERSION } from "./defaults";

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

/** Reads and validates the current stack's configuration. Throws `StackConfigError` on any problem. */
export function loadStackConfig(): StackConfig {
    const project = pulumi.getProject();
    const prefix = `${project}:`;
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) {
            continue; // provider namespaces (aws:, gcp:, azure-native:, kubernetes:) are not ours
        }
        const key = fullKey.slice(prefix.length);
        raw[key] = decodeConfigValue(value);
        if (isConfigSecret(fullKey)) {
            secretKeys.add(key);
        }
    }
    return parseStackConfig(pulumi.getStack(), raw, secretKeys);
}
