import { cidrDefect, networkOf } from "../policy/lib/cidr";

/**
 * A small path-aware reader over untyped config values. Every check records a problem (key, value
 * found, what is allowed) instead of throwing, so one run reports every bad value at once.
 */

/** One problem with one config key. */
export interface ConfigProblem {
    /** Dotted key, e.g. `nodePools.system.minNodes`. */
    key: string;
    /** Human-readable statement: the value found and what is allowed. */
    message: string;
}

/** Thrown when a stack's configuration is invalid; `problems` lists all of them. */
export class StackConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: ConfigProblem[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "StackConfigError";
    }
}

/** Renders a found value for a message; secret keys are never echoed. */
export function show(value: unknown, secret = false): string {
    if (secret) {
        return "[secret]";
    }
    if (value === undefined) {
        return "nothing";
    }
    if (typeof value === "string" && value.length > 80) {
        return `a string of ${value.length} characters (${JSON.stringify(value.slice(0, 40))}...)`;
    }
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Levenshtein distance between two strings (small inputs: key names). */
export function editDistance(a: string, b: string): number {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = prev[j];
            prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return prev[b.length];
}

/**
 * The candidate closest to `word` when it is a plausible typo: at most a third of the word's
 * length in edits (at least 1, at most 3), or the same letters ignoring case. Undefined otherwise.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = c.toLowerCase() === word.toLowerCase() ? 0.5 : editDistance(word.slice(0, 64), c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    const allowed = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
    return bestDistance <= allowed ? best : undefined;
}

/** Whether dotted `key` (`a.b[0].c`) or one of its ancestors is in `paths`. */
export function underAny(paths: ReadonlySet<string>, key: string): boolean {
    if (paths.size === 0) {
        return false;
    }
    let cur = key;
    for (;;) {
        if (paths.has(cur)) {
            return true;
        }
        const cut = Math.max(cur.lastIndexOf("."), cur.lastIndexOf("["));
        if (cut <= 0) {
            return false;
        }
        cur = cur.slice(0, cut);
    }
}

/** Default longest string a key takes (a kubeconfig may be longer: it sets its own limit). */
export const MAX_STRING_LENGTH = 1024;

export class Reader {
    readonly problems: ConfigProblem[] = [];

    /**
     * @param secretPaths dotted keys whose values are secret (`existing`, `existing.kubeconfig`);
     * a key under one of them is never echoed in a message.
     */
    constructor(readonly secretPaths: ReadonlySet<string> = new Set()) {}

    /** Whether `key` holds a secret value (it, or an ancestor, was given as `secure:`). */
    isSecret(key: string): boolean {
        return underAny(this.secretPaths, key);
    }

    /**
     * Renders the value found at `key` for a message, as `[secret]` when the key is secret or holds
     * a secret anywhere inside (a list with one `secure:` item is never echoed).
     */
    show(key: string, value: unknown, secret = false): string {
        const inside = [...this.secretPaths].some((p) => p.startsWith(`${key}.`) || p.startsWith(`${key}[`));
        return show(value, secret || inside || this.isSecret(key));
    }

    /** Whether a problem was recorded for `key` or anything under it. */
    hasProblem(key: string): boolean {
        return this.problems.some((p) => p.key === key || p.key.startsWith(`${key}.`) || p.key.startsWith(`${key}[`));
    }

    /** Records a problem. */
    fail(key: string, message: string): undefined {
        this.problems.push({ key, message });
        return undefined;
    }

    /** Reports keys of `obj` that are not in `allowed`, naming the nearest allowed one. */
    noUnknownKeys(prefix: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
        const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
        if (unknown.length > 5) {
            // A pasted blob: one problem, not hundreds.
            this.fail(
                prefix || unknown[0],
                `found ${unknown.length} unknown keys (${unknown
                    .slice(0, 5)
                    .map((k) => show(k))
                    .join(", ")}, ...); allowed keys${prefix ? ` under ${prefix}` : ""}: ${allowed.join(", ")}`,
            );
            return;
        }
        for (const k of unknown) {
            if (!allowed.includes(k)) {
                const key = prefix ? `${prefix}.${k}` : k;
                const near = nearest(k, allowed);
                this.fail(
                    key,
                    `unknown key${near ? ` (did you mean ${prefix ? `${prefix}.` : ""}${near}?)` : ""}; allowed keys${prefix ? ` under ${prefix}` : ""}: ${allowed.join(", ")}`,
                );
            }
        }
    }

    object(key: string, value: unknown): Record<string, unknown> | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, `found ${this.show(key, value)}; must be an object (a YAML mapping)`);
        }
        return value as Record<string, unknown>;
    }

    string(key: string, value: unknown, opts: { secret?: boolean; pattern?: RegExp; describe?: string; maxLength?: number } = {}): string | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string" || value.length === 0) {
            return this.fail(
                key,
                `found ${this.show(key, value, opts.secret)}; must be a non-empty string${typeof value === "number" ? " (quote it in YAML)" : ""}`,
            );
        }
        const max = opts.maxLength ?? MAX_STRING_LENGTH;
        if (value.length > max) {
            return this.fail(
                key,
                `found ${this.isSecret(key) || opts.secret ? "a secret value" : "a string"} of ${value.length} characters; at most ${max} allowed`,
            );
        }
        if (opts.pattern && !opts.pattern.test(value)) {
            return this.fail(key, `found ${this.show(key, value, opts.secret)}; must be ${opts.describe ?? `a string matching ${opts.pattern}`}`);
        }
        return value;
    }

    oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
            return this.fail(key, `found ${this.show(key, value)}; allowed: ${allowed.join(", ")}`);
        }
        return value as T;
    }

    boolean(key: string, value: unknown): boolean | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "boolean") {
            return this.fail(key, `found ${this.show(key, value)}; must be true or false`);
        }
        return value;
    }

    integer(key: string, value: unknown, min: number, max: number): number | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "number" || !Number.isInteger(value)) {
            return this.fail(key, `found ${this.show(key, value)}; must be a whole number from ${min} to ${max}`);
        }
        if (value < min || value > max) {
            return this.fail(key, `found ${this.show(key, value)}; out of range, allowed ${min} to ${max}`);
        }
        return value;
    }

    stringArray(
        key: string,
        value: unknown,
        opts: { minItems?: number; maxItems?: number; item?: (k: string, v: string) => boolean } = {},
    ): string[] | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            return this.fail(key, `found ${this.show(key, value)}; must be a list of strings`);
        }
        const items = value as string[];
        if (opts.minItems !== undefined && items.length < opts.minItems) {
            return this.fail(key, `found ${items.length} item${items.length === 1 ? "" : "s"} (${this.show(key, items)}); at least ${opts.minItems} required`);
        }
        if (opts.maxItems !== undefined && items.length > opts.maxItems) {
            return this.fail(key, `found ${items.length} items; at most ${opts.maxItems} allowed`);
        }
        let ok = true;
        items.forEach((v, i) => {
            if (opts.item && !opts.item(`${key}[${i}]`, v)) {
                ok = false;
            }
        });
        return ok ? items : undefined;
    }

    /** A canonical IPv4 CIDR (`10.40.0.0/16`); host bits, leading zeros and bad octets are named. */
    cidr(key: string, value: unknown): string | undefined {
        const s = this.string(key, value);
        if (s === undefined) {
            return undefined;
        }
        switch (cidrDefect(s)) {
            case undefined:
                return s;
            case "host-bits":
                return this.fail(key, `found ${this.show(key, s)}; host bits are set, the network address is ${networkOf(s)}: use ${networkOf(s)}`);
            case "leading-zero":
                return this.fail(key, `found ${this.show(key, s)}; write the CIDR without leading zeros, e.g. 10.40.0.0/16`);
            default:
                return this.fail(key, `found ${this.show(key, s)}; must be an IPv4 CIDR such as 10.40.0.0/16`);
        }
    }
}
