/**
 * What a stack asks of its nodes: every pod it will run at rest, with its requests, how many, where
 * it may land and the hard spread constraints it carries. Read from the program's objects and the
 * rendered charts' objects alike (they share type tokens), plus the pods operators create from the
 * custom resources the program declares:
 *
 * - Deployments, StatefulSets and ReplicaSets at `spec.replicas`, or, when unset, the `minReplicas`
 *   of the HorizontalPodAutoscaler that targets them (else the Kubernetes default 1); bare Pods at 1;
 * - DaemonSets on every node of every pool whose taints they tolerate and whose labels they match;
 * - CloudNativePG `Cluster` (postgresql.cnpg.io/v1): `instances` pods of `spec.resources` plus the
 *   Barman Cloud plugin's sidecar (its `ObjectStore`'s `instanceSidecarConfiguration.resources`), with the
 *   operator's anti-affinity (`enablePodAntiAffinity` default true, `podAntiAffinityType` default
 *   preferred, `topologyKey` default kubernetes.io/hostname) (cloudnative-pg.io/documentation,
 *   "Scheduling");
 * - Percona `PerconaServerMongoDB` (psmdb.percona.com/v1): per replset `size` members of
 *   `resources` plus its sidecars and, with backups on, the pbm-agent (`spec.backup.resources`);
 *   the replset's `arbiter` and `nonvoting` members when enabled. Anti-affinity: `advanced` when set
 *   (the operator then ignores `antiAffinityTopologyKey`), else required on
 *   `antiAffinityTopologyKey` (default kubernetes.io/hostname, "none" turns it off) (Percona docs,
 *   "Binding Percona Server for MongoDB components to specific nodes");
 * - OT-Container-Kit `RedisReplication` (redis.redis.opstreelabs.in/v1beta2): `clusterSize` pods of
 *   `kubernetesConfig.resources` plus the exporter, and `sentinel.size` Sentinels;
 * - Prometheus Operator `Prometheus` and `Alertmanager` (monitoring.coreos.com/v1): `replicas`
 *   (x `shards`) of `resources`;
 * - Envoy Gateway `EnvoyProxy` (gateway.envoyproxy.io/v1alpha1): the proxy Deployment of
 *   `provider.kubernetes.envoyDeployment` at its `replicas` or the `envoyHpa.minReplicas`.
 *
 * Jobs and CronJobs are left out: they run to completion and do not hold capacity at rest.
 * A container without requests takes its limits (as Kubernetes does), else the namespace's
 * LimitRange `defaultRequest` when the stack declares one, else nothing.
 */
import type { PolicyResource } from "@pulumi/policy";
import { podSpec } from "./pods";
import { toGiB } from "./quantity";
import { arr, at, k8sId, num, obj, peek, UNKNOWN } from "./util";

type Props = Record<string, unknown>;

/** CPU in millicores and memory in MiB. */
export interface Amount {
    cpuM: number;
    memMi: number;
}

/** A toleration as Kubernetes takes it. */
export interface Toleration {
    key?: string;
    operator?: string;
    value?: string;
    effect?: string;
}

/** A node selector requirement. */
export interface Requirement {
    key: string;
    operator: string;
    values?: string[];
}

/** Where a pod may and would rather land. */
export interface Placement {
    nodeSelector: Record<string, string>;
    /** OR of terms, each an AND of requirements (empty: no requirement). */
    required: Requirement[][];
    preferred: { weight: number; requirements: Requirement[] }[];
    tolerations: Toleration[];
}

/** A hard constraint among the workload's own pods. */
export interface SpreadRule {
    kind: "topologySpread" | "antiAffinity";
    topologyKey: string;
    /** topologySpread: maxSkew (antiAffinity: 1 pod per domain). */
    maxSkew: number;
    minDomains?: number;
    /** Where it was read, for messages. */
    from: string;
}

/** One set of identical pods. */
export interface PodDemand {
    /** Message label, e.g. `Deployment "jamie/jamie"`. */
    label: string;
    urn: string;
    /** Per pod. */
    requests: Amount;
    /** Pods at rest (ignored for DaemonSets). */
    replicas: number;
    replicasFrom: string;
    daemon: boolean;
    placement: Placement;
    spread: SpreadRule[];
}

/** Millicores of a CPU quantity (`250m`, `1`, `0.5`, 2); undefined when it does not parse. */
export function cpuMillicores(q: unknown): number | undefined {
    if (typeof q === "number" && Number.isFinite(q)) {
        return q * 1000;
    }
    if (typeof q !== "string") {
        return undefined;
    }
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
    return m ? (m[2] === "m" ? Number(m[1]) : Number(m[1]) * 1000) : undefined;
}

/** MiB of a memory quantity (`512Mi`, `2Gi`, `1G`, bytes); undefined when it does not parse. */
export function memoryMebibytes(q: unknown): number | undefined {
    const g = toGiB(q);
    return g === undefined ? undefined : g * 1024;
}

interface Defaults {
    cpu?: number;
    mem?: number;
}

/** Namespace -> the LimitRange Container defaultRequest (falling back to its default). */
function limitRangeDefaults(resources: PolicyResource[]): Map<string, Defaults> {
    const out = new Map<string, Defaults>();
    for (const r of resources) {
        if (r.type !== "kubernetes:core/v1:LimitRange") {
            continue;
        }
        const seen = peek(() => {
            const item = arr<Props>(at(r.props, "spec.limits")).find((l) => obj(l)?.type === "Container");
            if (!item) {
                return undefined;
            }
            const req = obj(item.defaultRequest) ?? {};
            const lim = obj(item.default) ?? {};
            return { ns: k8sId(r.props).namespace, d: { cpu: cpuMillicores(req.cpu ?? lim.cpu), mem: memoryMebibytes(req.memory ?? lim.memory) } };
        });
        if (seen !== UNKNOWN && seen) {
            out.set(seen.ns, seen.d);
        }
    }
    return out;
}

/** Requests of one container's `resources` (limits when requests are unset, then the defaults). */
function containerRequests(resources: unknown, d: Defaults): Amount {
    const req = obj(obj(resources)?.requests) ?? {};
    const lim = obj(obj(resources)?.limits) ?? {};
    return {
        cpuM: cpuMillicores(req.cpu) ?? cpuMillicores(lim.cpu) ?? d.cpu ?? 0,
        memMi: memoryMebibytes(req.memory) ?? memoryMebibytes(lim.memory) ?? d.mem ?? 0,
    };
}

const add = (a: Amount, b: Amount): Amount => ({ cpuM: a.cpuM + b.cpuM, memMi: a.memMi + b.memMi });
const max = (a: Amount, b: Amount): Amount => ({ cpuM: Math.max(a.cpuM, b.cpuM), memMi: Math.max(a.memMi, b.memMi) });
const ZERO: Amount = { cpuM: 0, memMi: 0 };

/**
 * A pod's effective requests (Kubernetes "Resource sharing within containers"): the larger of the
 * app containers plus restartable (sidecar) init containers, and the largest other init container;
 * plus `overhead`.
 */
export function podRequests(spec: Props, d: Defaults = {}): Amount {
    let app = ZERO;
    for (const c of arr<Props>(spec.containers)) {
        app = add(app, containerRequests(obj(c)?.resources, d));
    }
    let init = ZERO;
    for (const c of arr<Props>(spec.initContainers)) {
        const r = containerRequests(obj(c)?.resources, d);
        if (obj(c)?.restartPolicy === "Always") {
            app = add(app, r);
        } else {
            init = max(init, r);
        }
    }
    const overhead = obj(spec.overhead) ?? {};
    return add(max(app, init), { cpuM: cpuMillicores(overhead.cpu) ?? 0, memMi: memoryMebibytes(overhead.memory) ?? 0 });
}

function requirements(list: unknown): Requirement[] {
    return arr<Props>(list).map((e) => ({ key: String(e.key ?? ""), operator: String(e.operator ?? "In"), values: arr<unknown>(e.values).map(String) }));
}

/** The placement of a pod from its nodeSelector, affinity and tolerations. */
export function placementOf(nodeSelector: unknown, affinity: unknown, tolerations: unknown): Placement {
    const na = obj(obj(affinity)?.nodeAffinity) ?? {};
    const req = obj(na.requiredDuringSchedulingIgnoredDuringExecution);
    const sel: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(nodeSelector) ?? {})) {
        sel[k] = String(v);
    }
    return {
        nodeSelector: sel,
        required: req ? arr<Props>(req.nodeSelectorTerms).map((t) => requirements(obj(t)?.matchExpressions)) : [],
        preferred: arr<Props>(na.preferredDuringSchedulingIgnoredDuringExecution).map((p) => ({
            weight: num(p.weight) ?? 1,
            requirements: requirements(obj(p.preference)?.matchExpressions),
        })),
        tolerations: arr<Props>(tolerations).map((t) => ({
            key: typeof t.key === "string" ? t.key : undefined,
            operator: typeof t.operator === "string" ? t.operator : undefined,
            value: typeof t.value === "string" ? t.value : undefined,
            effect: typeof t.effect === "string" && t.effect !== "" ? t.effect : undefined,
        })),
    };
}

/** Whether a label selector selects pods with `labels` (matchLabels and In/NotIn/Exists/DoesNotExist). */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
    const s = obj(selector);
    if (!s) {
        return false;
    }
    for (const [k, v] of Object.entries(obj(s.matchLabels) ?? {})) {
        if (labels[k] !== String(v)) {
            return false;
        }
    }
    for (const e of requirements(s.matchExpressions)) {
        const has = e.key in labels;
        const ok =
            e.operator === "In"
                ? has && (e.values ?? []).includes(labels[e.key])
                : e.operator === "NotIn"
                  ? !has || !(e.values ?? []).includes(labels[e.key])
                  : e.operator === "Exists"
                    ? has
                    : e.operator === "DoesNotExist"
                      ? !has
                      : false;
        if (!ok) {
            return false;
        }
    }
    return Object.keys(obj(s.matchLabels) ?? {}).length + arr(s.matchExpressions).length > 0;
}

/**
 * The hard constraints among a pod's own replicas: `topologySpreadConstraints` with
 * `whenUnsatisfiable: DoNotSchedule` and required pod anti-affinity terms whose selector selects
 * the pod itself. `self` says whether to trust selectors (operator-made pods: always own).
 */
export function hardSpread(spec: Props, podLabels: Record<string, string> | "own", where: string): SpreadRule[] {
    const own = (sel: unknown): boolean => podLabels === "own" || selects(sel, podLabels);
    const out: SpreadRule[] = [];
    arr<Props>(spec.topologySpreadConstraints).forEach((c, i) => {
        if (c.whenUnsatisfiable === "DoNotSchedule" && own(c.labelSelector)) {
            out.push({
                kind: "topologySpread",
                topologyKey: String(c.topologyKey ?? ""),
                maxSkew: num(c.maxSkew) ?? 1,
                minDomains: num(c.minDomains),
                from: `${where}topologySpreadConstraints[${i}]`,
            });
        }
    });
    const terms = arr<Props>(at(spec, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"));
    terms.forEach((t, i) => {
        if (own(t.labelSelector)) {
            out.push({
                kind: "antiAffinity",
                topologyKey: String(t.topologyKey ?? ""),
                maxSkew: 1,
                from: `${where}affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[${i}]`,
            });
        }
    });
    return out;
}

const WORKLOADS = new Set([
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:core/v1:Pod",
    "kubernetes:apps/v1:DaemonSet",
]);
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const CNPG = "kubernetes:postgresql.cnpg.io/v1:Cluster";
const PSMDB = "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB";
const REDIS_REPLICATION = "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication";
const PROMETHEUS = "kubernetes:monitoring.coreos.com/v1:Prometheus";
const ALERTMANAGER = "kubernetes:monitoring.coreos.com/v1:Alertmanager";
const ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy";
const BARMAN_OBJECT_STORE = "kubernetes:barmancloud.cnpg.io/v1:ObjectStore";

/** Every type token the demand reads. */
export const DEMAND_TYPES = [
    ...WORKLOADS,
    HPA,
    CNPG,
    PSMDB,
    REDIS_REPLICATION,
    PROMETHEUS,
    ALERTMANAGER,
    ENVOY_PROXY,
    BARMAN_OBJECT_STORE,
    "kubernetes:core/v1:LimitRange",
];

/** `namespace/Kind/name` -> the smallest minReplicas of the HPAs that target it (HPA default 1). */
export function hpaFloors(resources: { type: string; props: Record<string, unknown> }[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const h of resources) {
        if (h.type !== HPA) {
            continue;
        }
        const seen = peek(() => {
            const id = k8sId(h.props);
            const ref = obj(at(h.props, "spec.scaleTargetRef"));
            return ref ? { key: `${id.namespace}/${String(ref.kind)}/${String(ref.name)}`, min: num(at(h.props, "spec.minReplicas")) ?? 1 } : undefined;
        });
        if (seen !== UNKNOWN && seen) {
            out.set(seen.key, Math.min(out.get(seen.key) ?? Infinity, seen.min));
        }
    }
    return out;
}

function labelsOf(v: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(obj(v) ?? {})) {
        out[k] = String(x);
    }
    return out;
}

function kindOf(type: string): string {
    return type.split(":").pop() ?? type;
}

function fromWorkload(r: PolicyResource, floors: Map<string, number>, d: Defaults): PodDemand | undefined {
    const spec = podSpec(r.type, r.props);
    if (!spec) {
        return undefined;
    }
    const id = k8sId(r.props);
    const kind = kindOf(r.type);
    const label = `${kind} "${id.namespace}/${id.name}"`;
    const tplLabels = labelsOf(r.type === "kubernetes:core/v1:Pod" ? at(r.props, "metadata.labels") : at(r.props, "spec.template.metadata.labels"));
    let replicas = 1;
    let replicasFrom = "a single pod";
    if (kind !== "Pod" && kind !== "DaemonSet") {
        const set = num(at(r.props, "spec.replicas"));
        const hpa = floors.get(`${id.namespace}/${kind}/${id.name}`);
        replicas = set ?? hpa ?? 1;
        replicasFrom =
            set !== undefined
                ? "spec.replicas"
                : hpa !== undefined
                  ? "HorizontalPodAutoscaler minReplicas (spec.replicas unset)"
                  : "the Kubernetes default 1 (spec.replicas unset)";
    }
    const where = kind === "Pod" ? "spec." : "spec.template.spec.";
    return {
        label,
        urn: r.urn,
        requests: podRequests(spec, d),
        replicas,
        replicasFrom,
        daemon: kind === "DaemonSet",
        placement: placementOf(spec.nodeSelector, spec.affinity, spec.tolerations),
        spread: hardSpread(spec, tplLabels, where),
    };
}

/** Operator anti-affinity as a rule (CNPG, PSMDB), or none. */
function antiAffinity(key: string | undefined, from: string): SpreadRule[] {
    return key ? [{ kind: "antiAffinity", topologyKey: key, maxSkew: 1, from }] : [];
}

/** Namespace/name -> the Barman Cloud ObjectStore's sidecar requests (the plugin injects it into every instance). */
function barmanSidecars(resources: PolicyResource[], d: (ns: string) => Defaults): Map<string, Amount> {
    const out = new Map<string, Amount>();
    for (const r of resources) {
        if (r.type !== BARMAN_OBJECT_STORE) {
            continue;
        }
        const seen = peek(() => {
            const id = k8sId(r.props);
            return { key: `${id.namespace}/${id.name}`, req: containerRequests(at(r.props, "spec.instanceSidecarConfiguration.resources"), d(id.namespace)) };
        });
        if (seen !== UNKNOWN) {
            out.set(seen.key, seen.req);
        }
    }
    return out;
}

function cnpg(r: PolicyResource, d: Defaults, sidecars: Map<string, Amount>): PodDemand[] {
    const s = obj(r.props.spec) ?? {};
    const id = k8sId(r.props);
    let sidecar = ZERO;
    for (const pl of arr<Props>(s.plugins)) {
        const store = at(pl, "parameters.barmanObjectName");
        if (pl.enabled !== false && typeof store === "string") {
            sidecar = add(sidecar, sidecars.get(`${id.namespace}/${store}`) ?? ZERO);
        }
    }
    const aff = obj(s.affinity) ?? {};
    const enabled = aff.enablePodAntiAffinity !== false;
    const required = enabled && aff.podAntiAffinityType === "required";
    const key = typeof aff.topologyKey === "string" && aff.topologyKey ? aff.topologyKey : "kubernetes.io/hostname";
    const instances = num(s.instances);
    return [
        {
            label: `Cluster "${id.namespace}/${id.name}" (CloudNativePG instances)`,
            urn: r.urn,
            requests: add(containerRequests(s.resources, d), sidecar),
            replicas: instances ?? 1,
            replicasFrom: instances !== undefined ? "spec.instances" : "the CloudNativePG default 1 instance",
            daemon: false,
            placement: placementOf(aff.nodeSelector, { nodeAffinity: aff.nodeAffinity }, aff.tolerations),
            spread: [
                ...hardSpread({ topologySpreadConstraints: s.topologySpreadConstraints }, "own", "spec."),
                ...(required ? antiAffinity(key, `spec.affinity (podAntiAffinityType required, topologyKey ${key})`) : []),
            ],
        },
    ];
}

/** PSMDB affinity: `advanced` wins; else required anti-affinity on antiAffinityTopologyKey (default hostname, "none" off). */
function psmdbAffinity(aff: Props | undefined, where: string): { affinity: unknown; spread: SpreadRule[] } {
    if (aff && obj(aff.advanced)) {
        return { affinity: aff.advanced, spread: hardSpread({ affinity: aff.advanced }, "own", `${where}affinity.advanced.`) };
    }
    const key = typeof aff?.antiAffinityTopologyKey === "string" && aff.antiAffinityTopologyKey ? aff.antiAffinityTopologyKey : "kubernetes.io/hostname";
    return { affinity: undefined, spread: key.toLowerCase() === "none" ? [] : antiAffinity(key, `${where}affinity.antiAffinityTopologyKey ${key}`) };
}

function psmdb(r: PolicyResource, d: Defaults): PodDemand[] {
    const s = obj(r.props.spec) ?? {};
    const id = k8sId(r.props);
    const backup = obj(s.backup);
    const pbm = backup && backup.enabled !== false ? containerRequests(backup.resources, d) : ZERO;
    const out: PodDemand[] = [];
    arr<Props>(s.replsets).forEach((rs, i) => {
        const where = `spec.replsets[${i}].`;
        const name = typeof rs.name === "string" ? rs.name : `#${i}`;
        let req = add(containerRequests(rs.resources, d), pbm);
        for (const c of arr<Props>(rs.sidecars)) {
            req = add(req, containerRequests(obj(c)?.resources, d));
        }
        const a = psmdbAffinity(obj(rs.affinity), where);
        const size = num(rs.size);
        out.push({
            label: `PerconaServerMongoDB "${id.namespace}/${id.name}" replset "${name}" members`,
            urn: r.urn,
            requests: req,
            replicas: size ?? 3,
            replicasFrom: size !== undefined ? `${where}size` : "the operator default of 3 members",
            daemon: false,
            placement: placementOf(rs.nodeSelector, a.affinity, rs.tolerations),
            spread: [...hardSpread({ topologySpreadConstraints: rs.topologySpreadConstraints }, "own", where), ...a.spread],
        });
        for (const extra of ["arbiter", "nonvoting"] as const) {
            const m = obj(rs[extra]);
            if (!m || m.enabled !== true) {
                continue;
            }
            const ma = psmdbAffinity(obj(m.affinity), `${where}${extra}.`);
            out.push({
                label: `PerconaServerMongoDB "${id.namespace}/${id.name}" replset "${name}" ${extra}`,
                urn: r.urn,
                requests: containerRequests(m.resources, d),
                replicas: num(m.size) ?? 1,
                replicasFrom: `${where}${extra}.size`,
                daemon: false,
                placement: placementOf(m.nodeSelector, ma.affinity, m.tolerations),
                spread: [...hardSpread({ topologySpreadConstraints: m.topologySpreadConstraints }, "own", `${where}${extra}.`), ...ma.spread],
            });
        }
    });
    return out;
}

function redis(r: PolicyResource, d: Defaults): PodDemand[] {
    const s = obj(r.props.spec) ?? {};
    const id = k8sId(r.props);
    const exporter = obj(s.redisExporter);
    const size = num(s.clusterSize);
    const out: PodDemand[] = [
        {
            label: `RedisReplication "${id.namespace}/${id.name}" (Redis pods)`,
            urn: r.urn,
            requests: add(
                containerRequests(at(s, "kubernetesConfig.resources"), d),
                exporter?.enabled === true ? containerRequests(exporter.resources, d) : ZERO,
            ),
            replicas: size ?? 3,
            replicasFrom: size !== undefined ? "spec.clusterSize" : "the operator default clusterSize 3",
            daemon: false,
            placement: placementOf(s.nodeSelector, s.affinity, s.tolerations),
            spread: hardSpread({ topologySpreadConstraints: s.topologySpreadConstraints, affinity: s.affinity }, "own", "spec."),
        },
    ];
    const sentinel = obj(s.sentinel);
    if (sentinel) {
        out.push({
            label: `RedisReplication "${id.namespace}/${id.name}" (Sentinels)`,
            urn: r.urn,
            requests: containerRequests(sentinel.resources, d),
            replicas: num(sentinel.size) ?? 3,
            replicasFrom: "spec.sentinel.size",
            daemon: false,
            placement: placementOf(sentinel.nodeSelector, sentinel.affinity, sentinel.tolerations),
            spread: hardSpread({ topologySpreadConstraints: sentinel.topologySpreadConstraints, affinity: sentinel.affinity }, "own", "spec.sentinel."),
        });
    }
    return out;
}

function promLike(r: PolicyResource, d: Defaults): PodDemand[] {
    const s = obj(r.props.spec) ?? {};
    const id = k8sId(r.props);
    const replicas = num(s.replicas) ?? 1;
    const shards = r.type === PROMETHEUS ? (num(s.shards) ?? 1) : 1;
    return [
        {
            label: `${kindOf(r.type)} "${id.namespace}/${id.name}"`,
            urn: r.urn,
            requests: containerRequests(s.resources, d),
            replicas: replicas * shards,
            replicasFrom: shards > 1 ? "spec.replicas x spec.shards" : num(s.replicas) !== undefined ? "spec.replicas" : "the operator default of 1 replica",
            daemon: false,
            placement: placementOf(s.nodeSelector, s.affinity, s.tolerations),
            spread: hardSpread({ topologySpreadConstraints: s.topologySpreadConstraints, affinity: s.affinity }, "own", "spec."),
        },
    ];
}

function envoyProxy(r: PolicyResource): PodDemand[] {
    const k = obj(at(r.props, "spec.provider.kubernetes"));
    const dep = obj(k?.envoyDeployment) ?? {};
    const pod = obj(dep.pod) ?? {};
    const id = k8sId(r.props);
    const set = num(dep.replicas);
    const hpa = num(at(k, "envoyHpa.minReplicas"));
    // Envoy Gateway's defaults: the envoy container requests 100m / 512Mi when the EnvoyProxy sets
    // none, and the shutdown manager beside it 10m / 32Mi (gateway.envoyproxy.io API reference).
    const shutdown: Amount = { cpuM: 10, memMi: 32 };
    return [
        {
            label: `EnvoyProxy "${id.namespace}/${id.name}" (Envoy proxy pods)`,
            urn: r.urn,
            requests: add(containerRequests(at(dep, "container.resources"), { cpu: 100, mem: 512 }), shutdown),
            replicas: hpa ?? set ?? 1,
            replicasFrom: hpa !== undefined ? "envoyHpa.minReplicas" : set !== undefined ? "envoyDeployment.replicas" : "the Envoy Gateway default of 1",
            daemon: false,
            placement: placementOf(pod.nodeSelector, pod.affinity, pod.tolerations),
            spread: hardSpread(
                { topologySpreadConstraints: pod.topologySpreadConstraints, affinity: pod.affinity },
                "own",
                "spec.provider.kubernetes.envoyDeployment.pod.",
            ),
        },
    ];
}

/**
 * Every pod demand of a stack. Objects whose props are unknown during preview are skipped (the
 * rule reports what it can judge).
 */
export function podDemands(resources: PolicyResource[]): PodDemand[] {
    const floors = hpaFloors(resources);
    const defaults = limitRangeDefaults(resources);
    const sidecars = barmanSidecars(resources, (ns) => defaults.get(ns) ?? {});
    const out: PodDemand[] = [];
    for (const r of resources) {
        const read = (): PodDemand[] => {
            const d = defaults.get(k8sId(r.props).namespace) ?? {};
            if (WORKLOADS.has(r.type)) {
                const w = fromWorkload(r, floors, d);
                return w ? [w] : [];
            }
            switch (r.type) {
                case CNPG:
                    return cnpg(r, d, sidecars);
                case PSMDB:
                    return psmdb(r, d);
                case REDIS_REPLICATION:
                    return redis(r, d);
                case PROMETHEUS:
                case ALERTMANAGER:
                    return promLike(r, d);
                case ENVOY_PROXY:
                    return envoyProxy(r);
                default:
                    return [];
            }
        };
        if (!WORKLOADS.has(r.type) && ![CNPG, PSMDB, REDIS_REPLICATION, PROMETHEUS, ALERTMANAGER, ENVOY_PROXY].includes(r.type)) {
            continue;
        }
        const got = peek(read);
        if (got !== UNKNOWN) {
            out.push(...got);
        }
    }
    return out;
}
