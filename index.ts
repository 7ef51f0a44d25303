/**
 * The stack program: reads the validated stack config, builds the cluster the stack's cloud
 * calls for (every implementation returns the same ClusterTarget), installs the platform on it
 * and exports what operators need. Wiring only: config/ reads the stack file and maps it onto the
 * components' arguments (config/componentArgs.ts); the logic lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterTarget } from "./components/contract";
import type { EksCluster } from "./components/aws";
import type { ExistingCluster } from "./components/existing";
import type { GkeCluster } from "./components/gcp";
import type { AksCluster } from "./components/azure";
import type { DoksCluster } from "./components/digitalocean";
import { Platform, setThirdPartyCharts } from "./components/platform";
import {
    aksClusterArgs,
    componentName,
    doksClusterArgs,
    eksClusterArgs,
    existingClusterArgs,
    gkeClusterArgs,
    loadStackConfig,
    platformArgs,
    StackConfig,
} from "./config";

const cfg = loadStackConfig();
const name = componentName(cfg);

// Each cloud's component is loaded only for the stack that uses it: loading every cloud SDK would
// cost every stack seconds.
function buildCluster(c: StackConfig): ClusterTarget {
    switch (c.cloud) {
        case "aws": {
            const { EksCluster: Eks } = require("./components/aws") as { EksCluster: typeof EksCluster };
            return new Eks(name, eksClusterArgs(c)).target;
        }
        case "gcp": {
            const { GkeCluster: Gke } = require("./components/gcp") as { GkeCluster: typeof GkeCluster };
            return new Gke(name, gkeClusterArgs(c)).target;
        }
        case "azure": {
            const { AksCluster: Aks } = require("./components/azure") as { AksCluster: typeof AksCluster };
            return new Aks(name, aksClusterArgs(c)).target;
        }
        case "digitalocean": {
            const { DoksCluster: Doks } = require("./components/digitalocean") as { DoksCluster: typeof DoksCluster };
            return new Doks(name, doksClusterArgs(c)).target;
        }
        case "existing": {
            const { ExistingCluster: Existing } = require("./components/existing") as { ExistingCluster: typeof ExistingCluster };
            return new Existing(name, existingClusterArgs(c)).target;
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

// The platform on top: TLS edge, data stores, observability, the agents, optional add-ons. Runs that
// cannot fetch charts and have no mirror switch third-party charts off (`platform.thirdPartyCharts`).
setThirdPartyCharts(cfg.platform.thirdPartyCharts);
const platform = new Platform(`${name}-platform`, platformArgs(cfg, cluster));

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
