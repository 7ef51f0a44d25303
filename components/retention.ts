/**
 * Object-store layout and lifecycle from the stack's retention figures (pure), shared by every
 * cloud. The platform writes each kind of data under its own prefix of the cluster's bucket (or
 * blob container) using these constants; every cloud turns `retentionRules` into its own lifecycle
 * rules (S3 lifecycle configuration, GCS lifecycle rules, Azure blob management policy), so the
 * same figures expire the same data everywhere.
 */
import type { RetentionConfig } from "./types";

/** One lifecycle rule: objects under `prefix` are deleted `days` after they were written. */
export interface PrefixRetention {
    /** Object-name prefix, with its trailing slash, e.g. `backups/`. */
    prefix: string;
    /** Age in days after which objects under the prefix are deleted. */
    days: number;
    /** What lives there (for docs and reports). */
    holds: string;
}

/**
 * Prefixes for data no tool expires by itself: the bucket lifecycle is the only retention, so it
 * deletes at exactly the configured age.
 */
export const OBJECT_STORE_PREFIXES = {
    backups: "backups/",
    config: "config/",
    logs: "logs/",
    traces: "traces/",
    conversations: "conversations/",
    metrics: "metrics/",
} as const;

/**
 * Prefixes the platform's own tools write to and expire themselves (CloudNativePG's Barman
 * retention policy, Percona Backup for MongoDB, the Loki and Tempo compactors; see
 * components/platform). The lifecycle rule there is a backstop, set `BACKSTOP_MARGIN_DAYS` past
 * the tool's window so it never deletes a base backup or chunk the tool still needs for
 * point-in-time recovery or queries at the window's edge.
 */
export const TOOL_PREFIXES = {
    postgres: "postgres/",
    mongodb: "mongodb/",
    loki: "loki/",
    tempo: "tempo/",
} as const;

/** A tool's folder name without the trailing slash (`postgres`), for `ObjectStore.url` and chart values. */
export function toolFolder(tool: keyof typeof TOOL_PREFIXES): string {
    return TOOL_PREFIXES[tool].replace(/\/$/, "");
}

/** Days the backstop rules wait beyond a tool's own retention window. */
export const BACKSTOP_MARGIN_DAYS = 7;

/** Days a non-current (overwritten or deleted) object version stays recoverable, on every cloud. */
export const NONCURRENT_VERSION_DAYS = 30;

/** The lifecycle table for one stack's retention figures, one entry per prefix. */
export function retentionRules(r: RetentionConfig): PrefixRetention[] {
    const backstop = (days: number): number => days + BACKSTOP_MARGIN_DAYS;
    return [
        { prefix: OBJECT_STORE_PREFIXES.backups, days: r.backupDays, holds: "database backups (daily)" },
        { prefix: OBJECT_STORE_PREFIXES.config, days: r.configBackupWeeks * 7, holds: "configuration backups (weekly)" },
        { prefix: OBJECT_STORE_PREFIXES.logs, days: r.logsDays, holds: "operation logs" },
        { prefix: OBJECT_STORE_PREFIXES.traces, days: r.tracesDays, holds: "traces" },
        { prefix: OBJECT_STORE_PREFIXES.conversations, days: r.conversationDays, holds: "agent conversation history" },
        { prefix: OBJECT_STORE_PREFIXES.metrics, days: r.metricsDays, holds: "long-term metric blocks" },
        { prefix: TOOL_PREFIXES.postgres, days: backstop(r.backupDays), holds: "PostgreSQL base backups and WAL (Barman; backstop)" },
        { prefix: TOOL_PREFIXES.mongodb, days: backstop(r.backupDays), holds: "MongoDB backups (PBM; backstop)" },
        { prefix: TOOL_PREFIXES.loki, days: backstop(r.logsDays), holds: "Loki chunks and index (compactor; backstop)" },
        { prefix: TOOL_PREFIXES.tempo, days: backstop(r.tracesDays), holds: "Tempo blocks (compactor; backstop)" },
    ];
}
