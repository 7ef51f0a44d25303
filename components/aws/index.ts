/** The AWS cluster: an EKS cluster component returning the platform's ClusterTarget. */
export { EksCluster, NODE_ROLE_POLICIES, OBJECT_STORE_PREFIXES, SSD_STORAGE_CLASS } from "./eksCluster";
export { AWS_REGION, eksClusterArgProblems, PRINCIPAL_ARN, resolveEksClusterArgs, validateEksClusterArgs } from "./args";
export type { EksClusterArgs, ResolvedEksClusterArgs } from "./args";
export { IRSA_ROLE_ANNOTATION, IrsaBinder } from "./identity";
export { planSubnets } from "./subnets";
