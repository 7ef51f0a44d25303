/**
 * The cloud-specific rules on a stack's addresses and zones, checked with the rest of the config so
 * that nothing a cloud component would refuse later reaches it (each problem names the config key).
 *
 * - Every range a cloud uses must be disjoint from every other: AWS uses `network.cidr` (nodes and,
 *   through the VPC CNI, pods) and `network.serviceCidr`; GKE and AKS use all three, and GKE also
 *   the control plane's /28 (`GKE_MASTER_CIDR`).
 * - AWS: the EKS component's own argument checks (components/aws/args.ts: VPC size for the
 *   subnet plan, the service range's EKS limits, zone names) run here on the config's values.
 * - EKS control planes cannot use some zones (`EKS_UNSUPPORTED_ZONE_IDS`); which zone name that is
 *   differs per account, so a region that has one needs at least three zones, leaving two for the
 *   control plane (the component places it only in supported zones, found at deploy time).
 * - Azure: zones are 1, 2 and 3; the node subnet is carved from the VNet (at least a /24 VNet);
 *   the cluster DNS service takes the 10th address of the service range (at least a /28).
 */
import { eksClusterArgProblems } from "../components/aws/args";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../components/aws/zones";
import { RANGE_NAMES as WHAT } from "../components/clusterArgs";
import { DEFAULT_NETWORK } from "../components/defaults";
import { DEFAULT_MASTER_CIDR as GKE_MASTER_CIDR } from "../components/gcp/args";
import type { Cloud, EndpointConfig, NetworkConfig, NodePoolSpec, RetentionConfig } from "../components/types";
import { overlap, parseIpv4 } from "../policy/lib/cidr";
import type { Reader } from "./reader";

/** Which of the three ranges each cloud uses. */
const RANGES_USED: Record<Cloud, readonly ("cidr" | "podCidr" | "serviceCidr")[]> = {
    aws: ["cidr", "serviceCidr"],
    gcp: ["cidr", "podCidr", "serviceCidr"],
    azure: ["cidr", "podCidr", "serviceCidr"],
    // DOKS: the VPC, the cluster (pod) subnet and the service subnet (components/digitalocean).
    digitalocean: ["cidr", "podCidr", "serviceCidr"],
    existing: [],
};

/** The values a cloud check needs (already parsed by config/parse.ts). */
export interface CloudNetworkInput {
    cloud: Cloud;
    region: string;
    zones: string[];
    network: NetworkConfig;
    /** Network keys the stack set itself (the rest are defaults). */
    given: ReadonlySet<string>;
    endpoint: EndpointConfig;
    nodePools: NodePoolSpec[];
    kubernetesVersion: string;
    retention: RetentionConfig;
    adminPrincipalArns: string[];
}

/** Records every address and zone problem of `input` on `r`, keyed by config key. */
export function checkCloudNetwork(r: Reader, input: CloudNetworkInput): void {
    const { cloud, network, given } = input;
    const used = RANGES_USED[cloud];
    if (cloud === "aws" && given.has("podCidr")) {
        r.fail("network.podCidr", "found a pod range, but EKS gives pods VPC addresses (VPC CNI) and never reads it; remove it");
    }
    // Pairwise disjoint, blaming a range the stack set (a default is never the one to change).
    const ranges = used.map((k) => ({ k, text: network[k], range: parseIpv4(network[k]) }));
    for (let i = 0; i < ranges.length; i++) {
        for (let j = i + 1; j < ranges.length; j++) {
            const a = ranges[i];
            const b = ranges[j];
            if (!a.range || !b.range || !overlap(a.range, b.range) || r.hasProblem(`network.${a.k}`) || r.hasProblem(`network.${b.k}`)) {
                continue;
            }
            const [blame, other] = given.has(b.k) || !given.has(a.k) ? [b, a] : [a, b];
            const otherText = `network.${other.k} (${other.text}${given.has(other.k) ? "" : ", the default"})`;
            r.fail(
                `network.${blame.k}`,
                `found ${r.show(`network.${blame.k}`, blame.text)}, which overlaps ${otherText}; ${WHAT[blame.k]} must not share addresses with ${WHAT[other.k]}, e.g. ${DEFAULT_NETWORK[blame.k]}`,
            );
        }
    }
    if (cloud === "gcp") {
        const master = parseIpv4(GKE_MASTER_CIDR)!;
        for (const x of ranges) {
            if (x.range && overlap(x.range, master) && !r.hasProblem(`network.${x.k}`)) {
                r.fail(
                    `network.${x.k}`,
                    `found ${r.show(`network.${x.k}`, x.text)}, which overlaps the GKE control plane's range ${GKE_MASTER_CIDR}; choose a range outside it`,
                );
            }
        }
        input.zones.forEach((z, i) => {
            if (input.region && !r.hasProblem(`zones[${i}]`) && !new RegExp(`^${escape(input.region)}-[a-z]$`).test(z)) {
                r.fail(`zones[${i}]`, `found ${r.show(`zones[${i}]`, z)}; must be a zone of region ${input.region}: ${input.region}-a, ${input.region}-b, ...`);
            }
        });
    }
    if (cloud === "azure") {
        input.zones.forEach((z, i) => {
            if (!["1", "2", "3"].includes(z) && !r.hasProblem(`zones[${i}]`)) {
                r.fail(`zones[${i}]`, `found ${r.show(`zones[${i}]`, z)}; Azure availability zones are named "1", "2" and "3"`);
            }
        });
        const vnet = parseIpv4(network.cidr);
        if (vnet && vnet.prefix > 24 && !r.hasProblem("network.cidr")) {
            r.fail(
                "network.cidr",
                `found ${r.show("network.cidr", network.cidr)}; the node subnet is carved from the VNet, allowed: a /24 or larger (e.g. 10.40.0.0/16)`,
            );
        }
        const svc = parseIpv4(network.serviceCidr);
        if (svc && svc.prefix > 28 && !r.hasProblem("network.serviceCidr")) {
            r.fail(
                "network.serviceCidr",
                `found ${r.show("network.serviceCidr", network.serviceCidr)}; the cluster DNS service takes its 10th address, allowed: a /28 or larger (e.g. 10.96.0.0/16)`,
            );
        }
    }
    if (cloud === "aws" && input.region) {
        const unsupported = EKS_UNSUPPORTED_ZONE_IDS[input.region];
        if (unsupported && input.zones.length > 0 && input.zones.length < 3 && !r.hasProblem("zones")) {
            r.fail(
                "zones",
                `found ${input.zones.length} zone${input.zones.length === 1 ? "" : "s"} (${r.show("zones", input.zones)}); in ${input.region} EKS cannot place a control plane in zone ${unsupported}, and which zone name that is depends on the account, so list at least 3 zones (the control plane needs 2 supported ones)`,
            );
        }
        // The component's own checks, on the values the config produced, under the config's keys.
        const problems = eksClusterArgProblems({
            region: input.region,
            zones: input.zones,
            kubernetesVersion: input.kubernetesVersion,
            // Pools are judged by parse.ts; an empty list here means they could not be read.
            nodePools:
                input.nodePools.length > 0
                    ? input.nodePools
                    : [{ role: "system", instanceType: "checked-elsewhere", minNodes: 1, maxNodes: 1, desiredNodes: 1, diskSizeGb: 20 }],
            network,
            endpoint: input.endpoint,
            retention: input.retention,
            adminPrincipalArns: input.adminPrincipalArns.length > 0 ? input.adminPrincipalArns : ["arn:aws:iam::000000000000:role/checked-elsewhere"],
        });
        for (const p of problems) {
            const key = eksKey(p.propertyPath, input.nodePools);
            const top = key.split(/[.[]/)[0];
            // Skip what the config already reported under the same key (or the whole section).
            if (!r.hasProblem(key) && !r.problems.some((x) => x.key === top)) {
                r.fail(key, p.reason);
            }
        }
    }
}

/** Maps an EksCluster argument path to the stack-config key it comes from. */
function eksKey(propertyPath: string, pools: NodePoolSpec[]): string {
    const pool = /^nodePools\[(\d+)\](.*)$/.exec(propertyPath);
    if (pool) {
        return `nodePools.${pools[Number(pool[1])]?.role ?? pool[1]}`;
    }
    if (propertyPath.startsWith("adminPrincipalArns")) {
        return `aws.${propertyPath}`;
    }
    return propertyPath;
}

function escape(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
