/** The AWS cluster: an EKS cluster component returning the platform's ClusterTarget. */
export type { EksClusterArgs } from "./eksCluster";
export { EksCluster, NODE_ROLE_POLICIES, OBJECT_STORE_PREFIXES, SSD_STORAGE_CLASS } from "./eksCluster";
export { IRSA_ROLE_ANNOTATION, IrsaBinder } from "./identity";
export { planSubnets } from "./cidr";
