/**
 * The kubeconfig for an EKS cluster (pure). Authentication goes through `aws eks get-token`, so the
 * file holds no credential; it is still exported as a secret because it names the private endpoint
 * and the cluster's certificate authority.
 */
import { execKubeconfig } from "../kubeconfig";

/** What a kubeconfig needs to know about the cluster. */
export interface KubeconfigInputs {
    /** EKS cluster name. */
    clusterName: string;
    /** API server URL (`https://<id>.gr7.<region>.eks.amazonaws.com`). */
    endpoint: string;
    /** Base64 PEM of the cluster certificate authority. */
    certificateAuthorityData: string;
    /** Region of the cluster (passed to `aws eks get-token`). */
    region: string;
}

/** Builds the kubeconfig object; `JSON.stringify` it (JSON is valid YAML). */
export function buildKubeconfig(k: KubeconfigInputs): Record<string, unknown> {
    return execKubeconfig({
        name: k.clusterName,
        server: k.endpoint,
        certificateAuthorityData: k.certificateAuthorityData,
        exec: { command: "aws", args: ["eks", "get-token", "--cluster-name", k.clusterName, "--region", k.region, "--output", "json"] },
    });
}
