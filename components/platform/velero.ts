/**
 * Weekly configuration backups with Velero (issue 14 part 3; REQUIREMENTS.md "Data protection and
 * recovery": weekly configuration backups kept 12 weeks). The optional add-on `velero`
 * (`platform.addons.velero`, off by default) installs the Velero chart into its own namespace with
 * one Schedule: every Sunday at 03:00 UTC, a backup of every Kubernetes object of every namespace
 * (Secrets included) and of the cluster-scoped objects, no volume data, kept
 * `retention.configBackupWeeks` weeks (TTL), written to the cluster's object store under
 * `config/` (components/retention.ts `OBJECT_STORE_PREFIXES.config`, whose lifecycle rule expires
 * at the same age). The server reaches the store as its own cloud identity (IRSA, GKE Workload
 * Identity, Azure Workload Identity: `target.workloadIdentity`), with the cloud's object-store
 * plugin; only an S3-compatible store (existing clusters, DigitalOcean Spaces) is reached with its
 * static keys, in a Secret whose values are Pulumi secrets. The store is encrypted at rest on every
 * cloud (a customer-managed key where the cloud has one: docs/clouds.md).
 *
 * Versions: chart 12.1.0 (vmware-tanzu/helm-charts tag `velero-12.1.0`, 2026-06-25, the newest
 * release whose source this repository could read; docs/data.md), Velero v1.18.3 (the newest 1.18
 * patch, 2026-09-08, Go module proxy) and the object-store plugins v1.14.3 (the line built for
 * Velero 1.18; aws and gcp tags 2026-09-07 on the Go module proxy). Every value below was read in
 * the chart's templates at 12.1.0.
 */
import { Secret } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget, ObjectStore, ObjectStoreKind, WorkloadIdentity } from "../contract";
import { OBJECT_STORE_PREFIXES } from "../retention";
import type { Environment } from "../types";
import type { AddonLayout } from "./addons";
import { controllerResources } from "./budgets";
import { installChart, InstalledChart } from "./charts";
import { noObjectStoreWarning, RESTRICTED_CONTAINER, secretFrom } from "./data/common";
import type { FoundationNamespace } from "./foundation";

/** Velero's namespace, ports and reachability (merged with LAYOUT when switched on). */
export const VELERO_LAYOUT: AddonLayout = {
    namespace: "velero",
    // The server's Prometheus endpoint (the chart's `http-monitoring` port).
    ports: { metrics: 8085 },
    // Reads every object to back it up, creates them on restore.
    apiServer: true,
    // The object store and the cloud's token endpoints (STS, Google, Entra ID).
    internetEgress: [443],
    // The server alone: no node agent (no volume data), so no host access.
    podSecurity: "restricted",
};

/** The Helm release (the chart names its Deployment `velero` and prefixes schedules with it). */
export const VELERO_RELEASE = "velero";
/** The server's ServiceAccount, bound to the cloud identity. */
export const VELERO_SERVICE_ACCOUNT = "velero";
/** The BackupStorageLocation every backup goes to. */
export const VELERO_STORAGE_LOCATION = "default";
/** Key of the weekly schedule in the chart's `schedules` (the Schedule is `<release>-<key>`). */
export const VELERO_SCHEDULE_KEY = "weekly";
/** Name of the weekly Schedule, and the `schedule` label of Velero's metrics. */
export const VELERO_SCHEDULE = `${VELERO_RELEASE}-${VELERO_SCHEDULE_KEY}`;
/** Every Sunday at 03:00 UTC: after the daily database backups (01:00) and outside office hours. */
export const VELERO_SCHEDULE_CRON = "0 3 * * 0";
/** Object-store folder of the configuration backups (`config`, without the trailing slash). */
export const VELERO_PREFIX = OBJECT_STORE_PREFIXES.config.replace(/\/$/, "");
/** Secret with an S3-compatible store's keys as Velero reads them (an AWS credentials file). */
export const VELERO_STORE_SECRET = "velero-store-credentials";
/** Its key. */
export const VELERO_STORE_SECRET_KEY = "cloud";
/** Objects left out of the backups: events are a log, not configuration, and expire within an hour. */
export const VELERO_EXCLUDED_RESOURCES = ["events", "events.events.k8s.io"];
/**
 * The server's user: the Velero image names its user `cnb` (not a number), which `runAsNonRoot`
 * cannot verify; the plugin images run as 65532, so both share it.
 */
export const VELERO_UID = 65532;

/** Images: the server and one object-store plugin per store kind. */
export const VELERO_IMAGES = {
    server: { repository: "docker.io/velero/velero", tag: "v1.18.3" },
    aws: "docker.io/velero/velero-plugin-for-aws:v1.14.3",
    gcp: "docker.io/velero/velero-plugin-for-gcp:v1.14.3",
    azure: "docker.io/velero/velero-plugin-for-microsoft-azure:v1.14.3",
} as const;

/**
 * A backup TTL in Velero's (Go duration) form for a number of weeks: 12 weeks is `2016h0m0s`.
 * Throws for a count that is not a whole number of weeks >= 1.
 */
export function veleroTtl(weeks: number): string {
    if (!Number.isInteger(weeks) || weeks < 1) {
        throw new Error(`configuration backups are kept a whole number of weeks >= 1, got ${weeks}`);
    }
    return `${weeks * 7 * 24}h0m0s`;
}

/** The Velero provider (plugin) for a store kind. */
export function veleroProvider(kind: ObjectStoreKind): "aws" | "gcp" | "azure" {
    switch (kind) {
        case "s3":
        case "s3Compatible":
            return "aws";
        case "gcs":
            return "gcp";
        case "azureBlob":
            return "azure";
    }
}

/**
 * The BackupStorageLocation for the cluster's store, as the chart's
 * `configuration.backupStorageLocation[0]`, each `config` key as the plugin reads it (1.14):
 * - S3: the bucket's region; credentials from the IRSA role (AWS SDK default chain).
 * - S3-compatible: the endpoint (`s3Url`), path-style requests, and the location's own `credential`
 *   (key `cloud` of `VELERO_STORE_SECRET`): the server hands it to the plugin as a file, so no
 *   credentials-file environment variable is set on the pod.
 * - GCS: `serviceAccount`, the Google service account's e-mail: with Workload Identity the plugin
 *   refuses to start without it (it signs download URLs as that account).
 * - Azure Blob: the account and its blob endpoint (`storageAccountURI`, so no ARM lookup and no
 *   resource group is needed) with `useAAD`: the plugin takes the workload identity's federated
 *   token (AZURE_FEDERATED_TOKEN_FILE, injected by the webhook).
 */
export function veleroStorageLocation(store: ObjectStore, identity: WorkloadIdentity): Record<string, unknown> {
    const config = ((): Record<string, pulumi.Input<string>> => {
        switch (store.kind) {
            case "s3":
                return { region: store.region ?? "" };
            case "s3Compatible":
                return { region: store.region ?? "", s3Url: store.endpoint ?? "", s3ForcePathStyle: "true" };
            case "gcs":
                if (!identity.principal) {
                    throw new Error(
                        "Velero on a GCS store needs the Google service account of its workload identity (WorkloadIdentity.principal), and the binder gave none",
                    );
                }
                return { serviceAccount: identity.principal };
            case "azureBlob":
                if (!store.storageAccount) {
                    throw new Error("Velero on an Azure Blob store needs its storage account (ObjectStore.storageAccount), and the store gave none");
                }
                // Without the endpoint the plugin builds the public cloud's from the account name.
                return { storageAccount: store.storageAccount, ...(store.endpoint ? { storageAccountURI: store.endpoint } : {}), useAAD: "true" };
        }
    })();
    return {
        name: VELERO_STORAGE_LOCATION,
        provider: veleroProvider(store.kind),
        bucket: store.bucket,
        prefix: VELERO_PREFIX,
        default: true,
        accessMode: "ReadWrite",
        ...(store.kind === "s3Compatible" ? { credential: { name: VELERO_STORE_SECRET, key: VELERO_STORE_SECRET_KEY } } : {}),
        config,
    };
}

/** The chart's `schedules`: the one weekly backup of every object, Secrets included, no volume data. */
export function veleroSchedules(configBackupWeeks: number): Record<string, unknown> {
    return {
        [VELERO_SCHEDULE_KEY]: {
            disabled: false,
            schedule: VELERO_SCHEDULE_CRON,
            // Backups outlive the Schedule: deleting the add-on must not delete them.
            useOwnerReferencesInBackup: false,
            template: {
                ttl: veleroTtl(configBackupWeeks),
                storageLocation: VELERO_STORAGE_LOCATION,
                includedNamespaces: ["*"],
                includedResources: ["*"],
                excludedResources: VELERO_EXCLUDED_RESOURCES,
                includeClusterResources: true,
                snapshotVolumes: false,
                defaultVolumesToFsBackup: false,
            },
        },
    };
}

/** Arguments of `veleroValues`. */
export interface VeleroValuesArgs {
    environment: Environment;
    store: ObjectStore;
    identity: WorkloadIdentity;
    configBackupWeeks: number;
    /** Labels Prometheus needs on a ServiceMonitor (Observability.monitorLabels). */
    monitorLabels: Record<string, string>;
}

/**
 * Velero's server and plugin init container resources (the velero namespace's quota counts the same
 * figures: components/platform/addons.ts `addonWorkloads`). The server's are production figures;
 * `controllerResources` lowers them in dev.
 */
export const VELERO_RESOURCES = {
    server: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    plugin: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
};

/** The chart's values (12.1.0). */
export function veleroValues(a: VeleroValuesArgs): Record<string, unknown> {
    const provider = veleroProvider(a.store.kind);
    return {
        image: { ...VELERO_IMAGES.server, pullPolicy: "IfNotPresent" },
        // The plugin binary is copied into the shared `plugins` volume before the server starts.
        initContainers: [
            {
                name: `velero-plugin-for-${provider === "azure" ? "microsoft-azure" : provider}`,
                image: VELERO_IMAGES[provider],
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ mountPath: "/target", name: "plugins" }],
                securityContext: RESTRICTED_CONTAINER,
                resources: VELERO_RESOURCES.plugin,
            },
        ],
        podSecurityContext: {
            runAsNonRoot: true,
            runAsUser: VELERO_UID,
            runAsGroup: VELERO_UID,
            fsGroup: VELERO_UID,
            seccompProfile: { type: "RuntimeDefault" },
        },
        // readOnlyRootFilesystem makes the chart mount an emptyDir on /tmp.
        containerSecurityContext: RESTRICTED_CONTAINER,
        resources: controllerResources(VELERO_RESOURCES.server, a.environment),
        podLabels: a.identity.podLabels,
        serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT, annotations: a.identity.serviceAccountAnnotations } },
        // No chart-made credentials Secret and no credentials-file variables: the workload identity,
        // or the storage location's own `credential` for an S3-compatible store.
        credentials: { useSecret: false },
        // The chart's CRDs come from its crds/ folder (installed and updated by the Helm resource); the
        // upgrade hook Job would need a kubectl image and cluster-admin of its own.
        upgradeCRDs: false,
        cleanUpCRDs: false,
        backupsEnabled: true,
        // Configuration only: no volume snapshots, no file-system backup, so no node agent (host access).
        snapshotsEnabled: false,
        deployNodeAgent: false,
        configuration: {
            backupStorageLocation: [veleroStorageLocation(a.store, a.identity)],
            volumeSnapshotLocation: [],
            logFormat: "json",
        },
        metrics: {
            enabled: true,
            serviceMonitor: { autodetect: false, enabled: true, additionalLabels: a.monitorLabels },
        },
        schedules: veleroSchedules(a.configBackupWeeks),
    };
}

/** The S3-compatible store's keys as an AWS shared credentials file (the AWS plugin's `credentialsFile`). */
export function awsCredentialsFile(accessKeyId: pulumi.Input<string>, secretAccessKey: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`[default]\naws_access_key_id=${accessKeyId}\naws_secret_access_key=${secretAccessKey}\n`;
}

/** Arguments of `ConfigurationBackups`. */
export interface ConfigurationBackupsArgs {
    target: ClusterTarget;
    environment: Environment;
    /** Velero's namespace from the Foundation. */
    namespace: FoundationNamespace;
    /** Weeks each backup is kept (`retention.configBackupWeeks`). */
    configBackupWeeks: number;
    /** Labels Prometheus needs on a ServiceMonitor (Observability.monitorLabels). */
    monitorLabels: Record<string, string>;
    /** `platform.chartMirror` (components/platform/charts.ts). @default the chart's public repository */
    chartMirror?: string;
    /** What the chart waits for (the observability stack: it brings the ServiceMonitor CRD). @default [] */
    dependsOn?: pulumi.Resource[];
}

/** Velero with its weekly configuration backup; nothing but a warning when the cluster has no object store. */
export class ConfigurationBackups extends pulumi.ComponentResource {
    /** The chart, when installed. */
    public readonly chart?: InstalledChart;
    /** Where the backups go (`<store url>/config`), when the cluster has a store. */
    public readonly location?: pulumi.Output<string>;
    /** Warnings for the preview report. */
    public readonly warnings: string[];

    constructor(name: string, args: ConfigurationBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:ConfigurationBackups", name, {}, opts);
        this.warnings = [];
        const store = args.target.objectStore;
        if (!store) {
            this.warnings.push(noObjectStoreWarning("configuration backups (Velero)"));
            this.registerOutputs({});
            return;
        }
        // Validates the retention figure before anything is created.
        veleroTtl(args.configBackupWeeks);
        const ns = args.namespace;
        const identity = args.target.workloadIdentity.bind(
            `${name}-identity`,
            { namespace: VELERO_LAYOUT.namespace, serviceAccount: VELERO_SERVICE_ACCOUNT, objectStoreAccess: "readWrite" },
            { parent: this },
        );
        let credentials: Secret | undefined;
        if (store.kind === "s3Compatible") {
            if (!store.staticCredentials) {
                throw new pulumi.InputPropertyError({
                    propertyPath: "target.objectStore.staticCredentials",
                    reason: "an s3Compatible object store needs staticCredentials (access key id and secret access key)",
                });
            }
            credentials = secretFrom(
                `${name}-store-credentials`,
                {
                    name: VELERO_STORE_SECRET,
                    namespace: ns.name,
                    data: { [VELERO_STORE_SECRET_KEY]: awsCredentialsFile(store.staticCredentials.accessKeyId, store.staticCredentials.secretAccessKey) },
                },
                { parent: this, dependsOn: ns.children },
            );
        }
        this.location = store.url(VELERO_PREFIX);
        this.chart = installChart(
            {
                key: "velero",
                name: `${name}-velero`,
                namespace: ns.name,
                releaseName: VELERO_RELEASE,
                chartMirror: args.chartMirror,
                values: veleroValues({
                    environment: args.environment,
                    store,
                    identity,
                    configBackupWeeks: args.configBackupWeeks,
                    monitorLabels: args.monitorLabels,
                }),
            },
            { parent: this, dependsOn: [...ns.children, ...(credentials ? [credentials] : []), ...(args.dependsOn ?? [])] },
        );
        this.registerOutputs({ location: this.location });
    }
}
