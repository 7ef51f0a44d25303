/** F1: managed databases keep backups for at least N days with point-in-time recovery. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

interface Config {
    minBackupDays: number;
}

export const dataDatabaseEnforceBackupRetention = resourceRule<Config>({
    name: "data-database-enforce-backup-retention",
    description:
        "Requires managed databases to keep automated backups for at least the configured number of days, with point-in-time recovery where the service offers it.",
    types: [
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "azure-native:dbforpostgresql:Server",
        "azure-native:dbforpostgresql:FlexibleServer",
    ],
    config: {
        minBackupDays: { type: "integer", minimum: 1, default: 30, description: "Minimum backup retention in days (REQUIREMENTS: 30)." },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        if (r.type.startsWith("aws:rds/")) {
            const days = typeof p.backupRetentionPeriod === "number" ? p.backupRetentionPeriod : r.type === "aws:rds/cluster:Cluster" ? 1 : 0;
            if (days < cfg.minBackupDays) {
                report(
                    msg(
                        `${label(r)} keeps backups too briefly`,
                        `backupRetentionPeriod ${show(p.backupRetentionPeriod)}${p.backupRetentionPeriod === undefined ? ` (AWS default ${days})` : ""}`,
                        `at least ${cfg.minBackupDays} days`,
                        `set backupRetentionPeriod: ${cfg.minBackupDays}`,
                    ),
                );
            }
        } else if (r.type === "gcp:sql/databaseInstance:DatabaseInstance") {
            const b = at(p, "settings.backupConfiguration") as Record<string, unknown> | undefined;
            if (b?.enabled !== true) {
                report(
                    msg(
                        `${label(r)} has automated backups off`,
                        `settings.backupConfiguration.enabled ${show(b?.enabled)}`,
                        "true with pointInTimeRecoveryEnabled",
                        "set settings.backupConfiguration: {enabled: true, pointInTimeRecoveryEnabled: true, backupRetentionSettings: {retainedBackups: 30}}",
                    ),
                );
                return;
            }
            if (b.pointInTimeRecoveryEnabled !== true && b.binaryLogEnabled !== true) {
                report(
                    msg(
                        `${label(r)} has no point-in-time recovery`,
                        `pointInTimeRecoveryEnabled ${show(b.pointInTimeRecoveryEnabled)}`,
                        "true",
                        "set settings.backupConfiguration.pointInTimeRecoveryEnabled: true",
                    ),
                );
            }
            const kept = at(b, "backupRetentionSettings.retainedBackups");
            const n = typeof kept === "number" ? kept : 7;
            if (n < cfg.minBackupDays) {
                report(
                    msg(
                        `${label(r)} keeps backups too briefly`,
                        `backupRetentionSettings.retainedBackups ${show(kept)}${kept === undefined ? " (Cloud SQL default 7)" : ""}`,
                        `at least ${cfg.minBackupDays} daily backups`,
                        `set backupRetentionSettings.retainedBackups: ${cfg.minBackupDays}`,
                    ),
                );
            }
        } else {
            const days = at(p, "backup.backupRetentionDays");
            const n = typeof days === "number" ? days : 7;
            if (n < cfg.minBackupDays) {
                report(
                    msg(
                        `${label(r)} keeps backups too briefly`,
                        `backup.backupRetentionDays ${show(days)}${days === undefined ? " (Azure default 7)" : ""}`,
                        `at least ${Math.min(cfg.minBackupDays, 35)} days`,
                        `set backup.backupRetentionDays: ${Math.min(cfg.minBackupDays, 35)}`,
                    ),
                );
            }
        }
    },
});
