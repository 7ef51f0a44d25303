/**
 * A5: managed node repair/upgrades on, a release channel, and a paid control-plane SLA tier on AKS;
 * on DOKS automatic patch upgrades, surge upgrades, a maintenance window and the HA control plane.
 */
import { resourceRule } from "../lib/rule";
import { arr, at, bool, label, msg, obj, show } from "../lib/util";

interface Config {
    requirePaidTier: boolean;
}

export const nodesClusterConfigureManagedUpgrades = resourceRule<Config>({
    name: "nodes-cluster-configure-managed-upgrades",
    description:
        "Requires GKE node auto-repair and auto-upgrade with a release channel, an AKS upgrade channel with a paid (Standard or Premium) SLA tier, and on DOKS automatic and surge upgrades in a maintenance window with the HA control plane.",
    types: [
        "gcp:container/nodePool:NodePool",
        "gcp:container/cluster:Cluster",
        "azure-native:containerservice:ManagedCluster",
        "digitalocean:index/kubernetesCluster:KubernetesCluster",
    ],
    config: {
        requirePaidTier: {
            type: "boolean",
            default: true,
            description:
                "AKS: require sku.tier Standard or Premium (the financially backed API server SLA); DOKS: require the HA control plane (ha: true, DigitalOcean's 99.95% SLA).",
        },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        const mgmt = (m: unknown, where: string): void => {
            for (const k of ["autoRepair", "autoUpgrade"]) {
                if (bool(obj(m)?.[k]) === false) {
                    report(msg(`${label(r)}: ${where}management.${k} is off`, "false", "true (the GKE default)", `remove management.${k} or set it to true`));
                }
            }
        };
        if (r.type === "gcp:container/nodePool:NodePool") {
            mgmt(p.management, "");
        } else if (r.type === "gcp:container/cluster:Cluster") {
            const ch = at(p, "releaseChannel.channel");
            if (ch === "UNSPECIFIED") {
                report(
                    msg(
                        `${label(r)} is not on a release channel`,
                        `releaseChannel.channel ${show(ch)}`,
                        "REGULAR, STABLE or RAPID",
                        "set releaseChannel.channel to REGULAR (or STABLE)",
                    ),
                );
            }
            arr(p.nodePools).forEach((np, i) => mgmt(obj(np)?.management, `nodePools[${i}].`));
        } else if (r.type === "digitalocean:index/kubernetesCluster:KubernetesCluster") {
            if (bool(p.autoUpgrade) !== true) {
                report(
                    msg(
                        `${label(r)} is not upgraded automatically`,
                        `autoUpgrade ${show(p.autoUpgrade)}${p.autoUpgrade === undefined ? " (DOKS default: false)" : ""}`,
                        "autoUpgrade true (patch releases in the maintenance window)",
                        "set autoUpgrade: true",
                    ),
                );
            }
            if (bool(p.surgeUpgrade) === false) {
                report(
                    msg(
                        `${label(r)} upgrades nodes in place`,
                        "surgeUpgrade false",
                        "surgeUpgrade true (the DOKS default: new nodes before old ones drain)",
                        "remove surgeUpgrade or set it to true",
                    ),
                );
            }
            const window = obj(p.maintenancePolicy);
            if (!window || (window.day === undefined && window.startTime === undefined)) {
                report(
                    msg(
                        `${label(r)} has no maintenance window`,
                        `maintenancePolicy ${show(p.maintenancePolicy)} (DOKS picks one)`,
                        "maintenancePolicy with a day and startTime",
                        'set maintenancePolicy: {day: "saturday", startTime: "00:00"}',
                    ),
                );
            }
            if (cfg.requirePaidTier && bool(p.ha) !== true) {
                report(
                    msg(
                        `${label(r)} has no HA control plane`,
                        `ha ${show(p.ha)}`,
                        "ha true (replicated control plane, 99.95% SLA)",
                        "set ha: true (it cannot be turned off again)",
                    ),
                );
            }
        } else {
            const channel = at(p, "autoUpgradeProfile.upgradeChannel");
            if (channel === undefined || channel === "none") {
                report(
                    msg(
                        `${label(r)} has no automatic upgrade channel`,
                        `autoUpgradeProfile.upgradeChannel ${show(channel)}${channel === undefined ? " (AKS default: none)" : ""}`,
                        "patch, stable, rapid or node-image",
                        "set autoUpgradeProfile.upgradeChannel to stable (or patch)",
                    ),
                );
            }
            const tier = at(p, "sku.tier");
            if (cfg.requirePaidTier && tier !== "Standard" && tier !== "Premium") {
                report(
                    msg(
                        `${label(r)} has no API server SLA`,
                        `sku.tier ${show(tier)}${tier === undefined ? " (AKS default: Free)" : ""}`,
                        "Standard or Premium",
                        'set sku: {name: "Base", tier: "Standard"}',
                    ),
                );
            }
        }
    },
});
