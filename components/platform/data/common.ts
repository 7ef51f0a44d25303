/**
 * Helpers shared by the data stores (and Loki/Tempo in observability): generated passwords kept
 * secret end to end, object-store credentials for a ServiceAccount bound to a cloud identity, and
 * placement on the data pool spread over zones. Everything here either is pure or creates children
 * of the component passed in as `parent`.
 */
import { Secret } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";
import type { Environment, NodeRole } from "../../types";
import type { ClusterTarget, ObjectStore, ObjectStoreKey, ObjectStoreKind, WorkloadIdentity } from "../../contract";
import { preferRole, tolerateRole, topologySpread } from "../scheduling";

/** Arguments every data store component (PostgreSQL, MongoDB, Redis) shares. */
export interface DataStoreArgsBase {
    /** The cluster. */
    target: ClusterTarget;
    /** Namespace (from the Foundation). */
    namespace: pulumi.Input<string>;
    /** Sizes come from the environment (dataSizes). */
    environment: Environment;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /** Protect the store's custom resource (and so its volumes) from `pulumi destroy`. */
    protectStateful: boolean;
    /**
     * cert-manager ClusterIssuer that signs the store's certificates (the agents trust its CA).
     * @default "private-ca"
     */
    issuer?: string;
    /**
     * Create a PodMonitor for the store's metrics (needs the Prometheus Operator CRDs).
     * @default true
     */
    podMonitor?: boolean;
    /**
     * What the PodMonitor waits for: the observability stack (it brings the Prometheus Operator CRDs).
     * @default []
     */
    monitoringDependsOn?: pulumi.Resource[];
    /**
     * Resources the operator chart waits for (the namespace's policies, cert-manager).
     * @default []
     */
    dependsOn?: pulumi.Resource[];
}

/** Length of every generated password: long, alphanumeric (safe inside URIs without escaping). */
export const PASSWORD_LENGTH = 32;

/**
 * A generated password: `@pulumi/random` creates it, the provider marks its `result` secret and
 * every use keeps it that way. Alphanumeric only, so it can sit in a connection URI unescaped.
 */
export function generatedPassword(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const pw = new RandomPassword(name, { length: PASSWORD_LENGTH, special: false, minLower: 2, minUpper: 2, minNumeric: 2 }, { parent });
    return pulumi.secret(pw.result);
}

/**
 * The rotation period `now` falls in, for `RandomPassword.keepers`: periods of `days` days counted
 * from the Unix epoch, named by their first day (`2026-10-06+90d`). When the period changes, the
 * keeper changes and `@pulumi/random` replaces the password on that `pulumi up` (and only then:
 * a preview or up within the period changes nothing). Pure; throws on a non-positive period.
 */
export function rotationPeriod(days: number, now: Date): string {
    if (!Number.isInteger(days) || days < 1) {
        throw new Error(`rotation period must be a whole number of days >= 1, got ${days}`);
    }
    const dayMs = 86_400_000;
    const index = Math.floor(Math.floor(now.getTime() / dayMs) / days);
    return `${new Date(index * days * dayMs).toISOString().slice(0, 10)}+${days}d`;
}

/** Resource type of `@pulumi/random`'s RandomPassword. */
export const RANDOM_PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";

/**
 * A resource transformation that puts the rotation keeper on every RandomPassword below the
 * component it is given to (the Platform passes it in its options, so every generated password of
 * the platform rotates on one schedule without each component knowing about it).
 */
export function passwordRotation(days: number, now: Date = new Date()): pulumi.ResourceTransformation {
    const keeper = rotationPeriod(days, now);
    return (a) =>
        a.type === RANDOM_PASSWORD_TYPE ? { props: { ...a.props, keepers: { ...(a.props.keepers ?? {}), rotation: keeper } }, opts: a.opts } : undefined;
}

/** A Secret whose every value comes from secret Outputs (`stringData`, never plain text). */
export function secretFrom(
    name: string,
    args: { name: string; namespace: pulumi.Input<string>; type?: string; labels?: Record<string, string>; data: Record<string, pulumi.Input<string>> },
    opts: pulumi.CustomResourceOptions,
): Secret {
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const [k, v] of Object.entries(args.data)) {
        stringData[k] = pulumi.secret(v);
    }
    return new Secret(
        name,
        {
            metadata: { name: args.name, namespace: args.namespace, labels: args.labels },
            type: args.type ?? "Opaque",
            stringData,
        },
        opts,
    );
}

/** Keys of the Secret holding an S3-compatible store's static credentials. */
export const STATIC_KEYS = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY" } as const;

/** How one writer reaches the object store. */
export interface ObjectStoreAccessInfo {
    /** The store. */
    store: ObjectStore;
    /** Its kind (decides the credential mode of each tool). */
    kind: ObjectStoreKind;
    /** The writer's destination, `target.objectStore.url(prefix)`. */
    url: pulumi.Output<string>;
    /** The cloud identity bound to the writer's ServiceAccount. */
    identity: WorkloadIdentity;
    /**
     * The Secret with the writer's credentials: for `s3Compatible` stores `AWS_ACCESS_KEY_ID` /
     * `AWS_SECRET_ACCESS_KEY`; for the kinds a tool needs a key on (`keyedStore`), what its
     * `secretData` makes of the store's key.
     */
    credentialsSecret?: Secret;
}

/**
 * For a tool that cannot reach some kinds of store as a workload identity: on those `kinds` the
 * writer asks the binder for an `ObjectStoreKey` (contract.ts) and `secretData` turns it into the
 * keys and values of the tool's credentials Secret.
 */
export interface KeyedStore {
    kinds: ObjectStoreKind[];
    secretData: (key: ObjectStoreKey) => Record<string, pulumi.Input<string>>;
}

/**
 * Binds `namespace/serviceAccount` to a cloud identity with read-write access to the object
 * store, and, for an S3-compatible store or a kind in `keyedStore.kinds`, puts the credentials in
 * the Secret `secretName`. Returns undefined when the cluster has no object store (the caller
 * disables backups and warns).
 */
export function objectStoreWriter(
    name: string,
    target: ClusterTarget,
    args: { namespace: string; namespaceInput: pulumi.Input<string>; serviceAccount: string; prefix: string; secretName: string; keyedStore?: KeyedStore },
    opts: pulumi.CustomResourceOptions,
): ObjectStoreAccessInfo | undefined {
    const store = target.objectStore;
    if (!store) {
        return undefined;
    }
    const keyed = args.keyedStore !== undefined && args.keyedStore.kinds.includes(store.kind);
    const identity = target.workloadIdentity.bind(
        `${name}-identity`,
        { namespace: args.namespace, serviceAccount: args.serviceAccount, objectStoreAccess: "readWrite", ...(keyed ? { objectStoreKey: true } : {}) },
        opts,
    );
    let credentialsSecret: Secret | undefined;
    if (keyed) {
        if (!identity.objectStoreKey) {
            throw new Error(
                `${name}: the ${store.kind} object store's binder handed out no key, and the backup tool cannot reach a ${store.kind} store as a workload identity`,
            );
        }
        credentialsSecret = secretFrom(
            `${name}-store-credentials`,
            { name: args.secretName, namespace: args.namespaceInput, data: args.keyedStore!.secretData(identity.objectStoreKey) },
            opts,
        );
    } else if (store.kind === "s3Compatible") {
        if (!store.staticCredentials) {
            throw new pulumi.InputPropertyError({
                propertyPath: "target.objectStore.staticCredentials",
                reason: "an s3Compatible object store needs staticCredentials (access key id and secret access key)",
            });
        }
        credentialsSecret = secretFrom(
            `${name}-store-credentials`,
            {
                name: args.secretName,
                namespace: args.namespaceInput,
                data: {
                    [STATIC_KEYS.accessKeyId]: store.staticCredentials.accessKeyId,
                    [STATIC_KEYS.secretAccessKey]: store.staticCredentials.secretAccessKey,
                },
            },
            opts,
        );
    }
    return { store, kind: store.kind, url: store.url(args.prefix), identity, credentialsSecret };
}

/** The warning shown when the cluster has no object store. */
export function noObjectStoreWarning(what: string): string {
    return `no object store on this cluster: ${what} disabled (give the cluster an object store to enable them)`;
}

/** Scheduling of a stateful set on a role's pool: preferred affinity, toleration, spread over zones and nodes. */
export function placement(
    target: ClusterTarget,
    role: NodeRole,
    labels: Record<string, string>,
): {
    affinity: Record<string, unknown>;
    tolerations: Record<string, string>[];
    topologySpreadConstraints: ReturnType<typeof topologySpread>;
} {
    return {
        affinity: preferRole(target.nodeRoleLabel, role),
        tolerations: tolerateRole(role),
        topologySpreadConstraints: topologySpread(target.zones, labels),
    };
}

/** The restricted-profile container security context every platform-owned container gets. */
export const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};

/** Size of a volume in Kubernetes quantity form. */
export function gi(n: number): string {
    return `${n}Gi`;
}
