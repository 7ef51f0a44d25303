/** Shared arguments for the GKE tests. */
import type { GkeClusterArgs } from "../../components/gcp";
import { defaultNodePools, DEFAULT_RETENTION, DR_OFF } from "../../components/defaults";

export const PROJECT = "acme-agents-prod";
export const REGION = "europe-west4";
export const ZONES = ["europe-west4-a", "europe-west4-b", "europe-west4-c"];

/** Production arguments, as index.ts builds them for gcp-prod (fresh copy each call). */
export function prodArgs(): GkeClusterArgs {
    return {
        project: PROJECT,
        region: REGION,
        zones: [...ZONES],
        kubernetesVersion: "1.33",
        nodePools: defaultNodePools("gcp", "prod"),
        network: { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
        endpoint: { publicAccess: false, publicAccessCidrs: [] },
        retention: { ...DEFAULT_RETENTION },
        protectStateful: true,
        tags: { environment: "prod", "managed-by": "pulumi", Owner: "Platform Team" },
        // No cross-region copy here (it has its own tests: test/recovery/crossRegion.spec.ts).
        drRegion: DR_OFF,
    };
}
