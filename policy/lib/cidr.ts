/**
 * CIDR arithmetic shared by the stack-config checker (config/) and the pack (pure functions, no
 * Pulumi runtime). IPv4 is handled exactly; IPv6 only as far as a public-access list needs (its
 * prefix length).
 *
 * "Open to the internet" is judged on the union of a list of ranges, not on the literal
 * `0.0.0.0/0`: `["0.0.0.0/1", "128.0.0.0/1"]`, `"0.0.0.0/00"` or a few hundred /8s all let the
 * whole internet in. A list is open when the public IPv4 addresses it covers together (private,
 * loopback, link-local and shared ranges do not count: the internet cannot come from there) are
 * more than one block of the widest allowed prefix length holds.
 */

/** A parsed IPv4 range: first address as an unsigned 32-bit number, prefix length 0-32. */
export interface Ipv4Range {
    base: number;
    prefix: number;
}

/** Why a text is not a usable IPv4 CIDR (undefined when it is one). */
export type CidrDefect = "malformed" | "out-of-range" | "leading-zero" | "host-bits";

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** The widest prefix length a public-access list may reach by default (a /16: 65,536 addresses). */
export const DEFAULT_MIN_PUBLIC_PREFIX = 16;

/**
 * Ranges no internet client can come from (RFC 1918 private, RFC 6598 shared, loopback,
 * link-local, "this network"); they do not count towards how open a list is.
 */
export const NON_PUBLIC_RANGES = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"];

function hostMask(prefix: number): number {
    return prefix >= 32 ? 0 : (2 ** (32 - prefix) - 1) >>> 0;
}

/** What is wrong with `text` as a canonical IPv4 CIDR (`a.b.c.d/p`, no leading zeros, no host bits). */
export function cidrDefect(text: string): CidrDefect | undefined {
    const m = IPV4_CIDR.exec(text);
    if (!m) {
        return "malformed";
    }
    const parts = m.slice(1, 6);
    const nums = parts.map(Number);
    if (nums.slice(0, 4).some((o) => o > 255) || nums[4] > 32) {
        return "out-of-range";
    }
    if (parts.some((p) => p.length > 1 && p.startsWith("0"))) {
        return "leading-zero";
    }
    const base = ipv4Number(nums);
    if ((base & hostMask(nums[4])) >>> 0 !== 0) {
        return "host-bits";
    }
    return undefined;
}

function ipv4Number(octets: number[]): number {
    return ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
}

/**
 * Parses an IPv4 CIDR leniently (leading zeros read as decimal, host bits cleared), the way most
 * cloud APIs do; undefined when it is not `a.b.c.d/p` with octets 0-255 and p 0-32.
 */
export function parseIpv4(text: string): Ipv4Range | undefined {
    const m = IPV4_CIDR.exec(text.trim());
    if (!m) {
        return undefined;
    }
    const nums = m.slice(1, 6).map(Number);
    if (nums.slice(0, 4).some((o) => o > 255) || nums[4] > 32) {
        return undefined;
    }
    const prefix = nums[4];
    return { base: (ipv4Number(nums) & ~hostMask(prefix)) >>> 0, prefix };
}

/** Formats a range as `a.b.c.d/p`. */
export function formatIpv4(r: Ipv4Range): string {
    const b = r.base >>> 0;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${r.prefix}`;
}

/** The canonical network form of a CIDR whose host bits are set (`10.40.0.1/16` -> `10.40.0.0/16`). */
export function networkOf(text: string): string | undefined {
    const r = parseIpv4(text);
    return r ? formatIpv4(r) : undefined;
}

/** Number of addresses in a range. */
export function size(r: Ipv4Range): number {
    return 2 ** (32 - r.prefix);
}

/** Whether two ranges share an address. */
export function overlap(a: Ipv4Range, b: Ipv4Range): boolean {
    return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Ipv4Range, inner: Ipv4Range): boolean {
    return inner.base >= outer.base && inner.base + size(inner) <= outer.base + size(outer);
}

type Interval = [number, number]; // [start, end) on 0..2^32

function merge(intervals: Interval[]): Interval[] {
    const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
    const out: Interval[] = [];
    for (const iv of sorted) {
        const last = out[out.length - 1];
        if (last && iv[0] <= last[1]) {
            last[1] = Math.max(last[1], iv[1]);
        } else {
            out.push([iv[0], iv[1]]);
        }
    }
    return out;
}

function subtract(from: Interval[], remove: Interval[]): Interval[] {
    let out = from;
    for (const [rs, re] of remove) {
        const next: Interval[] = [];
        for (const [s, e] of out) {
            if (re <= s || rs >= e) {
                next.push([s, e]);
                continue;
            }
            if (s < rs) {
                next.push([s, rs]);
            }
            if (re < e) {
                next.push([re, e]);
            }
        }
        out = next;
    }
    return out;
}

const NON_PUBLIC: Interval[] = NON_PUBLIC_RANGES.map((t) => {
    const r = parseIpv4(t)!;
    return [r.base, r.base + size(r)];
});

/** How many distinct public IPv4 addresses a list of ranges covers together. */
export function publicAddressCount(ranges: readonly Ipv4Range[]): number {
    const union = merge(ranges.map((r) => [r.base, r.base + size(r)]));
    return subtract(union, NON_PUBLIC).reduce((n, [s, e]) => n + (e - s), 0);
}

/** The verdict on a public-access list. */
export interface OpenVerdict {
    /** True when the list lets (close to) the whole internet in. */
    open: boolean;
    /** Why, in words (empty when not open). */
    reason: string;
}

/**
 * Judges a list of CIDRs allowed to reach a public endpoint: open when it is empty (the clouds
 * read "no list" as "everyone"), when an entry cannot be read (IPv4 or IPv6), when an IPv6 entry
 * is shorter than `/minPrefix` (so `::/0`), or when its IPv4 entries together cover more public
 * addresses than one `/minPrefix` block.
 */
export function judgePublicCidrs(cidrs: readonly string[], minPrefix = DEFAULT_MIN_PUBLIC_PREFIX): OpenVerdict {
    if (cidrs.length === 0) {
        return { open: true, reason: "no CIDR listed, which the clouds read as every address" };
    }
    const v4: Ipv4Range[] = [];
    for (const c of cidrs) {
        const text = String(c).trim();
        if (text.includes(":")) {
            const m = /^[0-9a-fA-F:.]+\/(\d{1,3})$/.exec(text);
            if (!m || Number(m[1]) > 128) {
                return { open: true, reason: `${JSON.stringify(c)} is not a CIDR` };
            }
            if (Number(m[1]) < minPrefix) {
                return { open: true, reason: `${JSON.stringify(c)} is wider than /${minPrefix}` };
            }
            continue;
        }
        const r = parseIpv4(text);
        if (!r) {
            return { open: true, reason: `${JSON.stringify(c)} is not a CIDR` };
        }
        v4.push(r);
    }
    const limit = 2 ** (32 - minPrefix);
    const count = publicAddressCount(v4);
    if (count === publicAddressCount([{ base: 0, prefix: 0 }])) {
        return { open: true, reason: "together they cover every public address" };
    }
    if (count > limit) {
        return { open: true, reason: `together they cover ${count} public addresses, more than one /${minPrefix} (${limit})` };
    }
    return { open: false, reason: "" };
}
