/**
 * The API of `AksCluster`: its arguments, their defaults (resolved once by `resolveAksClusterArgs`
 * at the top of the constructor) and their validation (`aksClusterArgProblems`, pure: every problem
 * at once, naming the argument, the value found and what is allowed).
 */
import { parseIpv4 } from "../../policy/lib/cidr";
import {
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

/** How kubelogin gets a token for the kubeconfig's user. */
export type KubeloginMode = "azurecli" | "workloadidentity" | "msi" | "spn";
export const KUBELOGIN_MODES: readonly KubeloginMode[] = ["azurecli", "workloadidentity", "msi", "spn"];

/** AKS pricing tiers: Standard (financially backed SLA) or Premium (adds long-term support). */
export const AKS_TIERS = ["Standard", "Premium"] as const;
/** Auto-upgrade channels of the control plane and nodes. */
export const UPGRADE_CHANNELS = ["patch", "stable", "rapid", "node-image"] as const;
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** A weekly maintenance window. */
export interface AksMaintenanceWindow {
    /** Day of the week, e.g. `Saturday`. */
    dayOfWeek: (typeof DAYS)[number];
    /** Start, `HH:mm` in UTC. */
    startTime: string;
    /** Length in hours (at least 4). */
    durationHours: number;
}

/** Azure availability zones: named 1, 2 and 3 in every region that has them. */
export const AZURE_ZONES = ["1", "2", "3"];

/**
 * Arguments of `AksCluster`. Required: `location` and `adminGroupObjectIds`; everything else has a
 * default (`ClusterArgsBase` and below).
 */
export interface AksClusterArgs extends ClusterArgsBase {
    /** Azure region, e.g. `westeurope`; `zones` are its availability zones (`1`, `2`, `3`). */
    location: string;
    /**
     * Azure's paired region of `location` to keep a copy of the backup account in: with it the
     * account is read-access geo-zone-redundant (`Standard_RAGZRS`: three zones here, asynchronous
     * copy to the pair, typically under 15 minutes behind, readable there at
     * `<account>-secondary`); `"none"`: zone-redundant only (`Standard_ZRS`; the policy pack rejects
     * that in prod). Changing it converts the account in place.
     * @default in prod the location's Azure pair (components/defaults.ts `DR_PAIRS`, e.g. westeurope -> northeurope); in dev none
     */
    drRegion?: string;
    /** Entra ID group object IDs (GUIDs) given cluster-admin through Azure RBAC; at least one (local accounts are disabled). */
    adminGroupObjectIds: string[];
    /**
     * Pricing tier: Standard (financially backed SLA) or Premium (adds long-term support).
     * @default "Standard"
     */
    tier?: (typeof AKS_TIERS)[number];
    /**
     * Auto-upgrade channel of the control plane and nodes (`patch` keeps the pinned minor).
     * @default "patch"
     */
    upgradeChannel?: (typeof UPGRADE_CHANNELS)[number];
    /**
     * Maintenance window for cluster and node-image upgrades.
     * @default Saturdays 00:00 UTC for 8 hours
     */
    maintenanceWindow?: AksMaintenanceWindow;
    /**
     * How kubelogin obtains tokens in the exported kubeconfig: `azurecli` (a person after
     * `az login`), `workloadidentity`, `msi` or `spn` (CI).
     * @default "azurecli"
     */
    kubeloginMode?: KubeloginMode;
}

/** Saturdays from 00:00 UTC for 8 hours. */
export const DEFAULT_MAINTENANCE_WINDOW: Readonly<AksMaintenanceWindow> = { dayOfWeek: "Saturday", startTime: "00:00", durationHours: 8 };

/** `AksClusterArgs` with every default filled in. */
export interface ResolvedAksClusterArgs extends ResolvedClusterArgs {
    location: string;
    drRegion?: string;
    adminGroupObjectIds: string[];
    tier: (typeof AKS_TIERS)[number];
    upgradeChannel: (typeof UPGRADE_CHANNELS)[number];
    maintenanceWindow: AksMaintenanceWindow;
    kubeloginMode: KubeloginMode;
}

/** Fills in every default (components/defaults.ts and the constants above). */
export function resolveAksClusterArgs(args: AksClusterArgs): ResolvedAksClusterArgs {
    return {
        ...resolveClusterArgs("azure", args),
        location: args.location,
        drRegion: resolveDrRegion("azure", args.environment ?? DEFAULT_ENVIRONMENT, args.location, args.drRegion),
        adminGroupObjectIds: args.adminGroupObjectIds ?? [],
        tier: args.tier ?? "Standard",
        upgradeChannel: args.upgradeChannel ?? "patch",
        maintenanceWindow: args.maintenanceWindow ?? { ...DEFAULT_MAINTENANCE_WINDOW },
        kubeloginMode: args.kubeloginMode ?? "azurecli",
    };
}

/** An Azure region name, e.g. `westeurope`. */
export const AZURE_REGION = /^[a-z]+[a-z0-9]*$/;
/** An Entra ID object ID (a GUID). */
export const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every problem with `args` (after defaults); empty when they are usable. */
export function aksClusterArgProblems(args: AksClusterArgs): ArgProblem[] {
    const a = resolveAksClusterArgs(args);
    const { fail, problems } = new ProblemList();
    if (typeof a.location !== "string" || !AZURE_REGION.test(a.location)) {
        fail("location", `found ${shown(a.location)}; must be an Azure region name such as westeurope`);
    }
    a.zones.forEach((z, i) => {
        if (!AZURE_ZONES.includes(z)) {
            fail(`zones[${i}]`, `found ${shown(z)}; Azure availability zones are named 1, 2 and 3`);
        }
    });
    duplicateZoneProblems(a.zones, fail);
    if (a.nodePools.length > 0 && !a.nodePools.some((p) => p.role === "system")) {
        fail("nodePools", "found no system pool; AKS needs one System-mode pool");
    }
    nodePoolProblems(a.nodePools, fail, "AKS needs one System-mode pool");
    networkProblems(a.network, fail, ["cidr", "podCidr", "serviceCidr"]);
    const vnet = parseIpv4(a.network.cidr);
    if (vnet && vnet.prefix > 24) {
        fail("network.cidr", `found "${a.network.cidr}"; the node subnet is carved from the VNet, allowed: a /24 or larger (e.g. 10.40.0.0/16)`);
    }
    const svc = parseIpv4(a.network.serviceCidr);
    if (svc && svc.prefix > 28) {
        fail(
            "network.serviceCidr",
            `found "${a.network.serviceCidr}"; the cluster DNS service takes its 10th address, allowed: a /28 or larger (e.g. 10.96.0.0/16)`,
        );
    }
    if (a.adminGroupObjectIds.length === 0) {
        fail("adminGroupObjectIds", "found none; with local accounts disabled, name at least one Entra ID group that gets cluster-admin");
    }
    a.adminGroupObjectIds.forEach((id, i) => {
        if (typeof id !== "string" || !ENTRA_OBJECT_ID.test(id)) {
            fail(`adminGroupObjectIds[${i}]`, `found ${shown(id)}; must be an Entra ID group object ID (a GUID)`);
        }
    });
    endpointProblems(a.endpoint, fail);
    if (a.drRegion !== undefined && a.drRegion !== DR_OFF && (typeof a.drRegion !== "string" || !AZURE_REGION.test(a.drRegion) || a.drRegion === a.location)) {
        fail(
            "drRegion",
            `found ${shown(a.drRegion)}; must be the Azure region paired with ${a.location} (geo-zone-redundant storage replicates only there), e.g. northeurope for westeurope, or "${DR_OFF}"`,
        );
    }
    if (!(AKS_TIERS as readonly string[]).includes(a.tier)) {
        fail("tier", `found ${shown(a.tier)}; allowed: ${AKS_TIERS.join(", ")}`);
    }
    if (!(UPGRADE_CHANNELS as readonly string[]).includes(a.upgradeChannel)) {
        fail("upgradeChannel", `found ${shown(a.upgradeChannel)}; allowed: ${UPGRADE_CHANNELS.join(", ")}`);
    }
    if (!KUBELOGIN_MODES.includes(a.kubeloginMode)) {
        fail("kubeloginMode", `found ${shown(a.kubeloginMode)}; allowed: ${KUBELOGIN_MODES.join(", ")}`);
    }
    const w = a.maintenanceWindow;
    if (!(DAYS as readonly string[]).includes(w?.dayOfWeek)) {
        fail("maintenanceWindow.dayOfWeek", `found ${shown(w?.dayOfWeek)}; allowed: ${DAYS.join(", ")}`);
    }
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(String(w?.startTime))) {
        fail("maintenanceWindow.startTime", `found ${shown(w?.startTime)}; must be HH:mm in UTC, e.g. 00:00`);
    }
    if (!Number.isInteger(w?.durationHours) || w.durationHours < 4 || w.durationHours > 24) {
        fail("maintenanceWindow.durationHours", `found ${shown(w?.durationHours)}; must be a whole number of hours from 4 to 24 (AKS needs at least 4)`);
    }
    environmentProblems(a, fail);
    retentionProblems(a.retention, fail);
    tagProblems(a.tags, fail);
    return problems;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validateAksClusterArgs(args: AksClusterArgs): void {
    throwArgProblems("AksCluster", aksClusterArgProblems(args));
}
