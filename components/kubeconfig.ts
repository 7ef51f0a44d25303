/**
 * The one shape of kubeconfig the cluster components generate: a single cluster, context and user
 * whose credentials come from an exec plugin (`aws eks get-token`, `gke-gcloud-auth-plugin`), so
 * the file itself holds no credential. Pure; serialise with `JSON.stringify` (JSON is valid YAML).
 */

/** Arguments of `execKubeconfig`. */
export interface ExecKubeconfigArgs {
    /** Name of the cluster, context and user entries. */
    name: string;
    /** API server URL, with scheme. */
    server: string;
    /** Base64 PEM of the cluster certificate authority. */
    certificateAuthorityData: string;
    /** The `exec` block's fields besides `apiVersion` and `interactiveMode` (command, args, hints). */
    exec: Record<string, unknown>;
}

/** Builds a kubeconfig object that authenticates through an exec credential plugin. */
export function execKubeconfig(a: ExecKubeconfigArgs): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: a.name, cluster: { server: a.server, "certificate-authority-data": a.certificateAuthorityData } }],
        contexts: [{ name: a.name, context: { cluster: a.name, user: a.name } }],
        "current-context": a.name,
        preferences: {},
        users: [{ name: a.name, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", ...a.exec, interactiveMode: "Never" } } }],
    };
}
