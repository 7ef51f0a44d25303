/**
 * One view of every node pool in a stack, whatever the cloud: EKS managed node groups (joined to
 * their launch template and subnets), GKE node pools and a cluster's default or inline pools (per-zone
 * counts multiplied by the zones), AKS inline agent pool profiles and separate AgentPools. Missing
 * properties take the provider's documented default, so the sizing rules judge what would really run.
 *
 * Provider defaults used (read 2026):
 * - EKS `aws_eks_node_group`: disk_size 20 GiB, instance_types ["t3.medium"]; an EBS volume in a
 *   launch template without volumeSize takes the AMI's root size (20 GiB for the EKS AMIs), without
 *   volumeType gp2, without encrypted false (unless EBS encryption by default is on).
 * - GKE node pool: machine_type e2-medium, disk_size_gb 100, disk_type pd-balanced, node_count 1 per
 *   zone; a regional cluster places nodes in 3 zones of its region unless node_locations says otherwise.
 * - AKS agent pool: count 1, osDiskSizeGB 128, osDiskType Managed (premium SSD only on VM sizes with
 *   premium storage, the `s` in the size name), no availability zones.
 * - DOKS node pool (the cluster's `nodePool` or a KubernetesNodePool): nodeCount, or minNodes with
 *   autoScale; the disk is the droplet's local SSD, fixed by its size slug (policy/catalog/
 *   digitalocean.ts), with no encryption setting; a pool lives in its cluster's region, one
 *   datacenter, so it spans one failure domain (DigitalOcean has no availability zones).
 */
import type { PolicyResource } from "@pulumi/policy";
import { resolveDropletSize } from "../catalog/digitalocean";
import type { SchemaProps } from "./rule";
import { arr, bool, label, num, obj, peek, UNKNOWN, unknownError } from "./util";

/** The cloud a pool belongs to (picks the machine catalogue). */
export type PoolCloud = "aws" | "gcp" | "azure" | "digitalocean";

/** A value with how it was derived (for messages). */
export interface Derived<T> {
    value: T;
    /** Where the value came from, e.g. `scalingConfig.minSize` or `default (provider)`. */
    from: string;
}

/** One node pool, normalised. */
export interface NodePoolView {
    cloud: PoolCloud;
    /** URN violations are reported against. */
    urn: string;
    /** Message label, e.g. `NodeGroup "agents"` or `ManagedCluster "aks" pool "system"`. */
    label: string;
    /** Key of the cluster the pool belongs to (cluster URN, else `name:<cluster name>`). */
    cluster: string;
    /** Cluster label for messages. */
    clusterLabel: string;
    /** Autoscaler minimum (or fixed count) over all zones; UNKNOWN during preview when unknowable. */
    minNodes: Derived<number> | typeof UNKNOWN;
    /** Distinct zones the pool spans; undefined when they cannot be determined from the stack. */
    zones: Derived<string[] | undefined> | typeof UNKNOWN;
    /** Machine types the pool may launch. */
    machineTypes: Derived<string[]> | typeof UNKNOWN;
    /** Root/OS disk size in GB. */
    diskGb: Derived<number> | typeof UNKNOWN;
    /** Root/OS disk type as the provider names it. */
    diskType: Derived<string> | typeof UNKNOWN;
    /** Whether that disk type is SSD-backed. */
    diskSsd: boolean | typeof UNKNOWN;
    /** Whether the node disks are encrypted with a customer-managed key (or host encryption on AKS). */
    diskEncrypted: Derived<boolean> | typeof UNKNOWN;
    /** Kubernetes labels and taints the pool puts on its nodes (effects in Kubernetes spelling). */
    scheduling: NodeScheduling | typeof UNKNOWN;
}

/** A taint as Kubernetes spells it. */
export interface NodeTaint {
    key: string;
    value?: string;
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The labels and taints of a pool's nodes. */
export interface NodeScheduling {
    labels: Record<string, string>;
    taints: NodeTaint[];
}

const EFFECTS: Record<string, NodeTaint["effect"]> = {
    NO_SCHEDULE: "NoSchedule",
    NoSchedule: "NoSchedule",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
    PreferNoSchedule: "PreferNoSchedule",
    NO_EXECUTE: "NoExecute",
    NoExecute: "NoExecute",
};

/**
 * Normalises taints: objects `{key, value, effect}` (EKS `NO_SCHEDULE`, GKE, DOKS) or AKS strings
 * `key=value:NoSchedule`. Unparseable entries are kept as NoSchedule on their text, so a pool is
 * never judged more open than it is.
 */
export function normaliseTaints(list: unknown[]): NodeTaint[] {
    return list.map((t) => {
        if (typeof t === "string") {
            const m = /^([^=:]+)(?:=([^:]*))?:(\w+)$/.exec(t.trim());
            return m ? { key: m[1], value: m[2], effect: EFFECTS[m[3]] ?? "NoSchedule" } : { key: t, effect: "NoSchedule" as const };
        }
        const o = obj(t) ?? {};
        return { key: String(o.key ?? ""), value: typeof o.value === "string" ? o.value : undefined, effect: EFFECTS[String(o.effect)] ?? "NoSchedule" };
    });
}

function scheduling(labels: unknown, taints: unknown): NodeScheduling | typeof UNKNOWN {
    return peek(() => {
        const l: Record<string, string> = {};
        for (const [k, v] of Object.entries(obj(labels) ?? {})) {
            l[k] = String(v);
        }
        return { labels: l, taints: normaliseTaints(arr(taints)) };
    });
}

/** A cluster (the thing node counts are summed over). */
export interface ClusterView {
    key: string;
    urn: string;
    label: string;
    cloud: PoolCloud;
}

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_NODEGROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SUBNET = "aws:ec2/subnet:Subnet";
const EBS_DEFAULT = "aws:ebs/encryptionByDefault:EncryptionByDefault";
const GKE_CLUSTER = "gcp:container/cluster:Cluster";
const GKE_NODEPOOL = "gcp:container/nodePool:NodePool";
const AKS_CLUSTER = "azure-native:containerservice:ManagedCluster";
const AKS_POOL = "azure-native:containerservice:AgentPool";
/** DOKS cluster and separate node pool type tokens. */
export const DOKS_CLUSTER = "digitalocean:index/kubernetesCluster:KubernetesCluster";
export const DOKS_POOL = "digitalocean:index/kubernetesNodePool:KubernetesNodePool";

/** Every type token the node view reads (rules use it to skip stacks without nodes). */
export const NODE_TYPES = [
    EKS_CLUSTER,
    EKS_NODEGROUP,
    LAUNCH_TEMPLATE,
    SUBNET,
    GKE_CLUSTER,
    GKE_NODEPOOL,
    AKS_CLUSTER,
    AKS_POOL,
    DOKS_CLUSTER,
    DOKS_POOL,
] as const;

/** configSchema fragment for NodeViewConfig. */
export const SUBNET_ZONES_SCHEMA: SchemaProps = {
    subnetZones: {
        type: "object",
        additionalProperties: { type: "string" },
        default: {},
        description: "Subnet id -> availability zone, for EKS node groups placed in subnets this stack does not create.",
    },
};

/** Per-policy config the view needs. */
export interface NodeViewConfig {
    /** Subnet id -> availability zone, for node groups placed in subnets not created in this stack. */
    subnetZones?: Record<string, string>;
}

type Props = Record<string, unknown>;

/** Resources this one depends on (the engine's `dependencies`, or the runner's). */
function deps(r: PolicyResource): PolicyResource[] {
    return ((r as unknown as { dependencies?: PolicyResource[] }).dependencies ?? []).filter(Boolean);
}

/** Resources feeding one property (the engine's `propertyDependencies[key]`). */
function propDeps(r: PolicyResource, key: string): PolicyResource[] | undefined {
    const pd = (r as unknown as { propertyDependencies?: Record<string, PolicyResource[]> }).propertyDependencies;
    const v = pd?.[key];
    return v && v.length > 0 ? v : undefined;
}

function str(v: unknown): string | undefined {
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** Reads `fn` and wraps a known result with where it came from. */
function derive<T>(fn: () => Derived<T>): Derived<T> | typeof UNKNOWN {
    return peek(fn);
}

// ---------- index (joins must stay linear on large stacks) ----------

interface Index {
    byType: Map<string, PolicyResource[]>;
    /** `<type>|<key>` -> resource, keys: name / id / arn (LaunchTemplate, EKS, GKE), resourceName (AKS). */
    byKey: Map<string, PolicyResource>;
}

const indexes = new WeakMap<PolicyResource[], Index>();

function indexOf(all: PolicyResource[]): Index {
    let ix = indexes.get(all);
    if (ix) {
        return ix;
    }
    ix = { byType: new Map(), byKey: new Map() };
    for (const r of all) {
        let list = ix.byType.get(r.type);
        if (!list) {
            list = [];
            ix.byType.set(r.type, list);
        }
        list.push(r);
        const keys =
            r.type === AKS_CLUSTER
                ? ["resourceName"]
                : r.type === LAUNCH_TEMPLATE
                  ? ["name", "id", "arn"]
                  : r.type === EKS_CLUSTER || r.type === GKE_CLUSTER
                    ? ["name"]
                    : [];
        for (const k of keys) {
            const v = peek(() => r.props[k]);
            if (typeof v === "string" && v !== "" && !ix.byKey.has(`${r.type}|${v}`)) {
                ix.byKey.set(`${r.type}|${v}`, r);
            }
        }
    }
    indexes.set(all, ix);
    return ix;
}

function byKey(all: PolicyResource[], type: string, key: unknown): PolicyResource | undefined {
    return typeof key === "string" && key !== "" ? indexOf(all).byKey.get(`${type}|${key}`) : undefined;
}

// ---------- EKS ----------

function findLaunchTemplate(ng: PolicyResource, all: PolicyResource[]): PolicyResource | undefined {
    const fromProp = propDeps(ng, "launchTemplate")?.find((d) => d.type === LAUNCH_TEMPLATE);
    if (fromProp) {
        return fromProp;
    }
    const ref = peek(() => obj(ng.props.launchTemplate));
    if (ref === UNKNOWN || !ref) {
        return undefined;
    }
    const id = peek(() => str(ref.id));
    const name = peek(() => str(ref.name));
    const byRef = byKey(all, LAUNCH_TEMPLATE, id) ?? byKey(all, LAUNCH_TEMPLATE, name);
    if (byRef) {
        return byRef;
    }
    const fromDeps = deps(ng).filter((d) => d.type === LAUNCH_TEMPLATE);
    return fromDeps.length === 1 ? fromDeps[0] : undefined;
}

/** The root volume mapping of a launch template (xvda/sda1, else the first mapping). */
function rootEbs(lt: PolicyResource): Props | undefined {
    const maps = arr<Props>(lt.props.blockDeviceMappings);
    const root = maps.find((m) => m.deviceName === "/dev/xvda" || m.deviceName === "/dev/sda1") ?? maps[0];
    return root ? obj(root.ebs) : undefined;
}

function eksZones(ng: PolicyResource, all: PolicyResource[], cfg: NodeViewConfig): Derived<string[] | undefined> {
    const ids = arr<unknown>(ng.props.subnetIds);
    const subnets = propDeps(ng, "subnetIds") ?? deps(ng).filter((d) => d.type === SUBNET);
    const zones = new Set<string>();
    for (const s of subnets) {
        const z = peek(() => str(s.props.availabilityZone) ?? str(s.props.availabilityZoneId));
        if (z !== UNKNOWN && z) {
            zones.add(z);
        }
    }
    if (zones.size === 0) {
        for (const id of ids) {
            const z = typeof id === "string" ? cfg.subnetZones?.[id] : undefined;
            if (z) {
                zones.add(z);
            }
        }
    }
    void all;
    if (zones.size === 0) {
        return { value: undefined, from: `subnetIds (${ids.length} subnets, none created in this stack or listed in subnetZones)` };
    }
    return { value: [...zones].sort(), from: "subnetIds -> Subnet.availabilityZone" };
}

function eksPool(ng: PolicyResource, all: PolicyResource[], cfg: NodeViewConfig, ebsDefault: boolean): NodePoolView {
    const p = ng.props;
    const lt = findLaunchTemplate(ng, all);
    const ebs = lt ? rootEbs(lt) : undefined;
    const cluster = eksCluster(ng, all);
    return {
        cloud: "aws",
        urn: ng.urn,
        label: label(ng),
        cluster: cluster.key,
        clusterLabel: cluster.label,
        minNodes: derive(() => {
            const sc = obj(p.scalingConfig) ?? {};
            const min = num(sc.minSize);
            return min !== undefined
                ? { value: min, from: "scalingConfig.minSize" }
                : { value: num(sc.desiredSize) ?? 0, from: "scalingConfig.desiredSize (no minSize)" };
        }),
        zones: derive(() => eksZones(ng, all, cfg)),
        scheduling: scheduling(p.labels, p.taints),
        machineTypes: derive(() => {
            const own = arr<string>(p.instanceTypes).filter((t) => typeof t === "string");
            if (own.length > 0) {
                return { value: own, from: "instanceTypes" };
            }
            const fromLt = lt ? str(lt.props.instanceType) : undefined;
            if (fromLt) {
                return { value: [fromLt], from: `launch template ${JSON.stringify(lt!.name)} instanceType` };
            }
            return { value: ["t3.medium"], from: "the EKS default (instanceTypes not set)" };
        }),
        diskGb: derive(() => {
            if (lt) {
                const size = ebs ? num(ebs.volumeSize) : undefined;
                return size !== undefined
                    ? { value: size, from: `launch template ${JSON.stringify(lt.name)} root volumeSize` }
                    : { value: 20, from: `the AMI default (launch template ${JSON.stringify(lt.name)} sets no root volumeSize)` };
            }
            const size = num(p.diskSize);
            return size !== undefined ? { value: size, from: "diskSize" } : { value: 20, from: "the EKS default (diskSize not set)" };
        }),
        diskType: derive(() => {
            if (lt) {
                const t = ebs ? str(ebs.volumeType) : undefined;
                return t
                    ? { value: t, from: `launch template ${JSON.stringify(lt.name)} root volumeType` }
                    : { value: "gp2", from: "the EC2 default (no volumeType)" };
            }
            return { value: "gp3", from: "the EKS managed node group default" };
        }),
        diskSsd: peek(() => {
            const t = lt ? ((ebs ? str(ebs.volumeType) : undefined) ?? "gp2") : "gp3";
            return ["gp2", "gp3", "io1", "io2"].includes(t);
        }),
        diskEncrypted: derive(() => {
            if (lt) {
                const enc = ebs ? bool(ebs.encrypted) : undefined;
                if (enc === true) {
                    return { value: true, from: `launch template ${JSON.stringify(lt.name)} root ebs.encrypted` };
                }
                return ebsDefault
                    ? { value: true, from: "EBS encryption by default (aws:ebs/encryptionByDefault in this stack)" }
                    : { value: false, from: `launch template ${JSON.stringify(lt.name)} root ebs.encrypted ${enc === false ? "false" : "not set"}` };
            }
            return ebsDefault
                ? { value: true, from: "EBS encryption by default" }
                : { value: false, from: "no launch template and no EBS encryption by default" };
        }),
    };
}

function eksCluster(ng: PolicyResource, all: PolicyResource[]): { key: string; label: string } {
    const name = peek(() => str(ng.props.clusterName));
    const match = byKey(all, EKS_CLUSTER, name) || (propDeps(ng, "clusterName") ?? deps(ng)).find((d) => d.type === EKS_CLUSTER);
    if (match) {
        return { key: match.urn, label: label(match) };
    }
    const n = name === UNKNOWN || !name ? "(unknown)" : name;
    return { key: `name:${n}`, label: `EKS cluster "${n}"` };
}

// ---------- GKE ----------

const REGION = /^[a-z]+-[a-z]+\d+$/;

function gkeLocations(clusterProps: Props | undefined, poolProps: Props | undefined): Derived<string[] | undefined> {
    const own = poolProps ? arr<string>(poolProps.nodeLocations) : [];
    if (own.length > 0) {
        return { value: [...new Set(own)].sort(), from: "nodeLocations" };
    }
    const fromCluster = clusterProps ? arr<string>(clusterProps.nodeLocations) : [];
    const location = str(poolProps?.location) ?? str(clusterProps?.location);
    if (fromCluster.length > 0) {
        const all = new Set(fromCluster);
        if (location && !REGION.test(location)) {
            all.add(location);
        }
        return { value: [...all].sort(), from: "the cluster's nodeLocations" };
    }
    if (!location) {
        return { value: undefined, from: "no nodeLocations and no location" };
    }
    if (REGION.test(location)) {
        return {
            value: [`${location}-(1)`, `${location}-(2)`, `${location}-(3)`],
            from: `regional location ${JSON.stringify(location)} (GKE default: 3 zones)`,
        };
    }
    return { value: [location], from: `zonal location ${JSON.stringify(location)}` };
}

function gkeDisk(nc: Props): { size: Derived<number>; type: Derived<string> } {
    const boot = obj(nc.bootDisk) ?? {};
    const size = num(boot.sizeGb) ?? num(nc.diskSizeGb);
    const type = str(boot.diskType) ?? str(nc.diskType);
    return {
        size:
            size !== undefined
                ? { value: size, from: num(boot.sizeGb) !== undefined ? "nodeConfig.bootDisk.sizeGb" : "nodeConfig.diskSizeGb" }
                : { value: 100, from: "the GKE default (diskSizeGb not set)" },
        type: type
            ? { value: type, from: str(boot.diskType) ? "nodeConfig.bootDisk.diskType" : "nodeConfig.diskType" }
            : { value: "pd-balanced", from: "the GKE default (diskType not set)" },
    };
}

function gkePool(
    r: PolicyResource,
    poolLabel: string,
    pool: Props,
    clusterProps: Props | undefined,
    cluster: { key: string; label: string },
    inline: "nodepool" | "default",
): NodePoolView {
    const ncOf = (): Props => obj(pool.nodeConfig) ?? {};
    const zones = derive(() => gkeLocations(clusterProps, inline === "nodepool" ? pool : undefined));
    return {
        cloud: "gcp",
        urn: r.urn,
        label: poolLabel,
        cluster: cluster.key,
        clusterLabel: cluster.label,
        minNodes: derive(() => {
            const z = zones === UNKNOWN ? undefined : zones.value?.length;
            const perZone = (n: number, from: string): Derived<number> =>
                z ? { value: n * z, from: `${from} x ${z} zones` } : { value: n, from: `${from} (zones unknown)` };
            const as = obj(pool.autoscaling);
            if (as) {
                const total = num(as.totalMinNodeCount);
                if (total !== undefined) {
                    return { value: total, from: "autoscaling.totalMinNodeCount" };
                }
                return perZone(num(as.minNodeCount) ?? 0, `autoscaling.minNodeCount ${num(as.minNodeCount) ?? 0} per zone`);
            }
            const n = num(pool.nodeCount) ?? num(pool.initialNodeCount);
            return n !== undefined
                ? perZone(n, `${num(pool.nodeCount) !== undefined ? "nodeCount" : "initialNodeCount"} ${n} per zone`)
                : perZone(1, "the default of 1 node per zone");
        }),
        zones,
        scheduling: peek(() => scheduling(ncOf().labels, ncOf().taints)) as NodeScheduling | typeof UNKNOWN,
        machineTypes: derive(() => {
            const t = str(ncOf().machineType);
            return t ? { value: [t], from: "nodeConfig.machineType" } : { value: ["e2-medium"], from: "the GKE default (machineType not set)" };
        }),
        diskGb: derive(() => gkeDisk(ncOf()).size),
        diskType: derive(() => gkeDisk(ncOf()).type),
        diskSsd: peek(() => !["pd-standard", "hyperdisk-throughput"].includes(gkeDisk(ncOf()).type.value)),
        diskEncrypted: derive(() => {
            const key = str(ncOf().bootDiskKmsKey);
            return key ? { value: true, from: "nodeConfig.bootDiskKmsKey" } : { value: false, from: "nodeConfig.bootDiskKmsKey not set (Google-managed key)" };
        }),
    };
}

function gkeClusterOf(np: PolicyResource, all: PolicyResource[]): PolicyResource | undefined {
    const ref = peek(() => str(np.props.cluster));
    if (ref !== UNKNOWN && ref) {
        const m = byKey(all, GKE_CLUSTER, ref) ?? byKey(all, GKE_CLUSTER, ref.split("/clusters/").pop());
        if (m) {
            return m;
        }
    }
    return (propDeps(np, "cluster") ?? deps(np)).find((d) => d.type === GKE_CLUSTER);
}

// ---------- AKS ----------

/** Whether an Azure VM size supports premium (SSD) managed disks: an `s` among its feature letters. */
export function azurePremiumCapable(vmSize: string): boolean {
    const m = /^standard_[a-z]+\d+(?:-\d+)?([a-z]*)_/i.exec(vmSize) ?? /^standard_[a-z]+\d+(?:-\d+)?([a-z]*)$/i.exec(vmSize);
    return !!m && m[1].toLowerCase().includes("s");
}

function aksPool(r: PolicyResource, poolLabel: string, p: Props, cluster: { key: string; label: string }, clusterProps: Props | undefined): NodePoolView {
    const diskType = (): string => str(p.osDiskType) ?? "Managed";
    return {
        cloud: "azure",
        urn: r.urn,
        label: poolLabel,
        cluster: cluster.key,
        clusterLabel: cluster.label,
        minNodes: derive(() => {
            const auto = bool(p.enableAutoScaling) === true;
            if (auto) {
                return { value: num(p.minCount) ?? 0, from: "minCount (autoscaling on)" };
            }
            const c = num(p.count);
            return c !== undefined ? { value: c, from: "count" } : { value: 1, from: "the AKS default count of 1" };
        }),
        zones: derive(() => {
            const z = arr<string>(p.availabilityZones);
            return { value: [...new Set(z)].sort(), from: z.length > 0 ? "availabilityZones" : "availabilityZones not set (no zone redundancy)" };
        }),
        machineTypes: derive(() => {
            const t = str(p.vmSize);
            return t ? { value: [t], from: "vmSize" } : { value: ["Standard_D2s_v3"], from: "the AKS default (vmSize not set)" };
        }),
        diskGb: derive(() => {
            const s = num(p.osDiskSizeGB);
            return s !== undefined ? { value: s, from: "osDiskSizeGB" } : { value: 128, from: "the AKS default (osDiskSizeGB not set)" };
        }),
        diskType: derive(() => ({ value: diskType(), from: str(p.osDiskType) ? "osDiskType" : "the AKS default osDiskType" })),
        scheduling: scheduling(p.nodeLabels, p.nodeTaints),
        diskSsd: peek(() => diskType() === "Ephemeral" || azurePremiumCapable(str(p.vmSize) ?? "Standard_D2s_v3")),
        diskEncrypted: derive(() => {
            if (bool(p.enableEncryptionAtHost) === true) {
                return { value: true, from: "enableEncryptionAtHost" };
            }
            if (clusterProps && str(clusterProps.diskEncryptionSetID)) {
                return { value: true, from: "the cluster's diskEncryptionSetID" };
            }
            return { value: false, from: "neither enableEncryptionAtHost nor the cluster's diskEncryptionSetID is set" };
        }),
    };
}

// ---------- DOKS ----------

function doksPool(r: PolicyResource, poolLabel: string, p: Props, cluster: { key: string; label: string }, clusterProps: Props | undefined): NodePoolView {
    const size = (): string | undefined => str(p.size);
    const droplet = (): ReturnType<typeof resolveDropletSize> => resolveDropletSize(size() ?? "");
    return {
        cloud: "digitalocean",
        urn: r.urn,
        label: poolLabel,
        cluster: cluster.key,
        clusterLabel: cluster.label,
        minNodes: derive(() => {
            if (bool(p.autoScale) === true) {
                return { value: num(p.minNodes) ?? 0, from: "minNodes (autoScale on)" };
            }
            const c = num(p.nodeCount);
            return c !== undefined ? { value: c, from: "nodeCount (autoScale off)" } : { value: 0, from: "neither autoScale with minNodes nor nodeCount set" };
        }),
        zones: derive(() => {
            const region = str(clusterProps?.region);
            return region
                ? { value: [region], from: `the cluster's region ${JSON.stringify(region)} (one datacenter; DigitalOcean has no availability zones)` }
                : { value: undefined, from: "the pool's cluster is not in this stack, so its region is unknown" };
        }),
        machineTypes: derive(() => {
            const t = size();
            return t ? { value: [t], from: "size" } : { value: [], from: "size not set" };
        }),
        diskGb: derive(() => {
            const d = droplet();
            return d
                ? { value: d.diskGb, from: `the local disk of droplet size ${JSON.stringify(size())}` }
                : { value: 0, from: `droplet size ${JSON.stringify(size() ?? "")} is not in the DigitalOcean catalogue, so its disk is unknown` };
        }),
        diskType: derive(() => ({ value: "local SSD", from: "the droplet's local disk (every droplet size is SSD)" })),
        scheduling: scheduling(p.labels, p.taints),
        diskSsd: true,
        diskEncrypted: derive(() => ({ value: false, from: "a droplet's local disk has no encryption setting or customer-managed key on DOKS" })),
    };
}

// ---------- the view ----------

/** The clusters and node pools of a stack. */
export interface StackNodes {
    clusters: ClusterView[];
    pools: NodePoolView[];
}

const cache = new WeakMap<PolicyResource[], Map<string, StackNodes>>();

/** Builds (once per resource list and config) the node view of a stack. */
export function stackNodes(resources: PolicyResource[], cfg: NodeViewConfig = {}): StackNodes {
    const key = JSON.stringify(cfg.subnetZones ?? {});
    let perList = cache.get(resources);
    const hit = perList?.get(key);
    if (hit) {
        return hit;
    }
    const clusters: ClusterView[] = [];
    const pools: NodePoolView[] = [];
    const ebsDefault = resources.some((r) => r.type === EBS_DEFAULT && peek(() => bool(r.props.enabled)) !== false);
    for (const r of resources) {
        switch (r.type) {
            case EKS_CLUSTER:
                clusters.push({ key: r.urn, urn: r.urn, label: label(r), cloud: "aws" });
                break;
            case EKS_NODEGROUP:
                pools.push(eksPool(r, resources, cfg, ebsDefault));
                break;
            case GKE_CLUSTER: {
                if (peek(() => bool(r.props.enableAutopilot)) === true) {
                    break; // Autopilot: Google provisions the nodes; nothing to size.
                }
                const c = { key: r.urn, label: label(r) };
                clusters.push({ key: r.urn, urn: r.urn, label: c.label, cloud: "gcp" });
                const p = r.props;
                if (peek(() => bool(p.removeDefaultNodePool)) !== true && peek(() => arr(p.nodePools).length) === 0) {
                    pools.push(gkePool(r, `${label(r)} default node pool`, p, p, c, "default"));
                }
                const inline = peek(() => arr<Props>(p.nodePools));
                if (inline !== UNKNOWN) {
                    inline.forEach((np, i) =>
                        pools.push(gkePool(r, `${label(r)} nodePools[${i}]${typeof np.name === "string" ? ` "${np.name}"` : ""}`, np, p, c, "nodepool")),
                    );
                }
                break;
            }
            case GKE_NODEPOOL: {
                const cl = gkeClusterOf(r, resources);
                const ref = peek(() => str(r.props.cluster));
                const c = cl
                    ? { key: cl.urn, label: label(cl) }
                    : { key: `name:${ref === UNKNOWN ? "(unknown)" : ref}`, label: `GKE cluster ${JSON.stringify(ref === UNKNOWN ? "(unknown)" : ref)}` };
                pools.push(gkePool(r, label(r), r.props, cl?.props, c, "nodepool"));
                break;
            }
            case AKS_CLUSTER: {
                const c = { key: r.urn, label: label(r) };
                clusters.push({ key: r.urn, urn: r.urn, label: c.label, cloud: "azure" });
                const profiles = peek(() => arr<Props>(r.props.agentPoolProfiles));
                if (profiles !== UNKNOWN) {
                    profiles.forEach((ap, i) =>
                        pools.push(aksPool(r, `${label(r)} agentPoolProfiles[${i}]${typeof ap.name === "string" ? ` "${ap.name}"` : ""}`, ap, c, r.props)),
                    );
                }
                break;
            }
            case AKS_POOL: {
                const ref = peek(() => str(r.props.resourceName));
                const cl = byKey(resources, AKS_CLUSTER, ref) || (propDeps(r, "resourceName") ?? deps(r)).find((d) => d.type === AKS_CLUSTER);
                const c = cl
                    ? { key: cl.urn, label: label(cl) }
                    : { key: `name:${ref === UNKNOWN ? "(unknown)" : ref}`, label: `AKS cluster ${JSON.stringify(ref === UNKNOWN ? "(unknown)" : ref)}` };
                pools.push(aksPool(r, label(r), r.props, c, cl?.props));
                break;
            }
            case DOKS_CLUSTER: {
                const c = { key: r.urn, label: label(r) };
                clusters.push({ key: r.urn, urn: r.urn, label: c.label, cloud: "digitalocean" });
                const np = peek(() => obj(r.props.nodePool));
                if (np !== UNKNOWN && np) {
                    pools.push(doksPool(r, `${label(r)} nodePool${typeof np.name === "string" ? ` "${np.name}"` : ""}`, np, c, r.props));
                }
                break;
            }
            case DOKS_POOL: {
                const cl = (propDeps(r, "clusterId") ?? deps(r)).find((d) => d.type === DOKS_CLUSTER);
                const ref = peek(() => str(r.props.clusterId));
                const c = cl
                    ? { key: cl.urn, label: label(cl) }
                    : { key: `name:${ref === UNKNOWN ? "(unknown)" : ref}`, label: `DOKS cluster ${JSON.stringify(ref === UNKNOWN ? "(unknown)" : ref)}` };
                pools.push(doksPool(r, label(r), r.props, c, cl?.props));
                break;
            }
            default:
                break;
        }
    }
    const view = { clusters, pools };
    if (!perList) {
        perList = new Map();
        cache.set(resources, perList);
    }
    perList.set(key, view);
    return view;
}

/** Reads a derived value or rethrows the preview's unknown-value condition for the engine to report. */
export function need<T>(v: Derived<T> | typeof UNKNOWN, what: string, pool: NodePoolView): Derived<T> {
    if (v === UNKNOWN) {
        throw unknownError([pool.label, what]);
    }
    return v;
}
