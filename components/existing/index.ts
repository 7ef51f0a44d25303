/** Any conformant cluster, reached by kubeconfig, behind the ClusterTarget contract. */
export { ExistingCluster, NO_OBJECT_STORE_WARNING, OPERATOR_DUTIES_WARNING, StaticCredentialsBinder, resolveKubeconfigPath } from "./existingCluster";
export { DNS_SUBDOMAIN, EXISTING_DEFAULT_MAX_NODES, EXISTING_MAX_NODES_LIMIT, existingClusterArgProblems, validateExistingClusterArgs } from "./args";
export type { ExistingClusterArgs, S3CompatibleStore } from "./args";
