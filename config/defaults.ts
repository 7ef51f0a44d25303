/**
 * Defaults for every optional stack-config key, per cloud and environment. The figures come from
 * ../shared/REQUIREMENTS.md: production nodes have at least 4 vCPU, 16 GiB and 100 GB SSD, at least
 * 3 nodes over 3 zones; the dev environment is the seed's minimum viable one (2 nodes of
 * 2 vCPU / 8 GiB).
 */
import type { Cloud, Environment, NodePoolSpec, NodeRole, RetentionConfig } from "./types";

/**
 * Kubernetes minor version pinned per cloud: in standard support on 2026-11-30 with the longest
 * runway the cloud has published (dates and sources: policy/catalog/kubernetesVersions.ts). EKS
 * 1.35 until 2027-03-27 (1.34 ends 2026-12-02, 1.36 has no published EKS end date in the table);
 * GKE 1.35 until 2027-04-11; AKS 1.35 until March 2027 (1.36 until June 2027 is listed, but the
 * three clouds share one minor so a manifest validated once holds on each); existing clusters
 * 1.35 (upstream end of life 2027-02-28).
 */
export const DEFAULT_KUBERNETES_VERSION: Record<Cloud, string> = {
    aws: "1.35",
    gcp: "1.35",
    azure: "1.35",
    // DOKS: 1.36 is in DigitalOcean's supported list (@pulumi/digitalocean 4.80.1 documents 1.36.0
    // defaults) and has the longest runway on 2026-11-30: upstream patches until 2027-06-28,
    // where 1.34 ended on 2026-10-27 and 1.35 ends on 2027-02-28 (kubernetes.io/releases).
    digitalocean: "1.36",
    existing: "1.35",
};

/** Oldest minor version the platform supports (REQUIREMENTS.md: v1.25 or newer; pin supported). */
export const MIN_KUBERNETES_MINOR = 31;

type PoolDefaults = Record<NodeRole, Omit<NodePoolSpec, "role">>;

/**
 * Production pools. Per-workload budgets (Jamie 2/8/50, Scarlet 4/16/100, monitoring 4/16/200,
 * databases 2/8/100) become requests/limits; the pools hold them with headroom and never go below
 * the production node floor. Agents share a larger pool (Jamie + Scarlet + Ollama per node).
 */
const PROD_POOLS: Record<Exclude<Cloud, "existing">, PoolDefaults> = {
    aws: {
        system: { instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "m6i.2xlarge", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        data: { instanceType: "r6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        monitoring: { instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
    gcp: {
        system: { instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "n2-standard-8", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        data: { instanceType: "n2-highmem-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        monitoring: { instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
    azure: {
        system: { instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        agents: { instanceType: "Standard_D8s_v5", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 128 },
        data: { instanceType: "Standard_E4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        monitoring: { instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 256 },
    },
    // Droplet slugs; the disk is the droplet's own (policy/catalog/digitalocean.ts), not a choice.
    digitalocean: {
        system: { instanceType: "gd-4vcpu-16gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "gd-8vcpu-32gb", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 200 },
        data: { instanceType: "m-4vcpu-32gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        monitoring: { instanceType: "gd-8vcpu-32gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
};

/** Dev: the seed's minimum viable environment, one pool of two 2 vCPU / 8 GiB nodes. */
const DEV_SYSTEM: Record<Exclude<Cloud, "existing">, string> = {
    aws: "t3.large",
    gcp: "e2-standard-2",
    azure: "Standard_D2s_v5",
    digitalocean: "s-2vcpu-8gb-160gb-intel",
};

/** Default node pools for a cloud and environment; an existing cluster brings its own nodes. */
export function defaultNodePools(cloud: Cloud, environment: Environment): NodePoolSpec[] {
    if (cloud === "existing") {
        return [];
    }
    if (environment === "dev") {
        return [{ role: "system", instanceType: DEV_SYSTEM[cloud], minNodes: 2, maxNodes: 3, desiredNodes: 2, diskSizeGb: 50 }];
    }
    const pools = PROD_POOLS[cloud];
    return (Object.keys(pools) as NodeRole[]).map((role) => ({ role, ...pools[role] }));
}

/** Default per-role pool for a role named in config but not fully specified. */
export function defaultPoolFor(cloud: Cloud, environment: Environment, role: NodeRole): Omit<NodePoolSpec, "role"> | undefined {
    if (cloud === "existing") {
        return undefined;
    }
    if (environment === "dev") {
        return { instanceType: DEV_SYSTEM[cloud], minNodes: 2, maxNodes: 3, desiredNodes: 2, diskSizeGb: 50 };
    }
    return PROD_POOLS[cloud][role];
}

export const DEFAULT_RETENTION: RetentionConfig = {
    backupDays: 30,
    configBackupWeeks: 12,
    metricsDays: 30,
    logsDays: 90,
    tracesDays: 30,
    auditLogDays: 730,
    conversationDays: 365,
};

export const DEFAULT_NETWORK = {
    cidr: "10.40.0.0/16",
    podCidr: "10.244.0.0/14",
    serviceCidr: "10.96.0.0/16",
};

/**
 * Zones used when none are configured (Azure names zones 1-3 in every region; a DigitalOcean region
 * is one datacenter without availability zones, so a DOKS cluster spans none).
 */
export const DEFAULT_ZONES: Partial<Record<Cloud, string[]>> = {
    azure: ["1", "2", "3"],
    digitalocean: [],
};

/** Production floors the config validator and the sizing policies share. */
export const PROD_FLOOR = { nodes: 3, zones: 3, vcpu: 4, memoryGib: 16, diskGb: 100 };
