/**
 * Which values of a stack file are encrypted (`secure:`), as dotted paths. The Pulumi SDK tells a
 * program only which top-level keys hold a secret somewhere inside; a plaintext kubeconfig next to
 * a secret store key would pass as "secret". These paths let the checker ask about each value.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

function isSecure(v: unknown): boolean {
    return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in (v as object);
}

/**
 * Every dotted path under `prefix` whose value is `{secure: ...}` (`existing.kubeconfig`,
 * `zones[1]`); `[prefix]` itself when the whole value is.
 */
export function securePaths(value: unknown, prefix: string): string[] {
    if (isSecure(value)) {
        return [prefix];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => securePaths(v, `${prefix}[${i}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => securePaths(v, `${prefix}.${k}`));
    }
    return [];
}

/** A stack file's config mapping -> key (project keys without namespace) -> secure paths. */
export function securePathsByKey(config: Record<string, unknown>, project: string): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [k, v] of Object.entries(config ?? {})) {
        // Project keys without their namespace (as parseStackConfig names them), others as written.
        const key = k.startsWith(`${project}:`) ? k.slice(project.length + 1) : k;
        out.set(key, securePaths(v, key));
    }
    return out;
}

/**
 * Reads `Pulumi.<stack>.yaml` from the project's stack config directory (Pulumi.yaml's
 * `stackConfigDir`), as the CLI does; undefined when there is no such file or it cannot be read
 * (config from an ESC environment or the service: the caller falls back to whole keys).
 */
export function secretPathsFromStackFile(project: string, stack: string, root = path.resolve(__dirname, "..")): Map<string, string[]> | undefined {
    try {
        const projectDoc = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { stackConfigDir?: string };
        const file = path.join(root, projectDoc?.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
        if (!fs.existsSync(file)) {
            return undefined;
        }
        const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
        return securePathsByKey(doc?.config ?? {}, project);
    } catch {
        return undefined;
    }
}
