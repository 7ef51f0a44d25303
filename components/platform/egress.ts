/**
 * The agents' internet egress (Ollama's model downloads, Jamie's and Scarlet's calls to GitHub,
 * Slack and the like): TCP 443 to the stack's destination ranges (`platform.agentEgressCidrs`,
 * default the whole IPv4 internet), never to the ranges below, which every destination that
 * contains them lists under its NetworkPolicy `ipBlock.except`. NetworkPolicies match addresses,
 * not names: to allow only named services, list their published ranges (GitHub: api.github.com/meta;
 * Slack: its published IP ranges) instead of 0.0.0.0/0. Pure functions.
 */
import { contains, formatIpv4, overlap, parseIpv4 } from "../../policy/lib/cidr";

/** Port the agents may reach on the internet (HTTPS). */
export const AGENT_EGRESS_PORT = 443;

/** Destinations when the stack names none: the whole IPv4 internet, less EGRESS_EXCLUDED. */
export const DEFAULT_AGENT_EGRESS_CIDRS = ["0.0.0.0/0"];

/** Ranges agent egress never reaches, each with why. */
export const EGRESS_EXCLUDED: readonly { cidr: string; why: string }[] = [
    {
        cidr: "169.254.0.0/16",
        why: "link-local: the cloud metadata endpoint 169.254.169.254 (AWS IMDS, GCP metadata server, Azure IMDS), EKS Pod Identity 169.254.170.23, NodeLocal DNSCache",
    },
    { cidr: "168.63.129.16/32", why: "Azure's host platform endpoint (WireServer)" },
    { cidr: "10.0.0.0/8", why: "RFC 1918 private: the cluster's VPC, pod and service ranges and other namespaces" },
    { cidr: "172.16.0.0/12", why: "RFC 1918 private" },
    { cidr: "192.168.0.0/16", why: "RFC 1918 private" },
    { cidr: "100.64.0.0/10", why: "RFC 6598 shared address space (used for pod ranges by some clusters)" },
    { cidr: "127.0.0.0/8", why: "loopback" },
    { cidr: "0.0.0.0/8", why: '"this network"' },
];

/** An ipBlock peer of a NetworkPolicy. */
export interface IpBlockPeer {
    ipBlock: { cidr: string; except?: string[] };
}

/** The ranges egress must avoid: the fixed ones plus the cluster's own (VPC, pods, services). */
export function excludedRanges(clusterCidrs: readonly string[]): { cidr: string; why: string }[] {
    return [...EGRESS_EXCLUDED, ...clusterCidrs.map((cidr) => ({ cidr, why: "the cluster's own network range" }))];
}

/**
 * Why a destination cannot be allowed (undefined when it can): it lies inside, or is, an excluded
 * range, so no address of it is on the internet. A destination containing an excluded range is
 * fine: the range goes under `except`.
 */
export function egressDestinationDefect(destination: string, clusterCidrs: readonly string[]): string | undefined {
    const d = parseIpv4(destination);
    if (!d) {
        return "not an IPv4 CIDR";
    }
    for (const x of excludedRanges(clusterCidrs)) {
        const r = parseIpv4(x.cidr);
        if (r && overlap(d, r) && !(contains(d, r) && d.prefix < r.prefix)) {
            return `it lies inside ${x.cidr} (${x.why}), which agent egress never reaches`;
        }
    }
    return undefined;
}

/** The NetworkPolicy peers: one ipBlock per destination, with every excluded range it contains under `except`. */
export function agentEgressPeers(destinations: readonly string[], clusterCidrs: readonly string[]): IpBlockPeer[] {
    const excluded = excludedRanges(clusterCidrs)
        .map((x) => parseIpv4(x.cidr))
        .filter((r): r is NonNullable<typeof r> => r !== undefined);
    return destinations.map((dest) => {
        const d = parseIpv4(dest);
        if (!d) {
            throw new Error(`agentEgressPeers: ${JSON.stringify(dest)} is not an IPv4 CIDR`);
        }
        const inside = excluded.filter((r) => contains(d, r) && d.prefix < r.prefix);
        // Drop excluded ranges nested in another excluded one (the API server accepts them, but they say nothing).
        const except = [...new Set(inside.filter((r) => !inside.some((o) => o !== r && contains(o, r) && o.prefix < r.prefix)).map(formatIpv4))];
        return { ipBlock: { cidr: formatIpv4(d), ...(except.length > 0 ? { except } : {}) } };
    });
}
