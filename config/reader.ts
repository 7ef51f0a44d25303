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
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** True when `value` is an IPv4 CIDR with octets 0-255 and a prefix 0-32. */
export function isCidr(value: string): boolean {
    const m = IPV4_CIDR.exec(value);
    if (!m) {
        return false;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    return octets.every((o) => o >= 0 && o <= 255) && prefix >= 0 && prefix <= 32;
}

export class Reader {
    readonly problems: ConfigProblem[] = [];

    /** Records a problem. */
    fail(key: string, message: string): undefined {
        this.problems.push({ key, message });
        return undefined;
    }

    /** Reports keys of `obj` that are not in `allowed`. */
    noUnknownKeys(prefix: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
        for (const k of Object.keys(obj)) {
            if (!allowed.includes(k)) {
                const key = prefix ? `${prefix}.${k}` : k;
                this.fail(key, `unknown key; allowed keys${prefix ? ` under ${prefix}` : ""}: ${allowed.join(", ")}`);
            }
        }
    }

    object(key: string, value: unknown): Record<string, unknown> | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, `found ${show(value)}; must be an object (a YAML mapping)`);
        }
        return value as Record<string, unknown>;
    }

    string(key: string, value: unknown, opts: { secret?: boolean; pattern?: RegExp; describe?: string } = {}): string | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string" || value.length === 0) {
            return this.fail(key, `found ${show(value, opts.secret)}; must be a non-empty string${typeof value === "number" ? " (quote it in YAML)" : ""}`);
        }
        if (opts.pattern && !opts.pattern.test(value)) {
            return this.fail(key, `found ${show(value, opts.secret)}; must be ${opts.describe ?? `a string matching ${opts.pattern}`}`);
        }
        return value;
    }

    oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
            return this.fail(key, `found ${show(value)}; allowed: ${allowed.join(", ")}`);
        }
        return value as T;
    }

    boolean(key: string, value: unknown): boolean | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "boolean") {
            return this.fail(key, `found ${show(value)}; must be true or false`);
        }
        return value;
    }

    integer(key: string, value: unknown, min: number, max: number): number | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "number" || !Number.isInteger(value)) {
            return this.fail(key, `found ${show(value)}; must be a whole number from ${min} to ${max}`);
        }
        if (value < min || value > max) {
            return this.fail(key, `found ${value}; out of range, allowed ${min} to ${max}`);
        }
        return value;
    }

    stringArray(key: string, value: unknown, opts: { minItems?: number; item?: (k: string, v: string) => boolean } = {}): string[] | undefined {
        if (value === undefined) {
            return undefined;
        }
        if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
            return this.fail(key, `found ${show(value)}; must be a list of strings`);
        }
        const items = value as string[];
        if (opts.minItems !== undefined && items.length < opts.minItems) {
            return this.fail(key, `found ${items.length} item${items.length === 1 ? "" : "s"} (${show(items)}); at least ${opts.minItems} required`);
        }
        let ok = true;
        items.forEach((v, i) => {
            if (opts.item && !opts.item(`${key}[${i}]`, v)) {
                ok = false;
            }
        });
        return ok ? items : undefined;
    }

    cidr(key: string, value: unknown): string | undefined {
        const s = this.string(key, value);
        if (s === undefined) {
            return undefined;
        }
        if (!isCidr(s)) {
            return this.fail(key, `found ${show(s)}; must be an IPv4 CIDR such as 10.40.0.0/16`);
        }
        return s;
    }
}
