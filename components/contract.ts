/**
 * The cluster contract: everything the platform layer may know about a cluster, whatever cloud it
 * runs on. Each cluster component (components/aws, gcp, azure, digitalocean, existing) builds one; the platform
 * component (components/platform) takes one and never branches on the cloud except through what
 * this interface says.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "./types";

/** The kinds of object store a cluster can offer for backups, logs and traces. */
export type ObjectStoreKind = "s3" | "gcs" | "azureBlob" | "s3Compatible";

/**
 * A bucket (or container) for backups, logs and traces, encrypted at rest and not public.
 * Workloads reach it through their cloud identity (`WorkloadIdentityBinder`) or, for an
 * S3-compatible store on an existing cluster, through `staticCredentials`.
 */
export interface ObjectStore {
    kind: ObjectStoreKind;
    /** Bucket name (S3, GCS, S3-compatible) or blob container name (Azure). */
    bucket: pulumi.Output<string>;
    /** Region of the bucket (S3 and S3-compatible). */
    region?: pulumi.Input<string>;
    /** HTTPS endpoint (S3-compatible stores). */
    endpoint?: pulumi.Input<string>;
    /** Storage account name (Azure). */
    storageAccount?: pulumi.Output<string>;
    /** Static credentials (S3-compatible stores only); secret outputs. */
    staticCredentials?: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> };
    /**
     * A URL-style destination for a component's data, e.g. `s3://bucket/postgres`,
     * `gs://bucket/postgres`, `https://account.blob.core.windows.net/container/postgres`.
     */
    url(prefix: string): pulumi.Output<string>;
}

/**
 * A long-lived key to the cluster's object store, for a tool that cannot act as a workload
 * identity on that cloud (Percona Backup for MongoDB 2.12: GCS only with a service-account key or
 * HMAC keys, Azure Blob only with the account's shared key). The key itself is a secret output.
 * - `gcsServiceAccountKey`: a key of the binding's own Google service account (its e-mail and the
 *   PEM `private_key` of its credentials file), so it reaches exactly what the binding was granted;
 * - `azureSharedKey`: the storage account's name and its first access key (`key1`), which reaches the
 *   whole account.
 */
export type ObjectStoreKey =
    | { kind: "gcsServiceAccountKey"; clientEmail: pulumi.Output<string>; privateKey: pulumi.Output<string> }
    | { kind: "azureSharedKey"; accountName: pulumi.Output<string>; accountKey: pulumi.Output<string> };

/** What a workload needs to act as a cloud identity: annotations on its ServiceAccount, labels on its pods. */
export interface WorkloadIdentity {
    /** Annotations to put on the Kubernetes ServiceAccount (e.g. `eks.amazonaws.com/role-arn`). */
    serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
    /** Labels to put on the pod template (e.g. `azure.workload.identity/use: "true"`). */
    podLabels: Record<string, string>;
    /**
     * The cloud identity itself, for a tool whose configuration must name it: the IAM role ARN
     * (IRSA), the Google service account's e-mail (GKE; Velero's GCP plugin signs URLs as it), the
     * managed identity's client ID (Azure). Absent where workloads get no cloud identity.
     */
    principal?: pulumi.Output<string>;
    /** The object-store key, when the binding asked for one (`objectStoreKey: true`). */
    objectStoreKey?: ObjectStoreKey;
}

/** Access a bound identity gets to the cluster's object store. */
export type ObjectStoreAccess = "none" | "readWrite";

/** Access a bound identity gets to the cluster's secret manager (`read`: the secrets under `SecretManager.namePrefix`). */
export type SecretManagerAccess = "none" | "read";

/**
 * The cloud's secret manager a cluster reads through workload identity (External Secrets'
 * ClusterSecretStore), with what a store must name to reach it:
 * - `awsSecretsManager`: `region`; readable secrets are those named `<cluster name>/...`;
 * - `gcpSecretManager`: `project`, the cluster's `clusterLocation` and `clusterName` (the Workload
 *   Identity token exchange names them); readable secrets are those whose ID starts `<cluster name>-`
 *   (Secret Manager IDs allow no `/`);
 * - `azureKeyVault`: `vaultUrl` of a vault kept for this cluster's secrets; every secret in it is
 *   readable, and `namePrefix` (`<cluster name>-`) is the naming convention only.
 */
export interface SecretManager {
    kind: "awsSecretsManager" | "gcpSecretManager" | "azureKeyVault";
    /** The prefix of the secret names a `read` binding may read (see above). */
    namePrefix: pulumi.Output<string>;
    /** AWS region of the secrets. */
    region?: string;
    /** GCP project of the secrets. */
    project?: string;
    /** GKE cluster location (region or zone). */
    clusterLocation?: string;
    /** GKE cluster name. */
    clusterName?: pulumi.Output<string>;
    /** Azure Key Vault URL, `https://<vault>.vault.azure.net/`. */
    vaultUrl?: pulumi.Output<string>;
}

/** Binds a Kubernetes ServiceAccount to a cloud identity (IRSA, GKE Workload Identity, Azure Workload Identity). */
export interface WorkloadIdentityBinder {
    /**
     * Creates the cloud identity and its trust for `namespace/serviceAccount`, granting it
     * `objectStoreAccess` to the cluster's object store. `name` names the cloud resources. With
     * `objectStoreKey: true` (only with `readWrite`, and only for a tool that cannot use the
     * identity) it also hands out an `ObjectStoreKey`; a cloud whose tools all reach the store as
     * the identity (S3 through IRSA) or whose store has `staticCredentials` throws instead. With
     * `secretManagerAccess: "read"` it grants read of the secrets under the cluster's
     * `SecretManager.namePrefix` (as narrowly as the cloud allows); a cluster without a secret
     * manager throws.
     */
    bind(
        name: string,
        args: {
            namespace: string;
            serviceAccount: string;
            objectStoreAccess: ObjectStoreAccess;
            objectStoreKey?: boolean;
            secretManagerAccess?: SecretManagerAccess;
        },
        opts?: pulumi.CustomResourceOptions,
    ): WorkloadIdentity;
}

/** What the platform layer needs from any cluster. */
export interface ClusterTarget {
    /** Which implementation built this (for reports only; the platform must not branch on it). */
    cloud: Cloud;
    /** Cluster name as the cloud knows it. */
    clusterName: pulumi.Output<string>;
    /** Kubernetes provider for everything installed into the cluster. */
    provider: k8s.Provider;
    /** Admin kubeconfig; always a Pulumi secret. */
    kubeconfig: pulumi.Output<string>;
    /** Zones the nodes span (values of the `topology.kubernetes.io/zone` label). */
    zones: string[];
    /** Name of the StorageClass that provisions encrypted SSD volumes. */
    ssdStorageClass: pulumi.Output<string>;
    /** Object store for backups, logs and traces; undefined when the cluster has none (backups off, reported). */
    objectStore?: ObjectStore;
    /** Binds Kubernetes ServiceAccounts to cloud identities. */
    workloadIdentity: WorkloadIdentityBinder;
    /** The cloud's secret manager, read through workload identity; undefined where the cluster has none (DOKS, existing). */
    secretManager?: SecretManager;
    /** Node label key that names a node's workload role (value: system, agents, data, monitoring). */
    nodeRoleLabel: string;
    /**
     * The most nodes the cluster can run at once, whole cluster (a positive integer): the sum of
     * the node pools' autoscaler maximums (EKS: each managed node group's nodes plus its Auto Mode
     * NodePool's burst; GKE: the per-zone maximum times the zones; AKS, DOKS: each pool's
     * `maxNodes`; an existing cluster: its `maxNodes` argument). The platform sizes what runs on
     * every node by it: the ResourceQuota of a namespace holding DaemonSets (Istio's istio-cni and
     * ztunnel, Falco) must admit one pod per node at this ceiling, or the API server refuses the
     * node agents as the cluster scales out.
     */
    maxNodes: number;
    /** Resources the platform must wait for (node pools, CNI, CSI driver, storage class). */
    readyResources: pulumi.Resource[];
    /**
     * Warnings the offline preview should show (e.g. "no object store: backups disabled"). A
     * guarantee of this contract the cloud cannot give is announced here with `unmetGuarantee`,
     * never passed over in silence.
     */
    warnings: string[];
}

/**
 * The guarantees a managed cluster gives the platform beyond the fields above (REQUIREMENTS.md):
 * - `zoneRedundancy`: nodes over at least three availability zones (`zones`);
 * - `etcdCustomerKey`: Secrets in etcd encrypted with a key the customer controls;
 * - `controlPlaneAuditLogs`: the API server's audit log is recorded for the operator;
 * - `nodeDiskCustomerKey`: node boot/OS disks encrypted with a key the customer controls;
 * - `objectStoreEncryption`: the object store is encrypted at rest by a setting this program makes;
 * - `objectStoreCustomerKey`: ... with a key the customer controls.
 * A cloud that cannot give one says so with `unmetGuarantee` in `ClusterTarget.warnings`; the
 * contract suite (test/contract) accepts a missing guarantee only when it is announced that way.
 */
export const CLUSTER_GUARANTEES = [
    "zoneRedundancy",
    "etcdCustomerKey",
    "controlPlaneAuditLogs",
    "nodeDiskCustomerKey",
    "objectStoreEncryption",
    "objectStoreCustomerKey",
] as const;
export type ClusterGuarantee = (typeof CLUSTER_GUARANTEES)[number];

const UNMET = /^guarantee not given \(([A-Za-z]+)\): /;

/** The warning that announces a guarantee the cluster cannot give: `guarantee not given (<id>): <why>`. */
export function unmetGuarantee(guarantee: ClusterGuarantee, why: string): string {
    return `guarantee not given (${guarantee}): ${why}`;
}

/** The guarantees a list of warnings announces as not given. */
export function unmetGuarantees(warnings: readonly string[]): Set<ClusterGuarantee> {
    const out = new Set<ClusterGuarantee>();
    for (const w of warnings) {
        const id = UNMET.exec(w)?.[1];
        if (id && (CLUSTER_GUARANTEES as readonly string[]).includes(id)) {
            out.add(id as ClusterGuarantee);
        }
    }
    return out;
}

/**
 * The sum of the pools' `maxNodes`: `ClusterTarget.maxNodes` of a cluster whose autoscaler bounds
 * each pool by its `maxNodes` over the whole cluster (AKS, DOKS).
 */
export function sumOfPoolMaximums(pools: readonly { maxNodes: number }[]): number {
    return pools.reduce((n, p) => n + p.maxNodes, 0);
}

/** Node label every cluster puts on its nodes to say which workload role they serve. */
export const NODE_ROLE_LABEL = "platform.agents.io/role";

/** Taint key on non-system pools; workloads of that role tolerate it. */
export const NODE_ROLE_TAINT = "platform.agents.io/dedicated";
