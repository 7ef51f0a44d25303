/**
 * The API of `ExistingCluster`: its arguments and their validation (`existingClusterArgProblems`,
 * pure: every problem at once, naming the argument, the value found and what is allowed). An
 * existing cluster has no defaults to resolve beyond its optional parts: it is reached as it is.
 */
import type * as pulumi from "@pulumi/pulumi";
import { duplicateZoneProblems } from "../clusterArgs";
import { ArgProblem, ProblemList, shown, throwArgProblems } from "../validation";

/** An S3-compatible object store (MinIO, Ceph RGW, a cloud's S3 API) reached with static credentials. */
export interface S3CompatibleStore {
    /** HTTPS endpoint, e.g. `https://minio.example.internal:9000` (backups travel over TLS). */
    endpoint: string;
    /** Bucket name. */
    bucket: string;
    /** Region the store expects in requests (MinIO: `us-east-1` unless configured). */
    region: string;
    /** Access key ID (kept a Pulumi secret). */
    accessKeyId: pulumi.Input<string>;
    /** Secret access key (kept a Pulumi secret). */
    secretAccessKey: pulumi.Input<string>;
}

/**
 * Arguments of `ExistingCluster`. Required: one of `kubeconfig` and `kubeconfigPath`,
 * `storageClass` and `zones`.
 */
export interface ExistingClusterArgs {
    /** Inline kubeconfig contents (kept a Pulumi secret); or use kubeconfigPath. */
    kubeconfig?: pulumi.Input<string>;
    /** Path to a kubeconfig file (`~` expands to the home folder); or use kubeconfig. */
    kubeconfigPath?: string;
    /**
     * Context inside the kubeconfig.
     * @default the kubeconfig's current context
     */
    context?: string;
    /** Name of an existing StorageClass on that cluster that provisions encrypted SSD volumes. */
    storageClass: string;
    /** Zones the nodes span (values of their `topology.kubernetes.io/zone` label), e.g. `["zone-a"]`. */
    zones: string[];
    /**
     * Object store for backups, logs and traces.
     * @default undefined: backups disabled, announced in `target.warnings`
     */
    objectStore?: S3CompatibleStore;
    /**
     * The most nodes the cluster can run at once (its autoscaler's ceiling, or its node count if
     * nothing scales it): a whole number from 1 to `EXISTING_MAX_NODES_LIMIT` (5,000). The
     * platform sizes the quotas of the add-ons' node agents (Istio's istio-cni and ztunnel,
     * Falco: one pod per node) by it; set it at or above the real ceiling, or the API server
     * refuses node agents on the nodes beyond it.
     * @default 30 (`EXISTING_DEFAULT_MAX_NODES`)
     */
    maxNodes?: number;
    /**
     * Write manifests to this directory instead of applying them (the Kubernetes provider's
     * `renderYamlToDirectory`); no cluster is contacted.
     * @default undefined (apply to the cluster)
     */
    renderYamlToDirectory?: string;
}

/**
 * `maxNodes` when unset: the managed clouds' production pools reach 27 nodes (components/defaults.ts:
 * 6 + 9 + 6 + 6), rounded up to 30.
 */
export const EXISTING_DEFAULT_MAX_NODES = 30;

/** The largest `maxNodes` accepted: Kubernetes' tested limit of 5,000 nodes per cluster ("Considerations for large clusters", kubernetes.io). */
export const EXISTING_MAX_NODES_LIMIT = 5000;

/** A Kubernetes object name (RFC 1123 subdomain), as a StorageClass is named. */
export const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Every problem with `args`; empty when they are usable. */
export function existingClusterArgProblems(args: ExistingClusterArgs): ArgProblem[] {
    const { fail, problems } = new ProblemList();
    if ((args.kubeconfig === undefined) === (args.kubeconfigPath === undefined)) {
        fail("kubeconfig", "set exactly one of kubeconfig (secret contents) and kubeconfigPath");
    } else if (args.kubeconfig === "") {
        fail("kubeconfig", "found an empty string; the kubeconfig's contents");
    } else if (args.kubeconfigPath !== undefined && (typeof args.kubeconfigPath !== "string" || args.kubeconfigPath === "")) {
        fail("kubeconfigPath", `found ${shown(args.kubeconfigPath)}; the path of a kubeconfig file, e.g. ~/.kube/config`);
    }
    if (args.context !== undefined && (typeof args.context !== "string" || args.context === "")) {
        fail("context", `found ${shown(args.context)}; the name of a context in the kubeconfig, or leave it out for the current one`);
    }
    if (!args.storageClass) {
        fail("storageClass", "found nothing; name the cluster's encrypted SSD StorageClass");
    } else if (typeof args.storageClass !== "string" || !DNS_SUBDOMAIN.test(args.storageClass)) {
        fail("storageClass", `found ${shown(args.storageClass)}; must be a StorageClass name (lower-case letters, digits, '-' and '.')`);
    }
    const zones = Array.isArray(args.zones) ? args.zones : [];
    if (zones.length === 0) {
        fail("zones", "found none; list the zone labels of the cluster's nodes");
    }
    zones.forEach((z, i) => {
        if (typeof z !== "string" || z === "") {
            fail(`zones[${i}]`, `found ${shown(z)}; a zone label value such as zone-a`);
        }
    });
    duplicateZoneProblems(zones, fail);
    const s = args.objectStore;
    if (s) {
        if (typeof s.endpoint !== "string" || !/^https:\/\/[^\s/]+/.test(s.endpoint)) {
            fail("objectStore.endpoint", `found ${shown(s.endpoint)}; must be an https:// URL`);
        }
        for (const k of ["bucket", "region"] as const) {
            if (typeof s[k] !== "string" || s[k] === "") {
                fail(`objectStore.${k}`, `found ${shown(s[k])}; a non-empty string`);
            }
        }
        for (const k of ["accessKeyId", "secretAccessKey"] as const) {
            if (s[k] === undefined || s[k] === "") {
                fail(`objectStore.${k}`, "found nothing; the store's static credentials (kept a Pulumi secret)");
            }
        }
    }
    if (
        args.maxNodes !== undefined &&
        !(typeof args.maxNodes === "number" && Number.isInteger(args.maxNodes) && args.maxNodes >= 1 && args.maxNodes <= EXISTING_MAX_NODES_LIMIT)
    ) {
        fail("maxNodes", `found ${shown(args.maxNodes)}; a whole number of nodes from 1 to ${EXISTING_MAX_NODES_LIMIT} (the cluster's autoscaler ceiling)`);
    }
    if (args.renderYamlToDirectory !== undefined && (typeof args.renderYamlToDirectory !== "string" || args.renderYamlToDirectory === "")) {
        fail("renderYamlToDirectory", `found ${shown(args.renderYamlToDirectory)}; a folder path`);
    }
    return problems;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validateExistingClusterArgs(args: ExistingClusterArgs): void {
    throwArgProblems("ExistingCluster", existingClusterArgProblems(args));
}
