/**
 * The stack program: reads the validated stack config, builds the cluster the stack's cloud
 * calls for (every implementation returns the same ClusterTarget), installs the platform on it
 * and exports what operators need. Wiring only: the logic lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget } from "./components/contract";
import type { EksCluster } from "./components/aws";
import type { ExistingCluster } from "./components/existing";
import type { GkeCluster } from "./components/gcp";
import type { AksCluster } from "./components/azure";
import type { DoksCluster } from "./components/digitalocean";
import { Platform } from "./components/platform";
import { loadStackConfig, StackConfig } from "./config";

const cfg = loadStackConfig();
const name = `agents-${cfg.stack}`;

function clusterArgs(c: StackConfig) {
    return {
        zones: c.zones,
        kubernetesVersion: c.kubernetesVersion,
        nodePools: c.nodePools,
        network: c.network,
        endpoint: c.endpoint,
        retention: c.retention,
        protectStateful: c.protectStateful,
        tags: { ...c.tags, "managed-by": "pulumi", stack: c.stack },
    };
}

// Each cloud's component is loaded only for the stack that uses it: loading every cloud SDK would
// cost every stack seconds.
function buildCluster(c: StackConfig): ClusterTarget {
    switch (c.cloud) {
        case "aws": {
            const { EksCluster: Eks } = require("./components/aws") as { EksCluster: typeof EksCluster };
            return new Eks(name, { ...clusterArgs(c), region: c.region, drRegion: c.drRegion, adminPrincipalArns: c.aws!.adminPrincipalArns }).target;
        }
        case "gcp": {
            const { GkeCluster: Gke } = require("./components/gcp") as { GkeCluster: typeof GkeCluster };
            return new Gke(name, { ...clusterArgs(c), project: c.gcp!.project, region: c.region, drRegion: c.drRegion }).target;
        }
        case "azure": {
            const { AksCluster: Aks } = require("./components/azure") as { AksCluster: typeof AksCluster };
            return new Aks(name, { ...clusterArgs(c), location: c.region, drRegion: c.drRegion, adminGroupObjectIds: c.azure!.adminGroupObjectIds, tier: c.azure!.tier, kubeloginMode: c.azure!.kubeloginMode }).target;
        }
        case "digitalocean": {
            const { DoksCluster: Doks } = require("./components/digitalocean") as { DoksCluster: typeof DoksCluster };
            return new Doks(name, { ...clusterArgs(c), region: c.region, ...c.digitalocean! }).target;
        }
        case "existing": {
            const { ExistingCluster: Existing } = require("./components/existing") as { ExistingCluster: typeof ExistingCluster };
            return new Existing(name, { ...c.existing!, zones: c.zones }).target;
        }
    }
}

const cluster = buildCluster(cfg);

export const cloud = cfg.cloud;
export const environment = cfg.environment;
export const clusterName = cluster.clusterName;
export const kubeconfig = pulumi.secret(cluster.kubeconfig);
export const zones = cluster.zones;
/** Kubernetes minor the stack pins (the offline preview renders charts for it). */
export const kubernetesVersion = cfg.kubernetesVersion;
export const storageClass = cluster.ssdStorageClass;
export const backupBucket = cluster.objectStore?.bucket;

// The platform on top: TLS edge, data stores, observability, the agents, optional add-ons.
const platform = new Platform(`${name}-platform`, {
    target: cluster,
    config: cfg.platform,
    retention: cfg.retention,
    environment: cfg.environment,
    protectStateful: cfg.protectStateful,
    alerting: cfg.alerting,
    passwordRotationDays: cfg.passwordRotationDays,
});

/** Jamie's web chat portal (HTTPS, public). */
export const jamieUrl = platform.endpoints.jamie;
/** Grafana (HTTPS, public). */
export const grafanaUrl = platform.endpoints.grafana;
/** Grafana's generated admin password (secret). */
export const grafanaAdminPassword = platform.grafanaAdminPassword;
/** Where each database's backups go. */
export const backupLocations = platform.backupLocations;
/** Charts this configuration wants but did not install (`platform.thirdPartyCharts: false`). */
export const skippedCharts = platform.skippedCharts;
/** What the preview report lists under "Warnings" (e.g. no object store: backups disabled). */
export const warnings = [...cluster.warnings, ...platform.warnings];
