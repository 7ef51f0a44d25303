/**
 * IPv4 CIDR arithmetic for the VPC layout (pure functions, no Pulumi). `planSubnets` carves a VPC
 * range into one private and one public subnet per zone:
 *
 * - the VPC is cut into the smallest power-of-two number of equal blocks that holds one block per
 *   zone plus one spare; each zone's private subnet is one whole block (the VPC CNI gives every pod
 *   a VPC address, so private subnets get the lion's share);
 * - the spare (last) block is cut again into one public subnet per zone (load balancers and NAT
 *   gateways only need a few addresses).
 *
 * A 10.40.0.0/16 over three zones gives private 10.40.0.0/18, 10.40.64.0/18, 10.40.128.0/18 and
 * public 10.40.192.0/20, 10.40.208.0/20, 10.40.224.0/20.
 */

/** A parsed IPv4 CIDR: network address as an unsigned 32-bit number and prefix length. */
export interface Cidr {
    /** Network address (host bits zero), 0 .. 2^32-1. */
    base: number;
    /** Prefix length, 0 .. 32. */
    prefix: number;
}

/** The subnets of one VPC, index i belonging to zone i. */
export interface SubnetPlan {
    /** Private subnets (nodes, pods, control-plane network interfaces), one per zone. */
    privateCidrs: string[];
    /** Public subnets (internet-facing load balancers, NAT gateways), one per zone. */
    publicCidrs: string[];
}

/** AWS allows VPCs and subnets from /16 down to /28. */
export const AWS_MIN_PREFIX = 16;
export const AWS_MAX_SUBNET_PREFIX = 28;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/p`; throws naming the value when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr {
    const m = CIDR.exec(text.trim());
    if (!m) {
        throw new Error(`invalid CIDR "${text}": expected a.b.c.d/prefix, e.g. 10.40.0.0/16`);
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        throw new Error(`invalid CIDR "${text}": octets must be 0-255 and the prefix 0-32`);
    }
    const base = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    if ((base & hostMask(prefix)) >>> 0 !== 0) {
        throw new Error(`invalid CIDR "${text}": host bits are set; the network address is ${formatCidr({ base: (base & ~hostMask(prefix)) >>> 0, prefix })}`);
    }
    return { base, prefix };
}

/** Formats a parsed CIDR back to `a.b.c.d/p`. */
export function formatCidr(c: Cidr): string {
    const b = c.base >>> 0;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function hostMask(prefix: number): number {
    return prefix >= 32 ? 0 : (2 ** (32 - prefix) - 1) >>> 0;
}

/** The number of addresses in a CIDR block. */
export function blockSize(c: Cidr): number {
    return 2 ** (32 - c.prefix);
}

/** The `index`-th sub-block of prefix `newPrefix` inside `parent`; throws when out of range. */
export function subBlock(parent: Cidr, newPrefix: number, index: number): Cidr {
    if (newPrefix < parent.prefix || newPrefix > 32) {
        throw new Error(`cannot cut ${formatCidr(parent)} into /${newPrefix} blocks`);
    }
    const count = 2 ** (newPrefix - parent.prefix);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`${formatCidr(parent)} has ${count} /${newPrefix} blocks; index ${index} is out of range`);
    }
    return { base: (parent.base + index * 2 ** (32 - newPrefix)) >>> 0, prefix: newPrefix };
}

/** Bits needed to number `n` things (ceil(log2 n)), 0 for n <= 1. */
export function bitsFor(n: number): number {
    let bits = 0;
    while (2 ** bits < n) {
        bits++;
    }
    return bits;
}

/** Whether two CIDR blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + blockSize(b) && b.base < a.base + blockSize(a);
}

/**
 * Plans one private and one public subnet per zone inside `vpcCidr` (see the module comment).
 * Throws when the zone count is not positive or the VPC is too small for AWS's /28 minimum.
 */
export function planSubnets(vpcCidr: string, zoneCount: number): SubnetPlan {
    if (!Number.isInteger(zoneCount) || zoneCount < 1) {
        throw new Error(`cannot plan subnets for ${zoneCount} zones; need at least 1`);
    }
    const vpc = parseCidr(vpcCidr);
    if (vpc.prefix < AWS_MIN_PREFIX) {
        throw new Error(`VPC ${vpcCidr} is larger than AWS allows: a VPC is /${AWS_MIN_PREFIX} to /${AWS_MAX_SUBNET_PREFIX}`);
    }
    const privatePrefix = vpc.prefix + bitsFor(zoneCount + 1);
    const publicPrefix = privatePrefix + bitsFor(zoneCount);
    if (publicPrefix > AWS_MAX_SUBNET_PREFIX) {
        throw new Error(
            `VPC ${vpcCidr} is too small for ${zoneCount} zones: public subnets would be /${publicPrefix}, AWS allows at most /${AWS_MAX_SUBNET_PREFIX}; use a /${vpc.prefix - (publicPrefix - AWS_MAX_SUBNET_PREFIX)} or larger`,
        );
    }
    const blocks = 2 ** (privatePrefix - vpc.prefix);
    const spare = subBlock(vpc, privatePrefix, blocks - 1);
    const privateCidrs: string[] = [];
    const publicCidrs: string[] = [];
    for (let i = 0; i < zoneCount; i++) {
        privateCidrs.push(formatCidr(subBlock(vpc, privatePrefix, i)));
        publicCidrs.push(formatCidr(subBlock(spare, publicPrefix, i)));
    }
    return { privateCidrs, publicCidrs };
}
