/**
 * Small helpers every rule shares: property access on (possibly proxied) props, the violation
 * message shape, exemptions and config-schema fragments. Pure functions, no Pulumi runtime.
 */
import type { PolicyConfigSchema, PolicyResource, ResourceValidationArgs } from "@pulumi/policy";

// The policy SDK's unknown-value proxy is internal (no typings): require it with a local type.
const proxy = require("@pulumi/policy/proxy") as { UnknownValueError: new (sentinel: unknown, props: string[]) => Error; unknownStringValue: string };

/** The error the engine turns into an advisory "can't run policy during preview" for `path`. */
export function unknownError(path: string[]): Error {
    return new proxy.UnknownValueError(proxy.unknownStringValue, path);
}

/** True for the error the policy SDK throws when a rule reads a value unknown during preview. */
export function isUnknownError(e: unknown): boolean {
    return e instanceof proxy.UnknownValueError;
}

/** Marker for a value that is unknown during preview (read through `peek`). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** Reads `fn()`; returns UNKNOWN instead of throwing when the value is unknown during preview. */
export function peek<T>(fn: () => T): T | typeof UNKNOWN {
    try {
        return fn();
    } catch (e) {
        if (isUnknownError(e)) {
            return UNKNOWN;
        }
        throw e;
    }
}

/** A plain object view of a value (undefined for anything else). */
export function obj(v: unknown): Record<string, unknown> | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An array view of a value (empty for anything else). */
export function arr<T = unknown>(v: unknown): T[] {
    return Array.isArray(v) ? (v as T[]) : [];
}

/** Reads a dotted path (`a.b.c`) from `root`; undefined when any step is missing. */
export function at(root: unknown, path: string): unknown {
    let cur: unknown = root;
    for (const p of path.split(".")) {
        const o = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>) : undefined;
        if (!o) {
            return undefined;
        }
        cur = o[p];
    }
    return cur;
}

/** A string, number or boolean as text (for messages); objects become their type name. */
export function show(v: unknown): string {
    if (v === undefined) {
        return "not set";
    }
    if (typeof v === "string") {
        return JSON.stringify(v);
    }
    if (typeof v === "number" || typeof v === "boolean" || v === null) {
        return String(v);
    }
    if (Array.isArray(v)) {
        return `[${v.map(show).join(", ")}]`;
    }
    return "an object";
}

/** Parses a boolean the way providers accept it (`true`, `"true"`). Undefined stays undefined. */
export function bool(v: unknown): boolean | undefined {
    if (v === true || v === "true" || v === "True" || v === "TRUE") {
        return true;
    }
    if (v === false || v === "false" || v === "False" || v === "FALSE") {
        return false;
    }
    return undefined;
}

/** Parses a number from a number or numeric string. */
export function num(v: unknown): number | undefined {
    if (typeof v === "number" && Number.isFinite(v)) {
        return v;
    }
    if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) {
        return Number(v);
    }
    return undefined;
}

/**
 * The one message shape: what is wrong, the value found, what is required, how to fix it.
 * `found` must never be a value that may be secret.
 */
export function msg(what: string, found: string, required: string, fix: string): string {
    return `${what}: found ${found}; required ${required}. Fix: ${fix}`;
}

/** A short label for a resource in messages: `<type> "<name>"`. */
export function label(r: { type: string; name: string }): string {
    const t = r.type.split(":").pop() ?? r.type;
    return `${t} "${r.name}"`;
}

/** Exemption config every rule that may meet third-party objects accepts. */
export interface Exemptions {
    /** Resource names (Pulumi name, or Kubernetes `namespace/name`) exempt from the rule; `*` wildcards. */
    exemptNames?: string[];
    /** Kubernetes namespaces exempt from the rule. */
    exemptNamespaces?: string[];
}

/** configSchema properties for `Exemptions`. */
export const EXEMPTION_SCHEMA: NonNullable<PolicyConfigSchema["properties"]> = {
    exemptNames: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Resource names exempt from this rule: the Pulumi resource name or a Kubernetes namespace/name; * matches any run of characters.",
    },
    exemptNamespaces: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Kubernetes namespaces whose objects are exempt from this rule.",
    },
};

const globCache = new Map<string, RegExp>();

/** Matches `text` against a glob where `*` is any run of characters. */
export function glob(pattern: string, text: string): boolean {
    let re = globCache.get(pattern);
    if (!re) {
        re = new RegExp(
            `^${pattern
                .split("*")
                .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
                .join(".*")}$`,
        );
        globCache.set(pattern, re);
    }
    return re.test(text);
}

/** The Kubernetes namespace and name of an object's props (namespace "default" when unset). */
export function k8sId(props: Record<string, unknown>): { namespace: string; name: string } {
    const meta = obj(props.metadata) ?? {};
    const ns = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : "default";
    const name = typeof meta.name === "string" ? meta.name : "";
    return { namespace: ns, name };
}

/** True when config exempts this resource (by Pulumi name, Kubernetes namespace/name or namespace). */
export function isExempt(cfg: Exemptions, r: { name: string; type: string; props: Record<string, unknown> }): boolean {
    const names = cfg.exemptNames ?? [];
    const namespaces = cfg.exemptNamespaces ?? [];
    if (names.length === 0 && namespaces.length === 0) {
        return false;
    }
    if (names.some((p) => glob(p, r.name))) {
        return true;
    }
    if (r.type.startsWith("kubernetes:")) {
        const id = peek(() => k8sId(r.props));
        if (id === UNKNOWN) {
            return false;
        }
        return namespaces.includes(id.namespace) || names.some((p) => glob(p, `${id.namespace}/${id.name}`));
    }
    return false;
}

/** The resource part of ResourceValidationArgs that rules use (so tests and stack rules can share code). */
export type RuleResource = Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props">;

/** Resources of the given types from a stack. */
export function ofType(resources: PolicyResource[], ...types: string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}
