/**
 * Secret handling for the offline preview. The mock monitor hands the program's inputs over the
 * wire format, where a secret is an object tagged with the SDK's secret signature. `decodeWire`
 * turns that format into plain values (what policies see, as the real engine gives them) and a
 * redacted twin (what reports show), with every secret replaced by `[secret]`.
 */

/** Wire-format signatures (see @pulumi/pulumi runtime/rpc). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What a report shows in place of a secret value. */
export const REDACTED = "[secret]";

/** Plain and redacted views of one wire value. */
export interface Decoded {
    plain: unknown;
    redacted: unknown;
}

/** Decodes a wire-format value into plain and redacted views. */
export function decodeWire(value: unknown, inSecret = false): Decoded {
    if (Array.isArray(value)) {
        const items = value.map((v) => decodeWire(v, inSecret));
        return { plain: items.map((i) => i.plain), redacted: items.map((i) => i.redacted) };
    }
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[SIG_KEY];
        if (sig === SECRET_SIG) {
            const inner = decodeWire(obj.value, true);
            return { plain: inner.plain, redacted: REDACTED };
        }
        if (sig === OUTPUT_SIG) {
            const inner = decodeWire(obj.value, inSecret || obj.secret === true);
            return { plain: inner.plain, redacted: obj.secret === true ? REDACTED : inner.redacted };
        }
        if (sig === RESOURCE_SIG) {
            // A resource reference: keep its URN (and id) the way the engine presents it to policies.
            return { plain: obj.id ?? obj.urn, redacted: obj.id ?? obj.urn };
        }
        if (sig === ASSET_SIG || sig === ARCHIVE_SIG) {
            const desc = obj.path ?? obj.uri ?? "[asset]";
            return { plain: desc, redacted: desc };
        }
        const plain: Record<string, unknown> = {};
        const redacted: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            const d = decodeWire(v, inSecret);
            plain[k] = d.plain;
            redacted[k] = d.redacted;
        }
        return { plain, redacted };
    }
    return { plain: value, redacted: inSecret ? REDACTED : value };
}

/**
 * Collects every string that was a secret anywhere in `plain` vs `redacted` (same shape), so a
 * report can prove no secret text leaks into it.
 */
export function secretStrings(plain: unknown, redacted: unknown, out: Set<string> = new Set()): Set<string> {
    if (redacted === REDACTED) {
        collectStrings(plain, out);
        return out;
    }
    if (Array.isArray(plain) && Array.isArray(redacted)) {
        plain.forEach((p, i) => secretStrings(p, redacted[i], out));
    } else if (plain && redacted && typeof plain === "object" && typeof redacted === "object") {
        for (const k of Object.keys(plain as object)) {
            secretStrings((plain as Record<string, unknown>)[k], (redacted as Record<string, unknown>)[k], out);
        }
    }
    return out;
}

function collectStrings(v: unknown, out: Set<string>): void {
    if (typeof v === "string") {
        if (v.length >= 6) {
            out.add(v);
        }
    } else if (Array.isArray(v)) {
        v.forEach((x) => collectStrings(x, out));
    } else if (v && typeof v === "object") {
        Object.values(v).forEach((x) => collectStrings(x, out));
    }
}

/** Replaces every occurrence of any secret string in `text` by `[secret]`. */
export function scrub(text: string, secrets: ReadonlySet<string>): string {
    let out = text;
    for (const s of secrets) {
        if (out.includes(s)) {
            out = out.split(s).join(REDACTED);
        }
    }
    return out;
}
