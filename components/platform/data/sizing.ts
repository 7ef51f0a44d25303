/**
 * Sizes of the data stores per environment (REQUIREMENTS.md: PostgreSQL 100 GB minimum, 500 GB
 * recommended; MongoDB 50 GB minimum, 200 GB recommended; the databases' budget 2 vCPU / 8 GiB per
 * pod). Production gets the recommended volumes and the full budget as the limit (half as the
 * request) with three members each. Dev is the seed's minimum viable environment, two 2 vCPU / 8 GiB
 * nodes: every store runs two data-bearing members, one per node (PostgreSQL a primary and a
 * standby; MongoDB a primary and a secondary plus the seed's lightweight arbiter, which votes and
 * holds no data, so the replica set keeps a majority of 3 votes; Redis a primary and a replica with
 * three Sentinels), with small requests: the whole dev platform requests about 2 vCPU / 7 GiB and
 * fits the two nodes (the pack's nodes-pool-enforce-workload-fit). Pure data.
 */
import type { Environment } from "../../types";
import type { Resources } from "../budgets";

/** One data store's size. */
export interface StoreSize {
    /** Members (PostgreSQL instances, MongoDB replica-set members, Redis primary + replicas). */
    members: number;
    /** Data volume per member, GiB. */
    volumeGi: number;
    /** Per-member container resources. */
    resources: Resources;
}

/** Sizes of the three stores. */
export interface DataSizes {
    postgres: StoreSize & { walVolumeGi: number };
    /** `arbiter`: MongoDB arbiters (0 or 1) and their resources. */
    mongodb: StoreSize & { arbiters: number; arbiterResources: Resources };
    redis: StoreSize & { sentinels: number };
}

const DB_PROD: Resources = { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } };
const DB_DEV: Resources = { requests: { cpu: "100m", memory: "384Mi" }, limits: { cpu: "1", memory: "2Gi" } };
/** An arbiter runs mongod without data: elections and heartbeats only. */
const ARBITER: Resources = { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } };

const PROD: DataSizes = {
    postgres: { members: 3, volumeGi: 500, walVolumeGi: 50, resources: DB_PROD },
    mongodb: { members: 3, arbiters: 0, arbiterResources: ARBITER, volumeGi: 200, resources: DB_PROD },
    redis: { members: 3, sentinels: 3, volumeGi: 20, resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "1", memory: "4Gi" } } },
};

const DEV: DataSizes = {
    postgres: { members: 2, volumeGi: 100, walVolumeGi: 10, resources: DB_DEV },
    mongodb: { members: 2, arbiters: 1, arbiterResources: ARBITER, volumeGi: 50, resources: DB_DEV },
    redis: { members: 2, sentinels: 3, volumeGi: 5, resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "1Gi" } } },
};

/** The data stores' sizes for an environment. */
export function dataSizes(environment: Environment): DataSizes {
    return environment === "prod" ? PROD : DEV;
}
