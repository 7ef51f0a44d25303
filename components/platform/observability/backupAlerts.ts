/**
 * Recovery-point alerts (issue 14; REQUIREMENTS.md RPO 1 h, daily database backups, weekly
 * configuration backups): each fires when the newest good copy of one store is older than its
 * schedule allows, and names the store. Pure data, like ./alertRules.ts, which adds this group.
 *
 * Metric sources (each exported by the tool that makes the copy, or by kube-state-metrics from its
 * Kubernetes objects):
 * - PostgreSQL base backups: `barman_cloud_cloudnative_pg_io_last_available_backup_timestamp`, the
 *   Barman Cloud plugin's metric on the instances' exporter (:9187, scraped by the `pg` PodMonitor;
 *   cloudnative-pg.io/plugin-barman-cloud/docs/observability).
 * - PostgreSQL WAL archive: `cnpg_pg_stat_archiver_seconds_since_last_archival` and
 *   `cnpg_pg_stat_archiver_failed_count`, CloudNativePG's default monitoring queries over
 *   `pg_stat_archiver` (same exporter). The primary archives; `min by (namespace)` picks it.
 * - MongoDB backups: `kube_customresource_mongodb_backup_completed_timestamp`, kube-state-metrics'
 *   custom-resource metric over `PerconaServerMongoDBBackup.status.completed`
 *   (observability/values.ts `PSMDB_BACKUP_METRICS`); PBM itself exports no Prometheus metrics.
 * - Configuration backups (the `velero` add-on, ../velero.ts): `velero_backup_last_successful_timestamp`
 *   of the weekly schedule (Velero's own metrics, :8085, scraped through the chart's ServiceMonitor).
 *   Velero sets it at the first successful backup after the server starts, so the alert stays
 *   silent until then.
 * - Redis's daily copy off the cluster: `kube_cronjob_status_last_successful_time` of the
 *   `redis-backup` CronJob (kube-state-metrics' CronJob collector, on by default), and
 *   `kube_cronjob_created` for a CronJob that has never succeeded (the success metric is absent then).
 */
import type { AlertSpec } from "./alertRules";
import { LAYOUT } from "../layout";
import { REDIS_BACKUP_NAME } from "../data/redisBackup";
import { VELERO_SCHEDULE } from "../velero";

/** Name of Velero's weekly configuration-backup Schedule (velero.ts), re-exported for the alert's readers. */
export { VELERO_SCHEDULE };

const HOUR = 3600;
/**
 * Ages (seconds) past which a copy is late. Daily copies get 26 h (a day plus two hours for a slow
 * run); the WAL archive gets the RPO itself (1 h); the weekly configuration backup 8 days.
 */
export const BACKUP_AGE_LIMITS = {
    dailySeconds: 26 * HOUR,
    walSeconds: 1 * HOUR,
    weeklySeconds: 8 * 24 * HOUR,
} as const;

const REDIS_CRONJOB = `namespace="${LAYOUT.redis.namespace}", cronjob="${REDIS_BACKUP_NAME}"`;

/** The recovery-point group of the platform's PrometheusRule. */
export const BACKUP_ALERT_GROUP: { name: string; rules: AlertSpec[] } = {
    name: "platform-backups",
    rules: [
        {
            alert: "PostgresBaseBackupTooOld",
            measure: "time() - max by (namespace) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp)",
            op: ">",
            threshold: BACKUP_AGE_LIMITS.dailySeconds,
            for: "15m",
            severity: "critical",
            summary: "PostgreSQL ({{ $labels.namespace }}): the last successful base backup is {{ $value | humanizeDuration }} old (daily schedule).",
        },
        {
            alert: "PostgresWalArchiveTooOld",
            measure: "min by (namespace) (cnpg_pg_stat_archiver_seconds_since_last_archival)",
            op: ">",
            threshold: BACKUP_AGE_LIMITS.walSeconds,
            for: "5m",
            severity: "critical",
            summary: "PostgreSQL ({{ $labels.namespace }}): no WAL archived for {{ $value | humanizeDuration }}; the recovery point is older than the 1 h RPO.",
        },
        {
            alert: "PostgresWalArchiveFailing",
            measure: "sum by (namespace) (increase(cnpg_pg_stat_archiver_failed_count[15m]))",
            op: ">",
            threshold: 0,
            for: "15m",
            severity: "warning",
            summary: "PostgreSQL ({{ $labels.namespace }}): WAL archiving to the object store is failing.",
        },
        {
            alert: "MongoBackupTooOld",
            measure: "time() - max by (namespace) (kube_customresource_mongodb_backup_completed_timestamp)",
            op: ">",
            threshold: BACKUP_AGE_LIMITS.dailySeconds,
            for: "15m",
            severity: "critical",
            summary: "MongoDB ({{ $labels.namespace }}): the last completed backup is {{ $value | humanizeDuration }} old (daily schedule).",
        },
        {
            alert: "RedisBackupTooOld",
            measure: `time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{${REDIS_CRONJOB}})`,
            // Never succeeded since the CronJob was created more than a day ago: the success metric is absent.
            orMeasure: `(time() - max by (namespace, cronjob) (kube_cronjob_created{${REDIS_CRONJOB}}) unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${REDIS_CRONJOB}})`,
            op: ">",
            threshold: BACKUP_AGE_LIMITS.dailySeconds,
            for: "15m",
            severity: "warning",
            summary:
                "Redis ({{ $labels.namespace }}): the last successful copy off the cluster (CronJob {{ $labels.cronjob }}) is {{ $value | humanizeDuration }} old (daily schedule).",
        },
        {
            alert: "ConfigurationBackupTooOld",
            measure: `time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule="${VELERO_SCHEDULE}"})`,
            op: ">",
            threshold: BACKUP_AGE_LIMITS.weeklySeconds,
            for: "1h",
            severity: "warning",
            summary:
                "Configuration backup (Velero schedule {{ $labels.schedule }}): the last successful backup is {{ $value | humanizeDuration }} old (weekly schedule).",
        },
    ],
};
