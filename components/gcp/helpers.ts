/**
 * Pure helpers for the GKE component: node-pool autoscaler bounds per zone, GCP label and
 * service-account naming rules, the kubeconfig, the service-agent addresses and the GCS
 * multi-regions of a dual-region bucket. No Pulumi calls.
 */
import { createHash } from "crypto";
import type { NodePoolSpec } from "../types";
import { execKubeconfig } from "../kubeconfig";

/** Per-zone autoscaler bounds of a GKE node pool (GKE counts `minNodeCount`/`maxNodeCount` per zone). */
export interface PerZoneCounts {
    /** Initial nodes per zone. */
    initialNodeCount: number;
    /** Autoscaler minimum per zone. */
    minNodeCount: number;
    /** Autoscaler maximum per zone. */
    maxNodeCount: number;
}

/**
 * Turns a pool's whole-cluster figures into GKE's per-zone counts, rounding up so that the total
 * over `zoneCount` zones is never below the pool's minimum (3 zones x 1 >= 3; 4 over 3 zones -> 2 per zone).
 */
export function perZoneCounts(pool: NodePoolSpec, zoneCount: number): PerZoneCounts {
    if (!Number.isInteger(zoneCount) || zoneCount < 1) {
        throw new Error(`zoneCount must be a positive integer, found ${zoneCount}`);
    }
    const per = (n: number): number => Math.max(1, Math.ceil(n / zoneCount));
    const minNodeCount = per(pool.minNodes);
    const maxNodeCount = Math.max(minNodeCount, per(pool.maxNodes));
    const initialNodeCount = Math.min(Math.max(per(pool.desiredNodes), minNodeCount), maxNodeCount);
    return { initialNodeCount, minNodeCount, maxNodeCount };
}

/**
 * GCP labels from free-form tags: keys and values lower-case, only letters, digits, `_` and `-`,
 * at most 63 characters; keys start with a letter.
 */
export function gcpLabels(tags: Record<string, string>): Record<string, string> {
    const clean = (s: string): string =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9_-]/g, "_")
            .slice(0, 63);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(tags)) {
        let key = clean(k);
        if (!/^[a-z]/.test(key)) {
            key = `k${key}`.slice(0, 63);
        }
        out[key] = clean(v);
    }
    return out;
}

/** A short stable hash for names that must be unique but deterministic. */
export function shortHash(...parts: string[]): string {
    return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 6);
}

/**
 * A service-account ID (6-30 characters, `[a-z][a-z0-9-]*[a-z0-9]`) from a resource name: the name
 * itself when it fits, else its head plus a hash of the whole so two long names never collide.
 */
export function serviceAccountId(name: string): string {
    let base = name
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-+/g, "-")
        .replace(/^[^a-z]+/, "");
    if (base.length === 0) {
        base = "sa";
    }
    if (base.length <= 30 && base.length >= 6 && /[a-z0-9]$/.test(base)) {
        return base;
    }
    const hash = shortHash(name);
    const head = base.slice(0, 30 - hash.length - 1).replace(/-+$/, "");
    return `${head}-${hash}`.padEnd(6, "0");
}

/** The Kubernetes Engine service agent of a project (needs the secrets key for etcd encryption). */
export function gkeServiceAgent(projectNumber: string): string {
    return `service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

/** The Compute Engine service agent of a project (needs the disk key for CMEK boot and data disks). */
export function computeServiceAgent(projectNumber: string): string {
    return `service-${projectNumber}@compute-system.iam.gserviceaccount.com`;
}

/** The Workload Identity member for a Kubernetes ServiceAccount. */
export function workloadIdentityMember(project: string, namespace: string, serviceAccount: string): string {
    return `serviceAccount:${project}.svc.id.goog[${namespace}/${serviceAccount}]`;
}

/** What a GKE kubeconfig needs. */
export interface GkeKubeconfigInputs {
    /** Context name (project_region_cluster, as gcloud names it). */
    contextName: string;
    /** API server address (IP or host, without scheme). */
    endpoint: string;
    /** Base64 PEM of the cluster CA (`masterAuth.clusterCaCertificate`). */
    caCertificate: string;
}

/**
 * A kubeconfig that authenticates through `gke-gcloud-auth-plugin` (the client's Application Default
 * Credentials): the file holds no credential of its own. Serialise with `JSON.stringify` (JSON is YAML).
 */
export function buildGkeKubeconfig(k: GkeKubeconfigInputs): Record<string, unknown> {
    return execKubeconfig({
        name: k.contextName,
        server: `https://${k.endpoint}`,
        certificateAuthorityData: k.caCertificate,
        exec: {
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
            provideClusterInfo: true,
        },
    });
}

/** Cloud KMS location of each GCS multi-region (a dual-region bucket's key lives there). */
export const GCS_KMS_LOCATION = { EU: "europe", US: "us", ASIA: "asia" } as const;

/**
 * The GCS multi-region a configurable dual-region belongs to (`EU`, `US`, `ASIA`), from a region
 * name; undefined for regions outside the three continents that offer configurable dual-regions
 * (cloud.google.com/storage/docs/locations#configurable).
 */
export function gcsMultiRegion(region: string): keyof typeof GCS_KMS_LOCATION | undefined {
    if (region.startsWith("europe-")) {
        return "EU";
    }
    if (region.startsWith("us-")) {
        return "US";
    }
    if (region.startsWith("asia-")) {
        return "ASIA";
    }
    return undefined;
}
