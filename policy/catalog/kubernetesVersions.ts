/**
 * End of standard support per Kubernetes minor, per cloud: the dates the
 * `nodes-cluster-enforce-supported-version` rule judges a pinned version by, and the minors stack
 * config accepts (`kubernetesVersion` must be a minor listed for the stack's cloud; anything else,
 * such as "1.99", is a configuration error).
 *
 * Dates are ISO `YYYY-MM-DD`: the first day the minor is no longer in standard support. Sources
 * (read 2026; refresh this table when a cloud publishes a new minor):
 * - EKS: "Amazon EKS Kubernetes release calendar" (docs.aws.amazon.com/eks/latest/userguide/
 *   kubernetes-versions.html), mirrored by endoflife.date/amazon-eks: standard support is 14 months
 *   from the EKS release. 1.31 2025-11-26, 1.32 2026-03-23, 1.33 2026-07-29, 1.34 2026-12-02,
 *   1.35 (released on EKS 2026-01-28) 2027-03-27. 1.36 is not listed: its EKS end date was not
 *   published in the sources read.
 * - GKE: "GKE release schedule" (cloud.google.com/kubernetes-engine/docs/release-schedule), mirrored
 *   by endoflife.date/google-kubernetes-engine (its "maintenance support" column is GKE's end of
 *   standard support, 14 months): 1.31 2026-01-16, 1.32 2026-04-11, 1.33 2026-08-03, 1.34
 *   2026-10-01, 1.35 2027-04-11. 1.36 not listed (no published date in the sources read).
 * - AKS: "AKS Kubernetes release calendar" (learn.microsoft.com/azure/aks/supported-kubernetes-
 *   versions), which gives months only: end of life 1.31 Nov 2025, 1.32 Mar 2026, 1.33 Jun 2026,
 *   1.34 Nov 2026, 1.35 Mar 2027, 1.36 Jun 2027. Taken as the first day of that month
 *   (conservative: a version is out on the first day of its end-of-life month).
 * - DOKS and existing clusters: DigitalOcean supports the upstream minors still patched upstream;
 *   upstream end of life from kubernetes.io/releases/<minor>: 1.31 2025-10-28, 1.32 2026-02-28,
 *   1.33 2026-06-28, 1.34 2026-10-27, 1.35 2027-02-28, 1.36 2027-06-28.
 */

/** Which support calendar a cluster follows. */
export type SupportCalendar = "aws" | "gcp" | "azure" | "digitalocean" | "existing";

/** Minor (`"1.35"`) -> first day out of standard support (`YYYY-MM-DD`). */
export type SupportTable = Record<string, string>;

const UPSTREAM: SupportTable = {
    "1.31": "2025-10-28",
    "1.32": "2026-02-28",
    "1.33": "2026-06-28",
    "1.34": "2026-10-27",
    "1.35": "2027-02-28",
    "1.36": "2027-06-28",
};

/** The dated support tables (sources in the module comment). */
export const STANDARD_SUPPORT_END: Readonly<Record<SupportCalendar, Readonly<SupportTable>>> = {
    aws: { "1.31": "2025-11-26", "1.32": "2026-03-23", "1.33": "2026-07-29", "1.34": "2026-12-02", "1.35": "2027-03-27" },
    gcp: { "1.31": "2026-01-16", "1.32": "2026-04-11", "1.33": "2026-08-03", "1.34": "2026-10-01", "1.35": "2027-04-11" },
    azure: { "1.31": "2025-11-01", "1.32": "2026-03-01", "1.33": "2026-06-01", "1.34": "2026-11-01", "1.35": "2027-03-01", "1.36": "2027-06-01" },
    digitalocean: UPSTREAM,
    existing: UPSTREAM,
};

/** The minors a cloud's table lists, oldest first. */
export function knownMinors(calendar: SupportCalendar, table: Readonly<Record<string, Readonly<SupportTable>>> = STANDARD_SUPPORT_END): string[] {
    return Object.keys(table[calendar] ?? {}).sort((a, b) => minorNumber(a) - minorNumber(b));
}

/** `"1.35"` -> 35; `"1.35.2-gke.100"` -> 35; NaN for anything else. */
export function minorNumber(version: string): number {
    const m = /^1\.(\d+)(?:\.|$|-)/.exec(version);
    return m ? Number(m[1]) : NaN;
}

/** The `1.<minor>` part of a version string (`"1.36.1-do.0"` -> `"1.36"`), or undefined. */
export function minorOf(version: string): string | undefined {
    const n = minorNumber(version);
    return Number.isNaN(n) ? undefined : `1.${n}`;
}

/** Today's date (UTC) as `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}

/**
 * Whether `minor` is in standard support on `date` (`YYYY-MM-DD`) by `table`: `"supported"`
 * (with its end date), `"ended"` (with its end date) or `"unknown"` (not listed).
 */
export function supportStatus(
    table: Readonly<SupportTable> | undefined,
    minor: string,
    date: string,
): { status: "supported" | "ended" | "unknown"; end?: string } {
    const end = table?.[minor];
    if (end === undefined) {
        return { status: "unknown" };
    }
    return { status: date < end ? "supported" : "ended", end };
}
