/**
 * The API of `GkeCluster`: its arguments, their defaults (resolved once by `resolveGkeClusterArgs`
 * at the top of the constructor) and their validation (`gkeClusterArgProblems`, pure: every problem
 * at once, naming the argument, the value found and what is allowed).
 */
import { cidrsOverlap, parseIpv4 } from "../../policy/lib/cidr";
import {
    cidrReason,
    ClusterArgsBase,
    duplicateZoneProblems,
    endpointProblems,
    environmentProblems,
    networkProblems,
    nodePoolProblems,
    resolveClusterArgs,
    ResolvedClusterArgs,
    retentionProblems,
    tagProblems,
} from "../clusterArgs";
import { DEFAULT_ENVIRONMENT, DR_OFF, resolveDrRegion } from "../defaults";
import { ArgProblem, ProblemList, shown, throwArgProblems } from "../validation";
import { gcsMultiRegion } from "./helpers";

/** A recurring maintenance window: the first occurrence (RFC 3339, UTC) and an RFC 5545 RRULE. */
export interface GkeMaintenanceWindow {
    /** First start, RFC 3339 in UTC, e.g. `2026-01-03T00:00:00Z`. */
    startTime: string;
    /** First end, RFC 3339 in UTC. */
    endTime: string;
    /** RFC 5545 recurrence rule, e.g. `FREQ=WEEKLY;BYDAY=SA,SU`. */
    recurrence: string;
}

/** GKE release channels. */
export const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;
/** Boot disk types of the nodes (both SSD-backed). */
export const BOOT_DISK_TYPES = ["pd-ssd", "pd-balanced"] as const;

/**
 * Arguments of `GkeCluster`. Required: `project`, `region` and `zones`; everything else has a
 * default (`ClusterArgsBase` and below).
 */
export interface GkeClusterArgs extends ClusterArgsBase {
    /** Google Cloud project ID, e.g. `acme-agents-prod`. */
    project: string;
    /** Region of the regional cluster, e.g. `europe-west4`; `zones` must be zones of it. */
    region: string;
    /**
     * Zones of `region` the nodes span, e.g. `["europe-west4-a", "europe-west4-b", "europe-west4-c"]`
     * (three for production). Regions name their zones differently (europe-west1 has b, c, d), so
     * there is no default.
     */
    zones: string[];
    /**
     * Second region of the backup bucket: with it the bucket is a configurable dual-region
     * (`region` + `drRegion`, both in one of the EU, US or ASIA multi-regions) with turbo
     * replication (RPO 15 min, cloud.google.com/storage/docs/availability-durability#turbo-replication),
     * encrypted with a key in that multi-region's KMS location. Absent: a regional bucket.
     * `"none"`: a regional bucket (the policy pack rejects that in prod). Changing it replaces the
     * (protected) bucket: copy the data over first (docs/data.md).
     * @default in prod the region's pair (components/defaults.ts `DR_PAIRS`, e.g. europe-west4 -> europe-west1); in dev none
     */
    drRegion?: string;
    /**
     * Release channel; GKE upgrades the control plane and nodes within it, never below `kubernetesVersion`.
     * @default "REGULAR"
     */
    releaseChannel?: (typeof RELEASE_CHANNELS)[number];
    /**
     * The control plane's /28 (must not overlap the VPC, pod or service ranges).
     * @default "172.16.0.0/28"
     */
    masterCidr?: string;
    /**
     * Boot disk type of every node (both are SSD-backed).
     * @default "pd-balanced"
     */
    bootDiskType?: (typeof BOOT_DISK_TYPES)[number];
    /**
     * Maintenance window. GKE needs at least 48 hours of window in any 32 days.
     * @default Saturdays and Sundays 00:00-08:00 UTC
     */
    maintenanceWindow?: GkeMaintenanceWindow;
    /**
     * Rotation period of the Cloud KMS keys, seconds with an `s` (at least one day, `86400s`).
     * @default "7776000s" (90 days)
     */
    keyRotationPeriod?: string;
}

/** The control-plane range when none is given. */
export const DEFAULT_MASTER_CIDR = "172.16.0.0/28";

/** Weekends 00:00-08:00 UTC: 64 hours a month, above GKE's 48 in any 32 days. */
export const DEFAULT_MAINTENANCE_WINDOW: Readonly<GkeMaintenanceWindow> = {
    startTime: "2026-01-03T00:00:00Z",
    endTime: "2026-01-03T08:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
};

/** 90 days, Cloud KMS's recommended rotation for symmetric keys. */
export const DEFAULT_KEY_ROTATION_PERIOD = "7776000s";

/** `GkeClusterArgs` with every default filled in. */
export interface ResolvedGkeClusterArgs extends ResolvedClusterArgs {
    project: string;
    region: string;
    drRegion?: string;
    releaseChannel: (typeof RELEASE_CHANNELS)[number];
    masterCidr: string;
    bootDiskType: (typeof BOOT_DISK_TYPES)[number];
    maintenanceWindow: GkeMaintenanceWindow;
    keyRotationPeriod: string;
}

/** Fills in every default (components/defaults.ts and the constants above). */
export function resolveGkeClusterArgs(args: GkeClusterArgs): ResolvedGkeClusterArgs {
    return {
        ...resolveClusterArgs("gcp", args),
        project: args.project,
        region: args.region,
        drRegion: resolveDrRegion("gcp", args.environment ?? DEFAULT_ENVIRONMENT, args.region, args.drRegion),
        releaseChannel: args.releaseChannel ?? "REGULAR",
        masterCidr: args.masterCidr ?? DEFAULT_MASTER_CIDR,
        bootDiskType: args.bootDiskType ?? "pd-balanced",
        maintenanceWindow: args.maintenanceWindow ?? { ...DEFAULT_MAINTENANCE_WINDOW },
        keyRotationPeriod: args.keyRotationPeriod ?? DEFAULT_KEY_ROTATION_PERIOD,
    };
}

/** A Google Cloud region, e.g. `europe-west4`. */
export const GCP_REGION = /^[a-z]+-[a-z]+\d$/;
/** A project ID: 6-30 lower-case letters, digits and hyphens, starting with a letter. */
export const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const ROTATION = /^(\d+)s$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Every problem with `args` (after defaults); empty when they are usable. */
export function gkeClusterArgProblems(args: GkeClusterArgs): ArgProblem[] {
    const a = resolveGkeClusterArgs(args);
    const { fail, problems } = new ProblemList();
    if (typeof a.project !== "string" || !GCP_PROJECT.test(a.project)) {
        fail("project", `found ${shown(a.project)}; must be a project ID: 6-30 lower-case letters, digits and hyphens, starting with a letter`);
    }
    if (typeof a.region !== "string" || !GCP_REGION.test(a.region)) {
        fail("region", `found ${shown(a.region)}; must be a Google Cloud region such as europe-west4`);
    }
    if (a.zones.length === 0) {
        fail("zones", "found none; a regional cluster needs its zones (at least 3 for production)");
    }
    a.zones.forEach((z, i) => {
        if (typeof z !== "string" || !z.startsWith(`${a.region}-`) || !/^[a-z]$/.test(z.slice(a.region.length + 1))) {
            fail(`zones[${i}]`, `found ${shown(z)}; must be a zone of region ${a.region}, e.g. ${a.region}-a`);
        }
    });
    duplicateZoneProblems(a.zones, fail);
    nodePoolProblems(a.nodePools, fail, "a GKE cluster needs at least a system pool");
    networkProblems(a.network, fail, ["cidr", "podCidr", "serviceCidr"]);
    const master = parseIpv4(typeof a.masterCidr === "string" ? a.masterCidr : "");
    if (cidrReason(a.masterCidr) !== undefined || master?.prefix !== 28) {
        fail("masterCidr", `found ${shown(a.masterCidr)}; must be an IPv4 /28 such as ${DEFAULT_MASTER_CIDR}`);
    } else {
        for (const key of ["cidr", "podCidr", "serviceCidr"] as const) {
            const cidr = a.network[key];
            if (cidrReason(cidr) === undefined && cidrsOverlap(a.masterCidr, cidr)) {
                fail("masterCidr", `found "${a.masterCidr}"; overlaps network.${key} (${cidr}), choose a /28 outside every cluster range`);
            }
        }
    }
    endpointProblems(a.endpoint, fail);
    if (a.drRegion !== undefined && a.drRegion !== DR_OFF) {
        const home = gcsMultiRegion(a.region);
        if (
            typeof a.drRegion !== "string" ||
            !GCP_REGION.test(a.drRegion) ||
            a.drRegion === a.region ||
            gcsMultiRegion(a.drRegion) === undefined ||
            gcsMultiRegion(a.drRegion) !== home
        ) {
            fail(
                "drRegion",
                `found ${shown(a.drRegion)}; must be another region in the same EU, US or ASIA multi-region as ${a.region}${home ? ` (${home})` : " (which is in none of them: leave drRegion out)"}, e.g. ${home === "EU" ? "europe-west1" : home === "US" ? "us-east1" : home === "ASIA" ? "asia-east1" : "none"}`,
            );
        }
    }
    if (!(RELEASE_CHANNELS as readonly string[]).includes(a.releaseChannel)) {
        fail("releaseChannel", `found ${shown(a.releaseChannel)}; allowed: ${RELEASE_CHANNELS.join(", ")}`);
    }
    if (!(BOOT_DISK_TYPES as readonly string[]).includes(a.bootDiskType)) {
        fail("bootDiskType", `found ${shown(a.bootDiskType)}; allowed: ${BOOT_DISK_TYPES.join(", ")}`);
    }
    const w = a.maintenanceWindow ?? ({} as GkeMaintenanceWindow);
    for (const k of ["startTime", "endTime"] as const) {
        if (!RFC3339_UTC.test(String(w[k]))) {
            fail(`maintenanceWindow.${k}`, `found ${shown(w[k])}; must be an RFC 3339 time in UTC such as 2026-01-03T00:00:00Z`);
        }
    }
    if (RFC3339_UTC.test(String(w.startTime)) && RFC3339_UTC.test(String(w.endTime)) && !(Date.parse(w.endTime) > Date.parse(w.startTime))) {
        fail("maintenanceWindow.endTime", `found "${w.endTime}"; must be after startTime (${w.startTime})`);
    }
    if (typeof w.recurrence !== "string" || !/^FREQ=(DAILY|WEEKLY)/.test(w.recurrence)) {
        fail("maintenanceWindow.recurrence", `found ${shown(w.recurrence)}; must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=SA,SU`);
    }
    const rotation = ROTATION.exec(String(a.keyRotationPeriod));
    if (!rotation || Number(rotation[1]) < 86400) {
        fail(
            "keyRotationPeriod",
            `found ${shown(a.keyRotationPeriod)}; must be seconds with an "s", at least one day (86400s), e.g. ${DEFAULT_KEY_ROTATION_PERIOD}`,
        );
    }
    environmentProblems(a, fail);
    retentionProblems(a.retention, fail);
    tagProblems(a.tags, fail);
    return problems;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validateGkeClusterArgs(args: GkeClusterArgs): void {
    throwArgProblems("GkeCluster", gkeClusterArgProblems(args));
}
