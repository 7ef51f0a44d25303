/** AKS behind the ClusterTarget contract. */
export { AksCluster, AKS_SSD_STORAGE_CLASS, AUDIT_LOG_CATEGORIES, BACKUP_CONTAINER } from "./aksCluster";
export type { AksClusterArgs, AksMaintenanceWindow } from "./aksCluster";
export { AksWorkloadIdentityBinder, AZURE_CLIENT_ID_ANNOTATION, AZURE_USE_LABEL } from "./workloadIdentity";
