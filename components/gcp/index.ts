/** GKE behind the ClusterTarget contract. */
export { GkeCluster, GKE_SSD_STORAGE_CLASS } from "./gkeCluster";
export {
    BOOT_DISK_TYPES,
    DEFAULT_KEY_ROTATION_PERIOD,
    DEFAULT_MAINTENANCE_WINDOW,
    DEFAULT_MASTER_CIDR,
    GCP_PROJECT,
    GCP_REGION,
    gkeClusterArgProblems,
    RELEASE_CHANNELS,
    resolveGkeClusterArgs,
    validateGkeClusterArgs,
} from "./args";
export type { GkeClusterArgs, GkeMaintenanceWindow, ResolvedGkeClusterArgs } from "./args";
export { gcsMultiRegion, GCS_KMS_LOCATION } from "./helpers";
export { GkeWorkloadIdentityBinder, GKE_SA_ANNOTATION } from "./workloadIdentity";
