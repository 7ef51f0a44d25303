/**
 * Where an EKS control plane may go (pure). EKS refuses to create a cluster whose subnets sit in
 * some availability zones (EKS user guide, "Create a cluster": "Amazon EKS does not support
 * creating clusters in the following zones: use1-az3 (us-east-1), usw1-az2 (us-west-1),
 * cac1-az3 (ca-central-1)"). Zone *names* map to these zone *IDs* differently in each account, so
 * the mapping comes from the AWS provider at deploy time (`getAvailabilityZones`, `zoneIds`).
 * Worker nodes may run in every zone.
 */

/** Zone IDs that cannot host an EKS control plane, by region. */
export const EKS_UNSUPPORTED_ZONE_IDS: Readonly<Record<string, string>> = {
    "us-east-1": "use1-az3",
    "us-west-1": "usw1-az2",
    "ca-central-1": "cac1-az3",
};

/** Which of the cluster's zones the control plane uses. */
export interface ControlPlanePlacement {
    /** Indexes into the cluster's zones (and so its per-zone subnets) the control plane uses. */
    included: number[];
    /** Zones left to workers only, with their zone IDs. */
    excluded: { zone: string; zoneId: string }[];
}

/**
 * Splits `zones` into those that can host the control plane and those that cannot, given the
 * provider's answer (`names[i]` has zone ID `zoneIds[i]`). A zone the answer does not name counts
 * as supported: EC2 itself will refuse a zone that does not exist.
 */
export function controlPlanePlacement(zones: readonly string[], names: readonly string[], zoneIds: readonly string[]): ControlPlanePlacement {
    const unsupported = new Set(Object.values(EKS_UNSUPPORTED_ZONE_IDS));
    const included: number[] = [];
    const excluded: ControlPlanePlacement["excluded"] = [];
    zones.forEach((zone, i) => {
        const zoneId = zoneIds[names.indexOf(zone)];
        if (zoneId !== undefined && unsupported.has(zoneId)) {
            excluded.push({ zone, zoneId });
        } else {
            included.push(i);
        }
    });
    return { included, excluded };
}
