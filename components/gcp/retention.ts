/**
 * Object-store lifecycle from the stack's retention figures (pure). The platform writes each kind
 * of data under its own prefix of the cluster's bucket (or blob container); every cloud turns this
 * table into its own lifecycle rules (GCS lifecycle rules, Azure blob management policy), so the
 * same figures expire the same data everywhere.
 */
import type { RetentionConfig } from "../../config/types";

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
 * Where the platform writes what in the object store. `objectStore.url("backups/postgres")` and
 * friends must start with one of these prefixes, or the data never expires.
 */
export const OBJECT_STORE_PREFIXES = {
    backups: "backups/",
    config: "config/",
    logs: "logs/",
    traces: "traces/",
    conversations: "conversations/",
} as const;

/** Days a non-current (overwritten or deleted) object version is kept before it is removed. */
export const NONCURRENT_VERSION_DAYS = 7;

/** The lifecycle table for one stack's retention figures, one entry per prefix. */
export function retentionRules(r: RetentionConfig): PrefixRetention[] {
    return [
        { prefix: OBJECT_STORE_PREFIXES.backups, days: r.backupDays, holds: "database backups (daily)" },
        { prefix: OBJECT_STORE_PREFIXES.config, days: r.configBackupWeeks * 7, holds: "configuration backups (weekly)" },
        { prefix: OBJECT_STORE_PREFIXES.logs, days: r.logsDays, holds: "operation logs (Loki chunks)" },
        { prefix: OBJECT_STORE_PREFIXES.traces, days: r.tracesDays, holds: "traces (Tempo blocks)" },
        { prefix: OBJECT_STORE_PREFIXES.conversations, days: r.conversationDays, holds: "agent conversation history" },
    ];
}
