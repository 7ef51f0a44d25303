/** DigitalOcean Kubernetes (DOKS) behind the ClusterTarget contract. */
export { DoksCluster, MAINTENANCE_WINDOW } from "./doksCluster";
export { DO_REGION, doksClusterArgProblems, resolveDoksClusterArgs, validateDoksClusterArgs } from "./args";
export type { DoksClusterArgs, ResolvedDoksClusterArgs } from "./args";
export { buildDoksKubeconfig, doTags, firewallAllowedAddresses, poolArgs, versionPrefix } from "./helpers";
export type { DoksPoolArgs } from "./helpers";
export { ABORT_MULTIPART_DAYS, createSpacesStore, spacesEndpoint, spacesLifecycleRules } from "./objectStore";
export type { SpacesLifecycleRule } from "./objectStore";
export { DO_CSI_PROVISIONER, LUKS_KEY_SECRET, SSD_STORAGE_CLASS, luksParameters } from "./storage";
export { apiEndpointWarning, doksUnmetGuarantees, STATIC_CREDENTIALS_WARNING, VOLUME_KEY_WARNING } from "./guarantees";
