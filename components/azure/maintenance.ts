/**
 * The AKS cluster's planned maintenance: the same weekly window for the control plane's and the
 * nodes' automatic upgrades (`aksManagedAutoUpgradeSchedule`, `aksManagedNodeOSUpgradeSchedule`).
 * Resources are children of the calling component.
 */
import { MaintenanceConfiguration, ManagedCluster } from "@pulumi/azure-native/containerservice";
import type * as pulumi from "@pulumi/pulumi";
import type { AksMaintenanceWindow } from "./args";

/** The maintenance configurations AKS reads for its automatic upgrades. */
export const MAINTENANCE_CONFIGS = ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"] as const;

/** Creates one maintenance configuration per schedule, each with `window` (UTC). */
export function createMaintenanceWindows(a: {
    name: string;
    resourceGroupName: pulumi.Input<string>;
    cluster: ManagedCluster;
    window: AksMaintenanceWindow;
    parent: pulumi.Resource;
}): MaintenanceConfiguration[] {
    const w = a.window;
    return MAINTENANCE_CONFIGS.map(
        (configName) =>
            new MaintenanceConfiguration(
                `${a.name}-${configName}`,
                {
                    resourceGroupName: a.resourceGroupName,
                    resourceName: a.cluster.name,
                    configName,
                    maintenanceWindow: {
                        schedule: { weekly: { dayOfWeek: w.dayOfWeek, intervalWeeks: 1 } },
                        durationHours: w.durationHours,
                        startTime: w.startTime,
                        utcOffset: "+00:00",
                    },
                },
                { parent: a.parent },
            ),
    );
}
