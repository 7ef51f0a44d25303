/**
 * The figures every cluster component falls back on when an argument is left out, per cloud and
 * environment, and that the stack-config mapper (config/) uses for keys a stack file leaves out:
 * one table, so a program using the components and a stack file get the same cluster. Pure data.
 *
 * Sources: ../shared/REQUIREMENTS.md. Production nodes have at least 4 vCPU, 16 GiB and 100 GB SSD,
 * at least 3 nodes over 3 zones (the floor itself: policy/catalog/floors.ts `PROD_FLOOR`); the
 * dev environment is the seed's minimum viable one (2 nodes of 2 vCPU / 8 GiB). Retention:
 * "Data protection and recovery".
 */
import type { Cloud, EndpointConfig, Environment, NatGatewayLayout, NetworkConfig, NodePoolSpec, NodeRole, RetentionConfig } from "./types";

/** The clouds whose components create node pools (an existing cluster brings its own nodes). */
export type ManagedCloud = Exclude<Cloud, "existing">;

/**
 * The environment a component builds for when none is given: production, the safe side (full
 * sizes; the policy pack's sizing rules are mandatory there).
 */
export const DEFAULT_ENVIRONMENT: Environment = "prod";

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
 * the production node floor. Agents share a larger pool (Jamie + Scarlet + Ollama per node). The
 * data pool has 8 vCPU / 32 GiB nodes: PostgreSQL, MongoDB and Redis request 8.55 vCPU / 31.7 GiB at
 * rest (3 members each, sidecars included), which two 4-vCPU nodes could not hold once one of the
 * three is lost (the pack's nodes-pool-enforce-workload-fit, N+1); two 8-vCPU nodes hold it.
 */
const PROD_POOLS: Record<ManagedCloud, PoolDefaults> = {
    aws: {
        system: { instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "m6i.2xlarge", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        data: { instanceType: "m6i.2xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        monitoring: { instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
    gcp: {
        system: { instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "n2-standard-8", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 100 },
        data: { instanceType: "n2-standard-8", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        monitoring: { instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
    azure: {
        system: { instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        agents: { instanceType: "Standard_D8s_v5", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 128 },
        data: { instanceType: "Standard_D8s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 128 },
        monitoring: { instanceType: "Standard_D4s_v5", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 256 },
    },
    // Droplet slugs; the disk is the droplet's own (policy/catalog/digitalocean.ts), not a choice.
    digitalocean: {
        system: { instanceType: "gd-4vcpu-16gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        agents: { instanceType: "gd-8vcpu-32gb", minNodes: 3, maxNodes: 9, desiredNodes: 3, diskSizeGb: 200 },
        data: { instanceType: "gd-8vcpu-32gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
        monitoring: { instanceType: "gd-8vcpu-32gb", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 200 },
    },
};

/** Dev: the seed's minimum viable environment, one pool of two 2 vCPU / 8 GiB nodes. */
const DEV_SYSTEM: Record<ManagedCloud, string> = {
    aws: "t3.large",
    gcp: "e2-standard-2",
    azure: "Standard_D2s_v5",
    digitalocean: "s-2vcpu-8gb-160gb-intel",
};

/** Default node pools for a cloud and environment; an existing cluster brings its own nodes (none). */
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

/** Default pool settings for one role (a role named in a stack file but not fully specified). */
export function defaultPoolFor(cloud: Cloud, environment: Environment, role: NodeRole): Omit<NodePoolSpec, "role"> | undefined {
    if (cloud === "existing") {
        return undefined;
    }
    if (environment === "dev") {
        return { instanceType: DEV_SYSTEM[cloud], minNodes: 2, maxNodes: 3, desiredNodes: 2, diskSizeGb: 50 };
    }
    return PROD_POOLS[cloud][role];
}

/**
 * Retention (REQUIREMENTS.md "Data protection and recovery"): database backups daily for 30 days,
 * configuration weekly for 12 weeks, metrics 30 days, operation logs 90 days, conversation history
 * one year, audit logs two years; traces 30 days (the seeds' Tempo sizing).
 */
export const DEFAULT_RETENTION: Readonly<RetentionConfig> = {
    backupDays: 30,
    configBackupWeeks: 12,
    metricsDays: 30,
    logsDays: 90,
    tracesDays: 30,
    auditLogDays: 730,
    conversationDays: 365,
};

/** Address ranges: a /16 VPC, a /14 pod range (Kubernetes' conventional 10.244.0.0), a /16 service range. */
export const DEFAULT_NETWORK: Readonly<Omit<NetworkConfig, "natGateways">> = {
    cidr: "10.40.0.0/16",
    podCidr: "10.244.0.0/14",
    serviceCidr: "10.96.0.0/16",
};

/** NAT layout per environment: zone-redundant in prod, one shared gateway in dev. */
export function defaultNatGateways(environment: Environment): NatGatewayLayout {
    return environment === "prod" ? "perZone" : "single";
}

/** API server access: private only (REQUIREMENTS.md: public endpoint configurable and off in prod). */
export const DEFAULT_ENDPOINT: Readonly<EndpointConfig> = { publicAccess: false, publicAccessCidrs: [] };

/**
 * Zones used when none are given, where a cloud names them the same in every region: Azure names
 * zones 1-3 everywhere; a DigitalOcean region is one datacenter without availability zones, so a
 * DOKS cluster spans none. AWS and GCP zone names differ per region (and, on AWS, per account), so
 * their zones have no default.
 */
export const DEFAULT_ZONES: Partial<Record<Cloud, readonly string[]>> = {
    azure: ["1", "2", "3"],
    digitalocean: [],
};

/** The value of `drRegion` that switches the cross-region copy off (rejected in prod by the pack). */
export const DR_OFF = "none";

/**
 * Default DR region per primary region, used in prod when `drRegion` is not set (`defaultDrRegion`).
 * - AWS has no official region pairs: each default is the nearest region in the same partition and
 *   jurisdiction (EU stays in the EU, US in the US) with S3 Cross-Region Replication.
 * - GCP: the second region of a configurable dual-region bucket, in the same continent as the first
 *   (cloud.google.com/storage/docs/locations#configurable).
 * - Azure: Azure's own region pairs ("Azure cross-region replication pairings", learn.microsoft.com,
 *   checked 2026-11); geo-zone-redundant storage (GZRS) always replicates to the pair, so on Azure
 *   `drRegion` may only name the pair.
 */
export const DR_PAIRS: Record<"aws" | "gcp" | "azure", Record<string, string>> = {
    aws: {
        "eu-west-1": "eu-central-1",
        "eu-central-1": "eu-west-1",
        "eu-west-2": "eu-west-1",
        "eu-west-3": "eu-central-1",
        "eu-north-1": "eu-central-1",
        "eu-south-1": "eu-central-1",
        "us-east-1": "us-west-2",
        "us-east-2": "us-west-2",
        "us-west-1": "us-east-2",
        "us-west-2": "us-east-1",
        "ca-central-1": "ca-west-1",
        "ap-southeast-1": "ap-southeast-2",
        "ap-southeast-2": "ap-southeast-1",
        "ap-northeast-1": "ap-northeast-3",
        "ap-south-1": "ap-south-2",
    },
    gcp: {
        "europe-west1": "europe-west4",
        "europe-west4": "europe-west1",
        "europe-west3": "europe-west4",
        "europe-west2": "europe-west1",
        "europe-north1": "europe-west4",
        "us-central1": "us-east1",
        "us-east1": "us-central1",
        "us-east4": "us-central1",
        "us-west1": "us-central1",
        "asia-northeast1": "asia-northeast2",
        "asia-southeast1": "asia-east1",
    },
    azure: {
        westeurope: "northeurope",
        northeurope: "westeurope",
        uksouth: "ukwest",
        ukwest: "uksouth",
        francecentral: "francesouth",
        germanywestcentral: "germanynorth",
        swedencentral: "swedensouth",
        switzerlandnorth: "switzerlandwest",
        norwayeast: "norwaywest",
        eastus: "westus",
        westus: "eastus",
        eastus2: "centralus",
        centralus: "eastus2",
        westus2: "westcentralus",
        westus3: "eastus",
        northcentralus: "southcentralus",
        southcentralus: "northcentralus",
        canadacentral: "canadaeast",
        japaneast: "japanwest",
        australiaeast: "australiasoutheast",
        southeastasia: "eastasia",
        centralindia: "southindia",
        koreacentral: "koreasouth",
    },
};

/**
 * The DR region a cluster component uses when its `drRegion` is left out: the pair of `region` in
 * prod (`DR_PAIRS`; undefined for a region without a pair), none in dev. `DR_OFF` ("none") given
 * explicitly switches the copy off (the policy pack rejects that in prod).
 */
export function resolveDrRegion(cloud: "aws" | "gcp" | "azure", environment: Environment, region: string, drRegion: string | undefined): string | undefined {
    if (drRegion === DR_OFF) {
        return undefined;
    }
    return drRegion ?? (environment === "prod" ? DR_PAIRS[cloud][region] : undefined);
}
