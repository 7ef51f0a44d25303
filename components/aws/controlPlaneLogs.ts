/** Control-plane logging: the log types EKS can ship and CloudWatch's retention steps (pure). */

/** Every EKS control-plane log type; all are enabled (REQUIREMENTS.md: audit logging on). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Retention periods CloudWatch Logs accepts, in days. */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * The smallest retention CloudWatch accepts that keeps logs at least `days` (730 days becomes 731);
 * throws when `days` exceeds the longest (3653, ten years) or is not positive.
 */
export function cloudWatchRetentionDays(days: number): number {
    if (!Number.isFinite(days) || days < 1) {
        throw new Error(`log retention of ${days} days is not allowed; give at least 1 day`);
    }
    const step = CLOUDWATCH_RETENTION_DAYS.find((d) => d >= days);
    if (step === undefined) {
        throw new Error(`log retention of ${days} days exceeds CloudWatch's longest, ${CLOUDWATCH_RETENTION_DAYS[CLOUDWATCH_RETENTION_DAYS.length - 1]} days`);
    }
    return step;
}

/** The log group EKS writes control-plane logs to; it must exist before the cluster to be ours. */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}
