/**
 * THE IPv4 CIDR module of the project (pure functions, no Pulumi runtime): the stack-config checker
 * (config/), the components (EKS subnet plan, GKE control-plane range, AKS node subnet and DNS
 * address, the agents' egress) and the pack all parse, compare and cut ranges here, so a range
 * means the same thing everywhere. It lives with the pack because the pack depends on nothing
 * outside policy/ (../shared/DESIGN.md); components and config import it. IPv4 is handled exactly;
 * IPv6 only as far as a public-access list needs (its prefix length).
 *
 * Two ways to read a CIDR: `parseCidr` is strict (canonical text only, throws naming the value and
 * the defect: for arguments a program passes), `parseIpv4` is lenient (leading zeros read as
 * decimal, host bits cleared, undefined when unreadable: the way cloud APIs read a value, for
 * judging what a resource will get). `cidrDefect` says what is wrong without throwing.
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

/**
 * Parses a canonical IPv4 CIDR (`a.b.c.d/p`, surrounding blanks ignored); throws naming the value
 * and what is wrong: not `a.b.c.d/p`, an octet over 255 or a prefix over 32, a leading zero, host
 * bits set (naming the network address).
 */
export function parseCidr(text: string): Ipv4Range {
    const t = text.trim();
    switch (cidrDefect(t)) {
        case undefined:
            return parseIpv4(t)!;
        case "malformed":
            throw new Error(`invalid CIDR "${text}": expected a.b.c.d/prefix, e.g. 10.40.0.0/16`);
        case "out-of-range":
            throw new Error(`invalid CIDR "${text}": octets must be 0-255 and the prefix 0-32`);
        case "leading-zero":
            throw new Error(`invalid CIDR "${text}": write it without leading zeros, e.g. 10.40.0.0/16`);
        case "host-bits":
            throw new Error(`invalid CIDR "${text}": host bits are set; the network address is ${networkOf(t)}`);
    }
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

/** Whether two CIDRs (text, read leniently) share an address; throws naming a value that is not an IPv4 CIDR. */
export function cidrsOverlap(a: string, b: string): boolean {
    const read = (c: string): Ipv4Range => {
        const r = parseIpv4(c);
        if (!r) {
            throw new Error(`not an IPv4 CIDR: ${c}`);
        }
        return r;
    };
    return overlap(read(a), read(b));
}

/** The `index`-th sub-block of prefix `newPrefix` inside `parent`; throws when out of range. */
export function subBlock(parent: Ipv4Range, newPrefix: number, index: number): Ipv4Range {
    if (newPrefix < parent.prefix || newPrefix > 32) {
        throw new Error(`cannot cut ${formatIpv4(parent)} into /${newPrefix} blocks`);
    }
    const count = 2 ** (newPrefix - parent.prefix);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`${formatIpv4(parent)} has ${count} /${newPrefix} blocks; index ${index} is out of range`);
    }
    return { base: (parent.base + index * 2 ** (32 - newPrefix)) >>> 0, prefix: newPrefix };
}

/**
 * The `index`-th subnet of prefix length `newPrefix` carved from `cidr` (text, read leniently),
 * at most a /30; throws naming the range when it cannot be carved.
 */
export function carveSubnet(cidr: string, newPrefix: number, index: number): string {
    const parent = parseIpv4(cidr);
    if (!parent) {
        throw new Error(`not an IPv4 CIDR: ${cidr}`);
    }
    if (newPrefix < parent.prefix || newPrefix > 30) {
        throw new Error(`cannot carve a /${newPrefix} out of ${cidr}`);
    }
    if (index < 0 || index >= 2 ** (newPrefix - parent.prefix)) {
        throw new Error(`${cidr} has no subnet #${index} of size /${newPrefix}`);
    }
    return formatIpv4(subBlock(parent, newPrefix, index));
}

/** The address `n` after the address written in `cidr` (the cluster DNS service IP is conventionally `.10`). */
export function nthAddress(cidr: string, n: number): string {
    const m = IPV4_CIDR.exec(cidr.trim());
    if (!m) {
        throw new Error(`not an IPv4 CIDR: ${cidr}`);
    }
    const v = (ipv4Number(m.slice(1, 5).map(Number)) + n) >>> 0;
    return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join(".");
}

/** Bits needed to number `n` things (ceil(log2 n)), 0 for n <= 1. */
export function bitsFor(n: number): number {
    let bits = 0;
    while (2 ** bits < n) {
        bits++;
    }
    return bits;
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
