/**
 * A stack program that builds only the EKS cluster from the stack config (what index.ts does
 * before installing the platform), for tests of config -> cluster without the platform's cost.
 */
import { EksCluster } from "../../components/aws";
import { loadStackConfig } from "../../config";

const c = loadStackConfig();
if (c.cloud !== "aws") {
    throw new Error(`test/aws/clusterProgram.ts builds an EKS cluster; stack ${c.stack} is cloud ${c.cloud}`);
}
const cluster = new EksCluster(`agents-${c.stack}`, {
    zones: c.zones,
    kubernetesVersion: c.kubernetesVersion,
    nodePools: c.nodePools,
    network: c.network,
    endpoint: c.endpoint,
    retention: c.retention,
    protectStateful: c.protectStateful,
    tags: { ...c.tags, "managed-by": "pulumi", stack: c.stack },
    region: c.region,
    adminPrincipalArns: c.aws.adminPrincipalArns,
});

export const clusterName = cluster.clusterName;
