/**
 * The arguments every cloud's cluster component shares, their defaults (components/defaults.ts,
 * resolved once by `resolveClusterArgs` at the top of each constructor) and the checks every cloud
 * runs on them. Each cloud's `<name>ArgProblems` adds its own rules (components/<cloud>/args.ts).
 * Pure: no Pulumi.
 */
import { cidrDefect, networkOf, overlap, parseCidr } from "../policy/lib/cidr";
import {
    DEFAULT_ENDPOINT,
    DEFAULT_ENVIRONMENT,
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_NETWORK,
    DEFAULT_RETENTION,
    DEFAULT_ZONES,
    defaultNatGateways,
    defaultNodePools,
    ManagedCloud,
} from "./defaults";
import type { EndpointConfig, Environment, NetworkConfig, NodePoolSpec, RetentionConfig } from "./types";
import { ENVIRONMENTS, NODE_ROLES } from "./types";
import { shown } from "./validation";

/**
 * Arguments every cloud's cluster component shares. All of them are plain values (they decide how
 * many resources exist); every one has a default except where a cloud's own args make it required.
 */
export interface ClusterArgsBase {
    /**
     * `prod` or `dev`: chooses the default node pools (production sizes or the seed's two small
     * nodes) and NAT layout.
     * @default "prod"
     */
    environment?: Environment;
    /**
     * Zones to spread nodes over (at least 3 for production). Required on AWS and GCP, where zone
     * names differ per region.
     * @default Azure ["1", "2", "3"]; DigitalOcean [] (a region has no zones)
     */
    zones?: string[];
    /**
     * Kubernetes minor version, e.g. "1.35".
     * @default components/defaults.ts `DEFAULT_KUBERNETES_VERSION` for the cloud (1.35; DOKS 1.36)
     */
    kubernetesVersion?: string;
    /**
     * Node pools, one per workload role.
     * @default components/defaults.ts `defaultNodePools(cloud, environment)`: prod four pools (system, agents, data, monitoring) of 4 to 8 vCPU nodes, 3 each (REQUIREMENTS.md "Cluster": at least 4 vCPU / 16 GiB / 100 GB per node, 3 nodes over 3 zones); dev one system pool of two 2 vCPU / 8 GiB nodes (seed 000)
     */
    nodePools?: NodePoolSpec[];
    /**
     * VPC / VNet addressing and NAT layout; keys left out take their default.
     * @default { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" in prod, "single" in dev }
     */
    network?: Partial<NetworkConfig>;
    /**
     * API server access; keys left out take their default.
     * @default { publicAccess: false, publicAccessCidrs: [] }
     */
    endpoint?: Partial<EndpointConfig>;
    /**
     * Retention figures (object-store lifecycle, audit log retention); keys left out take their default.
     * @default components/defaults.ts `DEFAULT_RETENTION` (REQUIREMENTS.md "Data protection and recovery": backups 30 days, config 12 weeks, metrics 30, logs 90, audit 730, conversations 365; traces 30)
     */
    retention?: Partial<RetentionConfig>;
    /**
     * Protect stateful resources (keys, buckets, log stores) from `pulumi destroy`, and keep them in
     * the cloud if Pulumi ever deletes them.
     * @default true
     */
    protectStateful?: boolean;
    /**
     * Tags / labels for every cloud resource.
     * @default {}
     */
    tags?: Record<string, string>;
}

/** `ClusterArgsBase` with every default filled in (the stack program's `StackConfig` carries the same fields). */
export interface ResolvedClusterArgs {
    environment: Environment;
    /** Zones the cluster spans. */
    zones: string[];
    /** Kubernetes minor version, e.g. `1.35`. */
    kubernetesVersion: string;
    nodePools: NodePoolSpec[];
    network: NetworkConfig;
    endpoint: EndpointConfig;
    retention: RetentionConfig;
    /** Protect stateful resources (keys, buckets, volumes) from `pulumi destroy`. */
    protectStateful: boolean;
    /** Tags / labels put on every cloud resource. */
    tags: Record<string, string>;
}

/** `o` without its undefined properties (so `{ cidr: undefined }` keeps the default). */
export function definedOnly<T extends object>(o: T | undefined): Partial<T> {
    return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Fills in every default of the shared arguments for `cloud` (components/defaults.ts). */
export function resolveClusterArgs(cloud: ManagedCloud, args: ClusterArgsBase): ResolvedClusterArgs {
    const environment = args.environment ?? DEFAULT_ENVIRONMENT;
    return {
        environment,
        zones: [...(args.zones ?? DEFAULT_ZONES[cloud] ?? [])],
        kubernetesVersion: args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION[cloud],
        nodePools: args.nodePools ?? defaultNodePools(cloud, environment),
        network: { ...DEFAULT_NETWORK, natGateways: defaultNatGateways(environment), ...definedOnly(args.network) },
        endpoint: { ...DEFAULT_ENDPOINT, publicAccessCidrs: [...DEFAULT_ENDPOINT.publicAccessCidrs], ...definedOnly(args.endpoint) },
        retention: { ...DEFAULT_RETENTION, ...definedOnly(args.retention) },
        protectStateful: args.protectStateful ?? true,
        tags: args.tags ?? {},
    };
}

type Fail = (propertyPath: string, reason: string) => void;

const K8S_MINOR = /^1\.\d{2}$/;

/** `environment`: one of ENVIRONMENTS. */
export function environmentProblem(environment: Environment, fail: Fail): void {
    if (!ENVIRONMENTS.includes(environment)) {
        fail("environment", `found ${shown(environment)}; allowed: ${ENVIRONMENTS.join(", ")}`);
    }
}

/** `environment` and `kubernetesVersion`. */
export function environmentProblems(a: Pick<ResolvedClusterArgs, "environment" | "kubernetesVersion">, fail: Fail): void {
    environmentProblem(a.environment, fail);
    if (typeof a.kubernetesVersion !== "string" || !K8S_MINOR.test(a.kubernetesVersion)) {
        fail("kubernetesVersion", `found ${shown(a.kubernetesVersion)}; must be a Kubernetes minor version such as "1.35"`);
    }
}

/** Zones listed twice. */
export function duplicateZoneProblems(zones: readonly string[], fail: Fail): void {
    if (new Set(zones).size !== zones.length) {
        fail("zones", `found duplicates in [${zones.join(", ")}]; each zone once`);
    }
}

/**
 * The node pools: at least one (`noneReason` says why), each role known and once, counts whole
 * numbers with 0 <= min <= desired <= max and max >= 1, a machine type, a disk of a whole number
 * of GB.
 */
export function nodePoolProblems(pools: readonly NodePoolSpec[], fail: Fail, noneReason: string): void {
    if (!Array.isArray(pools) || pools.length === 0) {
        fail("nodePools", `found ${Array.isArray(pools) ? "none" : shown(pools)}; ${noneReason}`);
        return;
    }
    const roles = new Set<string>();
    pools.forEach((p, i) => {
        const at = `nodePools[${i}]`;
        if (!NODE_ROLES.includes(p.role)) {
            fail(`${at}.role`, `found ${shown(p.role)}; allowed: ${NODE_ROLES.join(", ")}`);
        } else if (roles.has(p.role)) {
            fail(`${at}.role`, `found "${p.role}" twice; one pool per role`);
        }
        roles.add(p.role);
        if (typeof p.instanceType !== "string" || p.instanceType === "") {
            fail(
                `${at}.instanceType`,
                `found ${shown(p.instanceType)}; must be the cloud's machine type, e.g. m6i.xlarge, e2-standard-4, Standard_D4s_v5, gd-4vcpu-16gb`,
            );
        }
        const counts = [p.minNodes, p.desiredNodes, p.maxNodes];
        if (!counts.every((n) => Number.isInteger(n))) {
            fail(at, `found min ${p.minNodes}, desired ${p.desiredNodes}, max ${p.maxNodes}; node counts are whole numbers`);
        } else if (!(p.minNodes >= 0 && p.minNodes <= p.desiredNodes && p.desiredNodes <= p.maxNodes && p.maxNodes >= 1)) {
            fail(at, `found min ${p.minNodes}, desired ${p.desiredNodes}, max ${p.maxNodes}; need 0 <= min <= desired <= max and max >= 1`);
        }
        if (!Number.isInteger(p.diskSizeGb) || p.diskSizeGb < 1) {
            fail(`${at}.diskSizeGb`, `found ${shown(p.diskSizeGb)}; must be a whole number of GB, at least 1`);
        }
    });
}

/** Why `value` is not a canonical IPv4 CIDR (undefined when it is one). */
export function cidrReason(value: unknown): string | undefined {
    if (typeof value !== "string") {
        return `found ${shown(value)}; must be an IPv4 CIDR such as 10.40.0.0/16`;
    }
    switch (cidrDefect(value)) {
        case undefined:
            return undefined;
        case "host-bits":
            return `found "${value}"; host bits are set, the network address is ${networkOf(value)}`;
        case "leading-zero":
            return `found "${value}"; write the CIDR without leading zeros, e.g. 10.40.0.0/16`;
        default:
            return `found "${value}"; must be an IPv4 CIDR such as 10.40.0.0/16`;
    }
}

/** What each of the three ranges is, for messages. */
export const RANGE_NAMES: Record<"cidr" | "podCidr" | "serviceCidr", string> = {
    cidr: "the VPC/VNet",
    podCidr: "the pod range",
    serviceCidr: "the service range",
};

/**
 * The network: `natGateways` one of its layouts; each of the ranges the cloud uses (`ranges`) a
 * canonical IPv4 CIDR, and no two of them sharing an address.
 */
export function networkProblems(network: NetworkConfig, fail: Fail, ranges: readonly ("cidr" | "podCidr" | "serviceCidr")[]): void {
    if (network.natGateways !== "perZone" && network.natGateways !== "single") {
        fail("network.natGateways", `found ${shown(network.natGateways)}; allowed: perZone, single`);
    }
    const parsed: { key: (typeof ranges)[number]; text: string }[] = [];
    for (const key of ranges) {
        const why = cidrReason(network[key]);
        if (why) {
            fail(`network.${key}`, why);
        } else {
            parsed.push({ key, text: network[key] });
        }
    }
    for (let i = 0; i < parsed.length; i++) {
        for (let j = i + 1; j < parsed.length; j++) {
            const [a, b] = [parsed[i], parsed[j]];
            if (overlap(parseCidr(a.text), parseCidr(b.text))) {
                fail(
                    `network.${b.key}`,
                    `found "${b.text}", which overlaps network.${a.key} (${a.text}); ${RANGE_NAMES[b.key]} must not share addresses with ${RANGE_NAMES[a.key]}`,
                );
            }
        }
    }
}

/** The endpoint: a public one only to named CIDRs, never the whole internet. */
export function endpointProblems(endpoint: EndpointConfig, fail: Fail): void {
    if (typeof endpoint.publicAccess !== "boolean") {
        fail("endpoint.publicAccess", `found ${shown(endpoint.publicAccess)}; must be true or false`);
    }
    const cidrs = Array.isArray(endpoint.publicAccessCidrs) ? endpoint.publicAccessCidrs : [];
    if (!Array.isArray(endpoint.publicAccessCidrs)) {
        fail("endpoint.publicAccessCidrs", `found ${shown(endpoint.publicAccessCidrs)}; must be a list of IPv4 CIDRs`);
    }
    if (endpoint.publicAccess === true && cidrs.length === 0) {
        fail("endpoint.publicAccessCidrs", "found none; a public endpoint must be restricted to named CIDRs");
    }
    if (cidrs.includes("0.0.0.0/0")) {
        fail("endpoint.publicAccessCidrs", 'found "0.0.0.0/0"; the whole internet is not allowed');
    }
    cidrs.forEach((c, i) => {
        const why = c === "0.0.0.0/0" ? undefined : cidrReason(c);
        if (why) {
            fail(`endpoint.publicAccessCidrs[${i}]`, why);
        }
    });
}

/** Longest retention any figure may have, days (ten years). */
export const MAX_RETENTION = 3650;

/** Retention figures: whole numbers from 1 to `MAX_RETENTION`. */
export function retentionProblems(retention: RetentionConfig, fail: Fail): void {
    for (const k of Object.keys(DEFAULT_RETENTION) as (keyof RetentionConfig)[]) {
        const v = retention[k];
        if (!Number.isInteger(v) || v < 1 || v > MAX_RETENTION) {
            fail(`retention.${k}`, `found ${shown(v)}; must be a whole number from 1 to ${MAX_RETENTION}`);
        }
    }
}

/** Tags: string values. */
export function tagProblems(tags: Record<string, string>, fail: Fail): void {
    for (const [k, v] of Object.entries(tags ?? {})) {
        if (typeof v !== "string") {
            fail(`tags.${k}`, `found ${shown(v)}; tag values are strings`);
        }
    }
}
