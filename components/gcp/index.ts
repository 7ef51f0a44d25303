/** GKE behind the ClusterTarget contract. */
export { GkeCluster, GKE_SSD_STORAGE_CLASS } from "./gkeCluster";
export type { GkeClusterArgs, GkeMaintenanceWindow } from "./gkeCluster";
export { GkeWorkloadIdentityBinder, GKE_SA_ANNOTATION } from "./workloadIdentity";
