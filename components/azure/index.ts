/** AKS behind the ClusterTarget contract. */
export { AksCluster, AKS_SSD_STORAGE_CLASS, AUDIT_LOG_CATEGORIES, BACKUP_CONTAINER } from "./aksCluster";
export {
    aksClusterArgProblems,
    AKS_TIERS,
    AZURE_REGION,
    AZURE_ZONES,
    DEFAULT_MAINTENANCE_WINDOW,
    ENTRA_OBJECT_ID,
    KUBELOGIN_MODES,
    resolveAksClusterArgs,
    UPGRADE_CHANNELS,
    validateAksClusterArgs,
} from "./args";
export type { AksClusterArgs, AksMaintenanceWindow, KubeloginMode, ResolvedAksClusterArgs } from "./args";
export { AksWorkloadIdentityBinder, AZURE_CLIENT_ID_ANNOTATION, AZURE_USE_LABEL } from "./workloadIdentity";
