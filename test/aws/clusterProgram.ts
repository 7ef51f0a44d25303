/**
 * A stack program that builds only the EKS cluster from the stack config (what index.ts does
 * before installing the platform), for tests of config -> cluster without the platform's cost.
 */
import { EksCluster } from "../../components/aws";
import { clusterArgs, componentName, loadStackConfig } from "../../config";

const c = loadStackConfig();
if (c.cloud !== "aws") {
    throw new Error(`test/aws/clusterProgram.ts builds an EKS cluster; stack ${c.stack} is cloud ${c.cloud}`);
}
// As index.ts maps it (config/componentArgs.ts eksClusterArgs) but without the cross-region copy.
const cluster = new EksCluster(componentName(c), { ...clusterArgs(c), region: c.region, adminPrincipalArns: c.aws.adminPrincipalArns });

export const clusterName = cluster.clusterName;
