/** A5: managed node repair/upgrades on, a release channel, and a paid control-plane SLA tier on AKS. */
import { resourceRule } from "../lib/rule";
import { arr, at, bool, label, msg, obj, show } from "../lib/util";

interface Config {
    requirePaidTier: boolean;
}

export const nodesClusterConfigureManagedUpgrades = resourceRule<Config>({
    name: "nodes-cluster-configure-managed-upgrades",
    description: "Requires GKE node auto-repair and auto-upgrade with a release channel, and an AKS upgrade channel with a paid (Standard or Premium) SLA tier.",
    types: ["gcp:container/nodePool:NodePool", "gcp:container/cluster:Cluster", "azure-native:containerservice:ManagedCluster"],
    config: {
        requirePaidTier: { type: "boolean", default: true, description: "AKS: require sku.tier Standard or Premium (the financially backed API server SLA)." },
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
                report(msg(`${label(r)} is not on a release channel`, `releaseChannel.channel ${show(ch)}`, "REGULAR, STABLE or RAPID", "set releaseChannel.channel to REGULAR (or STABLE)"));
            }
            arr(p.nodePools).forEach((np, i) => mgmt(obj(np)?.management, `nodePools[${i}].`));
        } else {
            const channel = at(p, "autoUpgradeProfile.upgradeChannel");
            if (channel === undefined || channel === "none") {
                report(
                    msg(`${label(r)} has no automatic upgrade channel`, `autoUpgradeProfile.upgradeChannel ${show(channel)}${channel === undefined ? " (AKS default: none)" : ""}`, "patch, stable, rapid or node-image", "set autoUpgradeProfile.upgradeChannel to stable (or patch)"),
                );
            }
            const tier = at(p, "sku.tier");
            if (cfg.requirePaidTier && tier !== "Standard" && tier !== "Premium") {
                report(msg(`${label(r)} has no API server SLA`, `sku.tier ${show(tier)}${tier === undefined ? " (AKS default: Free)" : ""}`, "Standard or Premium", "set sku: {name: \"Base\", tier: \"Standard\"}"));
            }
        }
    },
});
