/**
 * Scheduling helpers shared by the platform's workloads: topology spread over zones and nodes,
 * and a preferred (not required) affinity to a node role with a toleration of its taint, so the
 * same values schedule on dedicated production pools and on a single dev pool. Pure functions.
 */
import { NODE_ROLE_TAINT } from "../contract";
import type { NodeRole } from "../types";

/** A topologySpreadConstraint as Kubernetes takes it. */
export interface SpreadConstraint {
    maxSkew: number;
    topologyKey: string;
    whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
    labelSelector: { matchLabels: Record<string, string> };
}

/** Zone label every cloud sets on its nodes. */
export const ZONE_KEY = "topology.kubernetes.io/zone";
/** Node hostname label. */
export const HOST_KEY = "kubernetes.io/hostname";

/**
 * Spread pods matching `labels` evenly over zones (hard when the cluster has more than one zone)
 * and over nodes (soft).
 */
export function topologySpread(zones: readonly string[], labels: Record<string, string>): SpreadConstraint[] {
    return [
        { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: zones.length > 1 ? "DoNotSchedule" : "ScheduleAnyway", labelSelector: { matchLabels: labels } },
        { maxSkew: 1, topologyKey: HOST_KEY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } },
    ];
}

/** Preferred affinity to nodes of a role (the pods still schedule anywhere if none exists). */
export function preferRole(nodeRoleLabel: string, role: NodeRole): Record<string, unknown> {
    return {
        nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, preference: { matchExpressions: [{ key: nodeRoleLabel, operator: "In", values: [role] }] } },
            ],
        },
    };
}

/** Toleration of a role's dedicated-pool taint. */
export function tolerateRole(role: NodeRole): Record<string, string>[] {
    return [{ key: NODE_ROLE_TAINT, operator: "Equal", value: role, effect: "NoSchedule" }];
}

/**
 * Toleration of the burst-node taint (EKS Auto Mode's NodePools, components/aws/autoMode.ts): only
 * stateless, HPA-scaled workloads carry it, so volumes never land on nodes without their CSI driver.
 */
export function tolerateBurst(): Record<string, string> {
    return { key: "platform.agents.io/burst", operator: "Equal", value: "true", effect: "NoSchedule" };
}

/**
 * For charts that take `affinity` but no topology spread: prefer putting the pods matching
 * `labels` in different zones, then on different nodes (soft, so a one-zone dev cluster schedules).
 */
export function spreadAffinity(labels: Record<string, string>): Record<string, unknown> {
    const term = (weight: number, topologyKey: string) => ({ weight, podAffinityTerm: { topologyKey, labelSelector: { matchLabels: labels } } });
    return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term(100, ZONE_KEY), term(50, HOST_KEY)] } };
}

/**
 * Replicas of a leader-elected controller: 2 in prod (one holds the lease, one takes over within
 * its duration, so losing a node or zone costs seconds), 1 in dev. The pack's
 * `workloads-deployment-enforce-minimum-replicas` lists these controllers (`leaderElected`).
 */
export function controllerReplicas(prod: boolean): number {
    return prod ? 2 : 1;
}
