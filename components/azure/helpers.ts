/**
 * Pure helpers for the AKS component: globally unique resource names, built-in role IDs, the
 * kubeconfig (through kubelogin) and the object-store lifecycle policy. No Pulumi calls. CIDR
 * arithmetic (the node subnet, the DNS service address) is policy/lib/cidr.ts.
 */
import { createHash } from "crypto";
import { parse } from "yaml";
import type { RetentionConfig } from "../types";
import { NONCURRENT_VERSION_DAYS, retentionRules } from "../retention";
import type { KubeloginMode } from "./args";

/**
 * A name that is unique per subscription and stable across runs, in the spirit of ARM's
 * `uniqueString()`: the sanitised base, cut to fit, plus a hash of `seed`. `alnum` drops hyphens
 * (storage accounts allow only lower-case letters and digits).
 */
export function uniqueName(base: string, seed: string, opts: { max: number; alnum?: boolean; hashLength?: number }): string {
    const hashLength = opts.hashLength ?? (opts.alnum ? 8 : 6);
    const hash = createHash("sha256").update(`${seed}/${base}`).digest("hex").slice(0, hashLength);
    const clean = opts.alnum
        ? base.toLowerCase().replace(/[^a-z0-9]/g, "")
        : base
              .toLowerCase()
              .replace(/[^a-z0-9-]/g, "-")
              .replace(/-+/g, "-");
    const sep = opts.alnum ? "" : "-";
    const room = opts.max - hash.length - sep.length;
    let head = clean.slice(0, room).replace(/-+$/, "");
    if (!/^[a-z]/.test(head)) {
        head = `a${head}`.slice(0, room);
    }
    return `${head}${sep}${hash}`;
}

/** Built-in Azure role definition IDs (the same GUID in every tenant). */
export const ROLES = {
    /** Use keys for wrap/unwrap (AKS KMS through the cluster identity). */
    keyVaultCryptoUser: "12338af0-0e69-4776-bea7-57ae8d297424",
    /** Read secret contents (External Secrets' ClusterSecretStore on the secrets vault). */
    keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
    /** Wrap/unwrap for service-side encryption (disk encryption set, storage account CMK). */
    keyVaultCryptoServiceEncryptionUser: "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    /** Join nodes and load balancers to the VNet's subnets. */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    /** Read a resource (the cluster identity on the disk encryption set). */
    reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    /** Read, write and delete blobs (workloads with `objectStoreAccess: readWrite`). */
    storageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
} as const;

/** The full role definition ID of a built-in role in a subscription. */
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The Entra ID application every AKS cluster's API server accepts tokens for. */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * The kubeconfig for an Entra ID cluster with local accounts disabled: the cluster entry (server,
 * CA) from AKS's user credentials, the user through `kubelogin get-token`, so the file holds no
 * credential. `credentialYaml` is the decoded value AKS returns; the result is JSON (valid YAML).
 */
export function aksKubeconfig(credentialYaml: string, mode: KubeloginMode): string {
    const doc = parse(credentialYaml) as { clusters?: { name: string; cluster: Record<string, unknown> }[] };
    const cluster = doc?.clusters?.[0];
    if (!cluster?.cluster?.server) {
        throw new Error("AKS user credentials hold no cluster server");
    }
    const ctx = cluster.name;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: ctx, cluster: { server: cluster.cluster.server, "certificate-authority-data": cluster.cluster["certificate-authority-data"] } }],
        contexts: [{ name: ctx, context: { cluster: ctx, user: `${ctx}-user` } }],
        "current-context": ctx,
        preferences: {},
        users: [
            {
                name: `${ctx}-user`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "kubelogin",
                        args: ["get-token", "--login", mode, "--server-id", AKS_AAD_SERVER_APP_ID],
                        installHint: "Install kubelogin: az aks install-cli (https://azure.github.io/kubelogin)",
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    });
}

/** One rule of a blob lifecycle (management) policy, in the shape azure-native takes. */
export interface BlobLifecycleRule {
    name: string;
    enabled: boolean;
    type: "Lifecycle";
    definition: {
        filters: { blobTypes: string[]; prefixMatch?: string[] };
        actions: {
            baseBlob?: { delete: { daysAfterModificationGreaterThan: number } };
            version?: { delete: { daysAfterCreationGreaterThan: number } };
        };
    };
}

/**
 * The blob lifecycle rules for a container: one delete rule per retention prefix (prefixes are
 * `<container>/<prefix>` in Azure), and old versions removed after a week.
 */
export function blobLifecycleRules(container: string, retention: RetentionConfig): BlobLifecycleRule[] {
    const rules: BlobLifecycleRule[] = retentionRules(retention).map((r) => ({
        name: `expire-${r.prefix.replace(/\/$/, "")}`,
        enabled: true,
        type: "Lifecycle",
        definition: {
            filters: { blobTypes: ["blockBlob"], prefixMatch: [`${container}/${r.prefix}`] },
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: r.days } } },
        },
    }));
    rules.push({
        name: "expire-old-versions",
        enabled: true,
        type: "Lifecycle",
        definition: { filters: { blobTypes: ["blockBlob"] }, actions: { version: { delete: { daysAfterCreationGreaterThan: NONCURRENT_VERSION_DAYS } } } },
    });
    return rules;
}

/** Log Analytics keeps data interactively for 30 to 730 days. */
export function workspaceRetentionDays(auditLogDays: number): number {
    return Math.min(730, Math.max(30, auditLogDays));
}
