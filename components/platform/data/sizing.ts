/**
 * Sizes of the data stores per environment (REQUIREMENTS.md: PostgreSQL 100 GB minimum, 500 GB
 * recommended; MongoDB 50 GB minimum, 200 GB recommended; the databases' budget 2 vCPU / 8 GiB per
 * pod). Production gets the recommended volumes and the full budget as the limit (half as the
 * request); dev gets the minimum volumes and small requests so it fits two small nodes. Member
 * counts stay at three in both: HA is what is being tested in dev too. Pure data.
 */
import type { Environment } from "../../../config/types";
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
    mongodb: StoreSize;
    redis: StoreSize & { sentinels: number };
}

const DB_PROD: Resources = { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } };
const DB_DEV: Resources = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } };

const PROD: DataSizes = {
    postgres: { members: 3, volumeGi: 500, walVolumeGi: 50, resources: DB_PROD },
    mongodb: { members: 3, volumeGi: 200, resources: DB_PROD },
    redis: { members: 3, sentinels: 3, volumeGi: 20, resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "1", memory: "4Gi" } } },
};

const DEV: DataSizes = {
    postgres: { members: 3, volumeGi: 100, walVolumeGi: 10, resources: DB_DEV },
    mongodb: { members: 3, volumeGi: 50, resources: DB_DEV },
    redis: { members: 3, sentinels: 3, volumeGi: 5, resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "1Gi" } } },
};

/** The data stores' sizes for an environment. */
export function dataSizes(environment: Environment): DataSizes {
    return environment === "prod" ? PROD : DEV;
}
