/**
 * The VPC's subnet plan (pure, no Pulumi; the CIDR arithmetic is policy/lib/cidr.ts, the project's
 * one CIDR module). `planSubnets` carves a VPC range into one private and one public subnet per zone:
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
import { bitsFor, formatIpv4, parseCidr, subBlock } from "../../policy/lib/cidr";

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
        privateCidrs.push(formatIpv4(subBlock(vpc, privatePrefix, i)));
        publicCidrs.push(formatIpv4(subBlock(spare, publicPrefix, i)));
    }
    return { privateCidrs, publicCidrs };
}
