/**
 * Any conformant cluster (kind, k3d, minikube, on-premises, another team's managed cluster)
 * behind the `ClusterTarget` contract. Reached by kubeconfig, given as a secret config value or as
 * a file path plus context; creates no cloud resources. Its object store is an S3-compatible
 * endpoint with static credentials, or none, in which case the target says so in `warnings`
 * (backups disabled), never silently.
 *
 * What the platform cannot see on such a cluster (node sizes, etcd encryption, audit logging,
 * whether the named StorageClass really encrypts) stays the cluster operator's duty; `warnings`
 * says that too, so the preview report shows it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget, NODE_ROLE_LABEL, ObjectStore, WorkloadIdentity, WorkloadIdentityBinder } from "../contract";
import { EXISTING_DEFAULT_MAX_NODES, ExistingClusterArgs, validateExistingClusterArgs } from "./args";

export type { ExistingClusterArgs };

/** Warning shown when the stack names no object store. */
export const NO_OBJECT_STORE_WARNING =
    "no object store (existing.objectStore is not set): database backups, configuration backups and log/trace object storage are DISABLED; set an S3-compatible endpoint to enable them";

/** Warning every existing cluster carries: what the platform cannot verify there. */
export const OPERATOR_DUTIES_WARNING =
    "existing cluster: node sizes and zones, etcd secrets encryption with a customer-managed key, control-plane audit logging and the encryption of the named StorageClass are the cluster operator's responsibility; the platform cannot check them";

/** Expands a leading `~` and resolves a kubeconfig path against the working directory. */
export function resolveKubeconfigPath(p: string, home: string = os.homedir()): string {
    const expanded = p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p;
    return path.resolve(expanded);
}

/**
 * Workloads on an existing cluster get no cloud identity: object-store access uses the store's
 * static credentials, so no binding gets an object-store key of its own (asking throws).
 */
export class StaticCredentialsBinder implements WorkloadIdentityBinder {
    bind(name: string, args: Parameters<WorkloadIdentityBinder["bind"]>[1]): WorkloadIdentity {
        if (args.objectStoreKey === true) {
            throw new Error(
                `${name}: an object-store key was asked for, but this cluster's store has static credentials (target.objectStore.staticCredentials): use those`,
            );
        }
        if (args.secretManagerAccess === "read") {
            throw new Error(`${name}: secretManagerAccess read asked for, but this cluster has no secret manager (target.secretManager is not set)`);
        }
        return { serviceAccountAnnotations: pulumi.output<Record<string, string>>({}), podLabels: {} };
    }
}

/** An existing cluster reached by kubeconfig; `target` is what the platform layer uses. */
export class ExistingCluster extends pulumi.ComponentResource {
    /** The cluster as the platform layer sees it. */
    public readonly target: ClusterTarget;
    /** The kubeconfig (secret; empty when the file named by `kubeconfigPath` is not readable here). */
    public readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:existing:ExistingCluster", name, {}, opts);
        validateExistingClusterArgs(args);
        const warnings: string[] = [OPERATOR_DUTIES_WARNING];

        let kubeconfig: pulumi.Output<string>;
        let providerKubeconfig: pulumi.Input<string>;
        if (args.kubeconfig !== undefined) {
            kubeconfig = pulumi.secret(args.kubeconfig);
            providerKubeconfig = kubeconfig;
        } else {
            const file = resolveKubeconfigPath(args.kubeconfigPath!);
            providerKubeconfig = file;
            let text = "";
            try {
                text = fs.readFileSync(file, "utf8");
            } catch {
                warnings.push(`kubeconfig file ${file} is not readable here: the exported kubeconfig is empty and a real run cannot reach the cluster`);
            }
            kubeconfig = pulumi.secret(text);
        }
        if (args.renderYamlToDirectory) {
            warnings.push(`manifests are written to ${args.renderYamlToDirectory} instead of being applied (renderYamlToDirectory); no cluster is contacted`);
        }

        const provider = new Provider(
            `${name}-k8s`,
            {
                // The provider rejects kubeconfig and context beside renderYamlToDirectory (found by npm run e2e).
                kubeconfig: args.renderYamlToDirectory ? undefined : providerKubeconfig,
                context: args.renderYamlToDirectory ? undefined : args.context,
                renderYamlToDirectory: args.renderYamlToDirectory,
                enableServerSideApply: args.renderYamlToDirectory ? undefined : true,
            },
            { parent: this },
        );

        let objectStore: ObjectStore | undefined;
        if (args.objectStore) {
            const s = args.objectStore;
            const bucket = pulumi.output(s.bucket);
            objectStore = {
                kind: "s3Compatible",
                bucket,
                region: s.region,
                endpoint: s.endpoint,
                staticCredentials: { accessKeyId: pulumi.secret(s.accessKeyId), secretAccessKey: pulumi.secret(s.secretAccessKey) },
                url: (prefix: string) => pulumi.interpolate`s3://${bucket}/${prefix}`,
            };
        } else {
            warnings.push(NO_OBJECT_STORE_WARNING);
        }

        this.kubeconfig = kubeconfig;
        this.target = {
            cloud: "existing",
            clusterName: pulumi.output(args.context ?? name),
            provider,
            kubeconfig,
            zones: [...args.zones],
            ssdStorageClass: pulumi.output(args.storageClass),
            objectStore,
            workloadIdentity: new StaticCredentialsBinder(),
            nodeRoleLabel: NODE_ROLE_LABEL,
            maxNodes: args.maxNodes ?? EXISTING_DEFAULT_MAX_NODES,
            readyResources: [],
            warnings,
        };
        this.registerOutputs({ kubeconfig, clusterName: this.target.clusterName });
    }
}
