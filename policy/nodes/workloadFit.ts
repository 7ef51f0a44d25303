/**
 * A9: the stack's workloads fit its node pools at rest. Per cluster and node role, the requests of
 * every pod the stack will run at its minimum replicas (policy/lib/podDemand.ts: the program's own
 * objects, the rendered charts' objects and the pods operators create from the declared custom
 * resources) must fit in the allocatable capacity of the role's pools at their minimum node count,
 * with one node to spare in production (`nPlusOne`); each pod must fit one node; and every hard
 * spread constraint (`topologySpreadConstraints` with DoNotSchedule, required pod anti-affinity)
 * must be satisfiable with the pools' zones and minimum nodes.
 *
 * Which role a pod lands on: the pools whose taints it tolerates and whose role label its
 * nodeSelector / required node affinity accept; among them the one its preferred node affinity
 * weighs most, then a pool whose dedicated-role taint it tolerates, then the default role (system).
 * A DaemonSet runs on every node of every pool it is accepted by. Node labels the pack cannot see
 * (set by the cloud, such as kubernetes.io/os) are taken as matching.
 *
 * Allocatable per node = the machine's vCPU and memory (policy/catalog) minus:
 * - kube-reserved, by the tiers GKE and AKS publish and the EKS AL2023 bootstrap uses for CPU
 *   (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes "Reserved resources";
 *   learn.microsoft.com/azure/aks/node-resource-reservations): CPU 6 % of the first core, 1 % of
 *   the second, 0.5 % of the third and fourth, 0.25 % above; memory 25 % of the first 4 GiB, 20 % of
 *   the next 4, 10 % of the next 8, 6 % of the next 112, 2 % above 128 GiB (`cpuReserveTiers`,
 *   `memoryReserveTiers`);
 * - the kubelet's hard eviction threshold, memory.available 100Mi (`evictionMemoryMi`);
 * - the cloud's own node agents the stack does not declare (kube-proxy, the CNI and CSI node
 *   plugins, log and metadata agents: `managedDaemonsPerNode`, default 250m / 300Mi, an estimate from
 *   their published manifests: EKS aws-node 25m + kube-proxy 100m + ebs-csi-node 30m/120Mi; GKE
 *   kube-proxy 100m + fluentbit-gke 100m/200Mi + pdcsi-node 10m/20Mi; AKS kube-proxy 100m +
 *   cloud-node-manager 50m/50Mi + csi-azuredisk-node 30m/60Mi + csi-azurefile-node 30m/60Mi);
 * and, on the default role's pools once, the cloud's cluster add-ons (CoreDNS 2 x 100m/70Mi,
 * metrics-server 100m/200Mi and the like: `managedAddons`, default 400m / 600Mi).
 *
 * Clusters the stack does not create (the `existing` target) have no pools in the stack: the rule
 * has nothing to judge there and says nothing.
 */
import { MachineSize, resolveMachineSize } from "../catalog";
import { need, NodePoolView, NodeScheduling, NodeViewConfig, stackNodes, SUBNET_ZONES_SCHEMA } from "../lib/nodes";
import { Amount, PodDemand, podDemands, Requirement, SpreadRule, Toleration } from "../lib/podDemand";
import { stackRule } from "../lib/rule";
import { msg, UNKNOWN, unknownError } from "../lib/util";

/** A reservation tier: `fraction` of the capacity up to `upTo` (cores or GiB; the last tier covers the rest). */
export interface ReserveTier {
    upTo: number;
    fraction: number;
}

/** The rule's configuration. */
export interface FitConfig extends NodeViewConfig {
    nPlusOne: boolean;
    cpuReserveTiers: ReserveTier[];
    memoryReserveTiers: ReserveTier[];
    evictionMemoryMi: number;
    managedDaemonsPerNode: { cpuM: number; memMi: number };
    managedAddons: { cpuM: number; memMi: number };
    roleLabel: string;
    roleTaint: string;
    defaultRole: string;
    machineSizes: Record<string, MachineSize>;
}

/** CPU reservation tiers (cores). */
export const CPU_RESERVE_TIERS: ReserveTier[] = [
    { upTo: 1, fraction: 0.06 },
    { upTo: 2, fraction: 0.01 },
    { upTo: 4, fraction: 0.005 },
    { upTo: 1e9, fraction: 0.0025 },
];

/** Memory reservation tiers (GiB). */
export const MEMORY_RESERVE_TIERS: ReserveTier[] = [
    { upTo: 4, fraction: 0.25 },
    { upTo: 8, fraction: 0.2 },
    { upTo: 16, fraction: 0.1 },
    { upTo: 128, fraction: 0.06 },
    { upTo: 1e9, fraction: 0.02 },
];

/** The amount the tiers reserve of `capacity` (same unit as the tiers' `upTo`). */
export function tiered(capacity: number, tiers: readonly ReserveTier[]): number {
    let reserved = 0;
    let below = 0;
    for (const t of [...tiers].sort((a, b) => a.upTo - b.upTo)) {
        if (capacity <= below) {
            break;
        }
        reserved += (Math.min(capacity, t.upTo) - below) * t.fraction;
        below = t.upTo;
    }
    return reserved;
}

/** What one node of a machine size offers to pods, before DaemonSets. */
export function allocatable(
    size: MachineSize,
    cfg: Pick<FitConfig, "cpuReserveTiers" | "memoryReserveTiers" | "evictionMemoryMi" | "managedDaemonsPerNode">,
): Amount {
    return {
        cpuM: size.vcpu * 1000 - tiered(size.vcpu, cfg.cpuReserveTiers) * 1000 - cfg.managedDaemonsPerNode.cpuM,
        memMi: size.memoryGib * 1024 - tiered(size.memoryGib, cfg.memoryReserveTiers) * 1024 - cfg.evictionMemoryMi - cfg.managedDaemonsPerNode.memMi,
    };
}

const fmt = (a: Amount): string => `${(a.cpuM / 1000).toFixed(2)} vCPU / ${(a.memMi / 1024).toFixed(2)} GiB`;

function tolerates(tolerations: Toleration[], taint: { key: string; value?: string; effect: string }): boolean {
    return tolerations.some((t) => {
        if (t.effect && t.effect !== taint.effect) {
            return false;
        }
        if (!t.key) {
            return t.operator === "Exists";
        }
        if (t.key !== taint.key) {
            return false;
        }
        return t.operator === "Exists" || (t.value ?? "") === (taint.value ?? "");
    });
}

/** Evaluates a requirement on a pool's labels; keys the pool does not declare (other than the role label) count as met. */
function meets(req: Requirement, labels: Record<string, string>, roleLabel: string): boolean {
    if (!(req.key in labels) && req.key !== roleLabel) {
        return true;
    }
    const has = req.key in labels;
    const v = labels[req.key];
    const values = req.values ?? [];
    switch (req.operator) {
        case "In":
            return has && values.includes(v);
        case "NotIn":
            return !has || !values.includes(v);
        case "Exists":
            return has;
        case "DoesNotExist":
            return !has;
        case "Gt":
            return has && Number(v) > Number(values[0]);
        case "Lt":
            return has && Number(v) < Number(values[0]);
        default:
            return false;
    }
}

interface PoolFacts {
    pool: NodePoolView;
    role: string;
    nodes: number;
    zones: string[] | undefined;
    size: MachineSize | undefined;
    sched: NodeScheduling;
    /** Per node, after reservations and the pods' DaemonSets. */
    free: Amount;
    daemons: string[];
}

function accepts(p: PoolFacts, d: PodDemand, cfg: FitConfig): boolean {
    for (const t of p.sched.taints) {
        if (t.effect !== "PreferNoSchedule" && !tolerates(d.placement.tolerations, t)) {
            return false;
        }
    }
    for (const [k, v] of Object.entries(d.placement.nodeSelector)) {
        if (!meets({ key: k, operator: "In", values: [v] }, p.sched.labels, cfg.roleLabel)) {
            return false;
        }
    }
    const terms = d.placement.required.filter((t) => t.length > 0);
    return terms.length === 0 || terms.some((t) => t.every((r) => meets(r, p.sched.labels, cfg.roleLabel)));
}

function score(p: PoolFacts, d: PodDemand, cfg: FitConfig): number {
    let s = 0;
    for (const pref of d.placement.preferred) {
        if (pref.requirements.every((r) => meets(r, p.sched.labels, cfg.roleLabel))) {
            s += pref.weight * 10;
        }
    }
    const dedicated = p.sched.taints.some((t) => t.key === cfg.roleTaint && t.effect !== "PreferNoSchedule");
    if (dedicated) {
        s += 2;
    } else if (p.role === cfg.defaultRole) {
        s += 1;
    }
    return s;
}

/** The role a pod lands on among the accepting pools (undefined: none accepts it). */
function roleFor(pools: PoolFacts[], d: PodDemand, cfg: FitConfig): string | undefined {
    let best: { role: string; s: number } | undefined;
    for (const p of pools) {
        if (!accepts(p, d, cfg)) {
            continue;
        }
        const s = score(p, d, cfg);
        if (!best || s > best.s) {
            best = { role: p.role, s };
        }
    }
    return best?.role;
}

const ZONE_KEYS = new Set(["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", "topology.gke.io/zone"]);
const HOST_KEYS = new Set(["kubernetes.io/hostname"]);
const REGION_KEYS = new Set(["topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"]);

/** How many topology domains of `key` the role's pools offer (undefined: unknown). */
function domains(key: string, pools: PoolFacts[], nodes: number): { n: number | undefined; what: string } {
    if (HOST_KEYS.has(key)) {
        return { n: nodes, what: `${nodes} node(s)` };
    }
    if (ZONE_KEYS.has(key)) {
        if (pools.some((p) => p.zones === undefined)) {
            return { n: undefined, what: "unknown zones" };
        }
        const z = new Set(pools.flatMap((p) => (p.nodes > 0 ? (p.zones ?? []) : [])));
        const n = Math.min(z.size, nodes);
        return { n, what: `${n} zone(s) with nodes (${z.size} zone(s), ${nodes} node(s))` };
    }
    if (REGION_KEYS.has(key)) {
        return { n: nodes > 0 ? 1 : 0, what: "1 region" };
    }
    const values = new Set(pools.filter((p) => p.nodes > 0 && key in p.sched.labels).map((p) => p.sched.labels[key]));
    return { n: values.size, what: values.size === 0 ? `no node labelled ${key}` : `${values.size} value(s) of node label ${key}` };
}

function checkSpread(d: PodDemand, rule: SpreadRule, pools: PoolFacts[], nodes: number, role: string): string | undefined {
    const dom = domains(rule.topologyKey, pools, nodes);
    if (dom.n === undefined) {
        return undefined;
    }
    const fix = `lower the replicas, add nodes or zones to the ${role} pools, or relax the constraint to a preference (ScheduleAnyway / preferred anti-affinity)`;
    if (rule.kind === "antiAffinity") {
        if (d.replicas > dom.n) {
            return msg(
                `${d.label}: required pod anti-affinity on ${rule.topologyKey} cannot place every replica on the ${role} pools`,
                `${d.replicas} replicas (${d.replicasFrom}), ${dom.what} (${rule.from})`,
                `at most one replica per ${rule.topologyKey} domain, so no more than ${dom.n} replicas`,
                fix,
            );
        }
        return undefined;
    }
    if (dom.n === 0) {
        return msg(
            `${d.label}: topology spread on ${rule.topologyKey} (DoNotSchedule) has no domain on the ${role} pools`,
            `${dom.what} (${rule.from})`,
            `nodes carrying the label ${rule.topologyKey}`,
            `spread on topology.kubernetes.io/zone or kubernetes.io/hostname, or label the pools' nodes`,
        );
    }
    if (rule.minDomains !== undefined && rule.minDomains > dom.n && d.replicas > dom.n * rule.maxSkew) {
        return msg(
            `${d.label}: topology spread on ${rule.topologyKey} needs ${rule.minDomains} domains but the ${role} pools offer ${dom.n}`,
            `${d.replicas} replicas (${d.replicasFrom}), minDomains ${rule.minDomains}, maxSkew ${rule.maxSkew}, ${dom.what} (${rule.from})`,
            `with fewer domains than minDomains, at most maxSkew x domains = ${dom.n * rule.maxSkew} replicas`,
            fix,
        );
    }
    return undefined;
}

export const nodesPoolEnforceWorkloadFit = stackRule<FitConfig>({
    name: "nodes-pool-enforce-workload-fit",
    description:
        "Requires the pods of each node role (the program's, the rendered charts' and the operators' from declared custom resources, at minimum replicas) to fit the role's pools at their minimum nodes after kube-reserved, eviction and the cloud's own agents, with one node to spare when nPlusOne is on, and every hard topology-spread or anti-affinity constraint to be satisfiable with the pools' zones and nodes.",
    config: {
        nPlusOne: {
            type: "boolean",
            default: true,
            description: "Keep one node of every role spare: the pods still fit after losing the largest node (production).",
        },
        cpuReserveTiers: {
            type: "array",
            items: {
                type: "object",
                properties: { upTo: { type: "number", exclusiveMinimum: 0 }, fraction: { type: "number", minimum: 0, maximum: 1 } },
                required: ["upTo", "fraction"],
            },
            default: CPU_RESERVE_TIERS,
            description: "kube-reserved CPU: fraction of each core up to upTo cores (GKE/AKS published tiers).",
        },
        memoryReserveTiers: {
            type: "array",
            items: {
                type: "object",
                properties: { upTo: { type: "number", exclusiveMinimum: 0 }, fraction: { type: "number", minimum: 0, maximum: 1 } },
                required: ["upTo", "fraction"],
            },
            default: MEMORY_RESERVE_TIERS,
            description: "kube-reserved memory: fraction of each GiB up to upTo GiB (GKE/AKS published tiers).",
        },
        evictionMemoryMi: { type: "number", minimum: 0, default: 100, description: "The kubelet's hard eviction threshold memory.available, MiB." },
        managedDaemonsPerNode: {
            type: "object",
            properties: { cpuM: { type: "number", minimum: 0 }, memMi: { type: "number", minimum: 0 } },
            required: ["cpuM", "memMi"],
            default: { cpuM: 250, memMi: 300 },
            description:
                "Per node: requests of the cloud's own node agents the stack does not declare (kube-proxy, CNI, CSI node plugins), millicores and MiB.",
        },
        managedAddons: {
            type: "object",
            properties: { cpuM: { type: "number", minimum: 0 }, memMi: { type: "number", minimum: 0 } },
            required: ["cpuM", "memMi"],
            default: { cpuM: 400, memMi: 600 },
            description: "Once per cluster on the default role: requests of the cloud's cluster add-ons (CoreDNS, metrics-server), millicores and MiB.",
        },
        roleLabel: { type: "string", default: "platform.agents.io/role", description: "Node label naming a pool's workload role." },
        roleTaint: { type: "string", default: "platform.agents.io/dedicated", description: "Taint key of pools dedicated to one role." },
        defaultRole: { type: "string", default: "system", description: "The role of pools without the role label, where pods without a role land." },
        machineSizes: {
            type: "object",
            additionalProperties: { type: "object", properties: { vcpu: { type: "number" }, memoryGib: { type: "number" } }, required: ["vcpu", "memoryGib"] },
            default: {},
            description: "Extra or corrected machine sizes, machine type -> {vcpu, memoryGib}; consulted before the built-in catalogues.",
        },
        ...SUBNET_ZONES_SCHEMA,
    },
    check: (resources, cfg, report) => {
        const view = stackNodes(resources, cfg);
        if (view.pools.length === 0) {
            return;
        }
        const demands = podDemands(resources);
        const clusters = new Map<string, NodePoolView[]>();
        for (const p of view.pools) {
            clusters.set(p.cluster, [...(clusters.get(p.cluster) ?? []), p]);
        }
        for (const pools of clusters.values()) {
            checkCluster(pools, demands, cfg, report);
        }
    },
});

function checkCluster(views: NodePoolView[], demands: PodDemand[], cfg: FitConfig, report: (m: string, urn?: string) => void): void {
    const pools: PoolFacts[] = [];
    for (const p of views) {
        const sched = p.scheduling;
        if (sched === UNKNOWN) {
            throw unknownError([p.label, "node labels and taints"]);
        }
        const types = need(p.machineTypes, "machine type", p).value;
        const sizes = types.map((t) => resolveMachineSize(p.cloud, t, cfg.machineSizes ?? {}));
        const unknown = types.filter((_, i) => !sizes[i]);
        if (unknown.length > 0 || types.length === 0) {
            report(
                msg(
                    `${p.label}: the fit of its workloads cannot be judged: machine type not in the ${p.cloud} size catalogue`,
                    types.length === 0 ? "no machine type" : unknown.map((t) => JSON.stringify(t)).join(", "),
                    "a catalogued machine type",
                    `use a catalogued type, or declare its size in this policy's config: "machineSizes": {"<type>": {"vcpu": <n>, "memoryGib": <n>}}`,
                ),
                p.urn,
            );
            continue;
        }
        const size = { vcpu: Math.min(...sizes.map((s) => s!.vcpu)), memoryGib: Math.min(...sizes.map((s) => s!.memoryGib)) };
        const zones = need(p.zones, "zones", p).value;
        pools.push({
            pool: p,
            role: sched.labels[cfg.roleLabel] ?? cfg.defaultRole,
            nodes: need(p.minNodes, "minimum nodes", p).value,
            zones,
            size,
            sched,
            free: allocatable(size, cfg),
            daemons: [],
        });
    }
    if (pools.length === 0) {
        return;
    }
    // DaemonSets: on every node of every pool that accepts them.
    for (const d of demands.filter((x) => x.daemon)) {
        for (const p of pools) {
            if (accepts(p, d, cfg)) {
                p.free = { cpuM: p.free.cpuM - d.requests.cpuM, memMi: p.free.memMi - d.requests.memMi };
                p.daemons.push(d.label);
            }
        }
    }
    const byRole = new Map<string, PodDemand[]>();
    for (const d of demands.filter((x) => !x.daemon && x.replicas > 0)) {
        const role = roleFor(pools, d, cfg);
        if (role === undefined) {
            report(
                msg(
                    `${d.label}: no node pool of ${pools[0].pool.clusterLabel} can run its pods`,
                    `tolerations ${JSON.stringify(d.placement.tolerations)}, nodeSelector ${JSON.stringify(d.placement.nodeSelector)}, required node affinity ${JSON.stringify(d.placement.required)}; pools: ${pools.map((p) => `${p.pool.label} (role ${p.role}, taints ${JSON.stringify(p.sched.taints)})`).join(", ")}`,
                    "a pool whose taints the pods tolerate and whose role label they select",
                    `add a pool of the role the pods ask for, or change their tolerations / node affinity`,
                ),
                d.urn,
            );
            continue;
        }
        byRole.set(role, [...(byRole.get(role) ?? []), d]);
    }
    for (const [role, list] of byRole) {
        const rolePools = pools.filter((p) => p.role === role);
        checkRole(role, rolePools, list, cfg, report);
    }
}

function checkRole(role: string, pools: PoolFacts[], list: PodDemand[], cfg: FitConfig, report: (m: string, urn?: string) => void): void {
    const nodes = pools.reduce((n, p) => n + p.nodes, 0);
    const urn = pools[0].pool.urn;
    const poolsText = pools
        .map(
            (p) =>
                `${p.pool.label}: ${p.nodes} x ${p.size!.vcpu} vCPU / ${p.size!.memoryGib} GiB, ${fmt(p.free)} free per node after reservations${p.daemons.length ? ` and ${p.daemons.length} DaemonSet(s)` : ""}`,
        )
        .join("; ");
    let capacity: Amount = pools.reduce((a, p) => ({ cpuM: a.cpuM + p.nodes * p.free.cpuM, memMi: a.memMi + p.nodes * p.free.memMi }), { cpuM: 0, memMi: 0 });
    if (role === cfg.defaultRole) {
        capacity = { cpuM: capacity.cpuM - cfg.managedAddons.cpuM, memMi: capacity.memMi - cfg.managedAddons.memMi };
    }
    const withNodes = pools.filter((p) => p.nodes > 0);
    const spare = cfg.nPlusOne && withNodes.length > 0;
    if (spare) {
        const largest = withNodes.reduce((a, p) => (p.free.cpuM + p.free.memMi > a.cpuM + a.memMi ? p.free : a), { cpuM: 0, memMi: 0 });
        capacity = { cpuM: capacity.cpuM - largest.cpuM, memMi: capacity.memMi - largest.memMi };
    }
    const demand = list.reduce((a, d) => ({ cpuM: a.cpuM + d.replicas * d.requests.cpuM, memMi: a.memMi + d.replicas * d.requests.memMi }), {
        cpuM: 0,
        memMi: 0,
    });
    const short: string[] = [];
    if (demand.cpuM > capacity.cpuM) {
        short.push(`CPU ${(demand.cpuM / 1000).toFixed(2)} > ${(capacity.cpuM / 1000).toFixed(2)} vCPU`);
    }
    if (demand.memMi > capacity.memMi) {
        short.push(`memory ${(demand.memMi / 1024).toFixed(2)} > ${(capacity.memMi / 1024).toFixed(2)} GiB`);
    }
    if (short.length > 0) {
        const top = [...list].sort((a, b) => b.replicas * b.requests.memMi - a.replicas * a.requests.memMi).slice(0, 5);
        report(
            msg(
                `node role "${role}" is too small for its workloads at minimum replicas${spare ? " with one node to spare (N+1)" : ""} (${short.join(", ")})`,
                `${list.length} workload(s) requesting ${fmt(demand)} in total (largest: ${top.map((d) => `${d.label} ${d.replicas} x ${fmt(d.requests)}`).join(", ")}); ${nodes} node(s): ${poolsText}${role === cfg.defaultRole ? `; ${fmt(cfg.managedAddons)} kept for the cloud's add-ons` : ""}`,
                `the requests within ${fmt(capacity)}, the pools' allocatable${spare ? " less their largest node" : ""}`,
                `raise the ${role} pools' minimum nodes or machine size, or lower the workloads' requests or minimum replicas`,
            ),
            urn,
        );
    }
    const biggestNode = pools.reduce((a, p) => (p.nodes > 0 && p.free.cpuM + p.free.memMi > a.cpuM + a.memMi ? p.free : a), { cpuM: -1, memMi: -1 });
    for (const d of list) {
        if (d.requests.cpuM > biggestNode.cpuM || d.requests.memMi > biggestNode.memMi) {
            report(
                msg(
                    `${d.label}: one pod does not fit any node of role "${role}"`,
                    `${fmt(d.requests)} per pod; the largest node offers ${biggestNode.cpuM < 0 ? "nothing (no nodes)" : fmt(biggestNode)} (${poolsText})`,
                    "each pod's requests within one node's free allocatable",
                    `use a larger machine type for the ${role} pools or lower the pod's requests`,
                ),
                d.urn,
            );
        }
        for (const rule of d.spread) {
            const m = checkSpread(d, rule, pools, nodes, `"${role}"`);
            if (m) {
                report(m, d.urn);
            }
        }
    }
}
