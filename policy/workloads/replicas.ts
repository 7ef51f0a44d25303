/**
 * A6: Deployments and StatefulSets run at least N replicas (unset means the Kubernetes default 1,
 * unless a HorizontalPodAutoscaler in the stack targets the workload: then its `minReplicas` is the
 * floor, and leaving `spec.replicas` unset is what keeps `pulumi up` from resetting the count the
 * HPA owns).
 *
 * Two kinds of workload are judged by what high availability means for them, each listed by name
 * with its reason (docs/policies.md prints the lists):
 * - leader-elected controllers: one replica works, the others wait for its lease; two survive the
 *   loss of a node or zone, a third only waits too (`leaderElected`, at `leaderElectedMinReplicas`);
 * - singletons by design: a second replica would be wrong (duplicate reconciles or series, a
 *   ReadWriteOnce volume), and the workload is out of the request path (`singletons`, at 1).
 */
import { hpaFloors } from "../lib/podDemand";
import { findExemption, reasonedExemptionSchema, type ReasonedExemption } from "../lib/exemptions";
import { stackRule } from "../lib/rule";
import { at, k8sId, label, msg, peek, show, UNKNOWN } from "../lib/util";

interface Config {
    minReplicas: number;
    leaderElectedMinReplicas: number;
    leaderElected: ReasonedExemption[];
    singletons: ReasonedExemption[];
}

const LEADER_ELECTION = "leader-elected: one replica holds the lease and reconciles, a second takes over within the lease duration (15 s)";

/** The platform's own leader-elected controllers (chart release names as components/platform installs them). */
export const DEFAULT_LEADER_ELECTED: ReasonedExemption[] = [
    { workload: "cert-manager/cert-manager", reason: `cert-manager controller, ${LEADER_ELECTION} (--leader-election-namespace)` },
    { workload: "cert-manager/cert-manager-cainjector", reason: `cert-manager CA injector, ${LEADER_ELECTION}` },
    {
        workload: "platform-gateway/envoy-gateway",
        reason: `Envoy Gateway controller, ${LEADER_ELECTION}; traffic flows through the Envoy proxies (3+ replicas, HPA), not through it`,
    },
    { workload: "data-postgres/cloudnative-pg", reason: `CloudNativePG operator, ${LEADER_ELECTION} (--leader-elect); PostgreSQL itself runs 3 instances` },
    {
        workload: "data-postgres/plugin-barman-cloud",
        reason: `Barman Cloud plugin, ${LEADER_ELECTION} (--leader-elect); WAL archiving runs in the PostgreSQL pods' sidecars`,
    },
    { workload: "data-mongodb/psmdb-operator", reason: `Percona Operator for MongoDB, ${LEADER_ELECTION}; MongoDB itself runs 3 members` },
    { workload: "data-redis/redis-operator", reason: `Redis operator, ${LEADER_ELECTION} (--leader-elect); Redis itself runs 3 pods and 3 Sentinels` },
    // Optional add-ons (platform.addons), as components/platform/addons.ts installs them.
    {
        workload: "argocd/argo-cd-argocd-applicationset-controller",
        reason: `Argo CD ApplicationSet controller, ${LEADER_ELECTION} (the chart turns leader election on above 1 replica)`,
    },
    { workload: "external-secrets/external-secrets", reason: `External Secrets Operator, ${LEADER_ELECTION} (leaderElect: true); the webhook runs 3 replicas` },
    {
        workload: "external-secrets/external-secrets-cert-controller",
        reason: `External Secrets Operator's webhook certificate controller, ${LEADER_ELECTION} (leaderElect: true)`,
    },
];

/** The platform's singletons by design, each with why a second replica would be wrong. */
export const DEFAULT_SINGLETONS: ReasonedExemption[] = [
    {
        workload: "monitoring/monitoring-operator",
        reason: "Prometheus Operator has no leader election: two replicas would reconcile the same objects concurrently. It is out of the data path: Prometheus (2 replicas) and Alertmanager (3) keep running while it restarts.",
    },
    {
        workload: "monitoring/monitoring-kube-state-metrics",
        reason: "kube-state-metrics: a second replica exports every series twice (upstream scales it by sharding, not replicas). Metrics only; a restart loses no data, and KubeStateMetricsDown-style absence alerts fire.",
    },
    {
        workload: "monitoring/grafana",
        reason: "Grafana keeps sessions and users' own edits in its database (SQLite in the pod); more than one replica needs a shared database. Dashboards and data sources are provisioned from ConfigMaps, so a restart loses nothing the platform manages.",
    },
    {
        workload: "monitoring/tempo",
        reason: "Tempo from the monolithic tempo chart has no ring across replicas: three would be three unconnected Tempos each holding a third of the traces. Spans are buffered by the senders' OTLP exporters while it restarts; scaling out means the tempo-distributed chart (docs/observability.md).",
    },
    {
        workload: "ollama/ollama",
        reason: "Ollama serves models from one ReadWriteOnce volume that only one pod can mount; the agents retry a failed model call.",
    },
    // Optional add-ons (platform.addons), as components/platform/addons.ts installs them.
    {
        workload: "argocd/argo-cd-argocd-application-controller",
        reason: "Argo CD's application controller shards by cluster (ARGOCD_CONTROLLER_REPLICAS); the platform's Argo CD manages its own cluster only, so a second replica would own no shard and take nothing over. It only syncs: running applications are unaffected while the StatefulSet restarts it.",
    },
    {
        workload: "argocd/argo-cd-argocd-redis",
        reason: "Argo CD uses Redis as a throw-away cache (Argo CD's high-availability guide), rebuilt from the API server and Git after a restart; the chart (9.5.11) fixes replicas: 1. Replicated Redis is the redis-ha subchart (Redis, Sentinel, HAProxy), a larger footprint for a cache.",
    },
    {
        workload: "argocd/argo-cd-argocd-notifications-controller",
        reason: "Argo CD's notifications controller has no leader election: a second replica would send every notification twice. The chart (9.5.11) fixes replicas: 1; it is out of the sync path.",
    },
    {
        workload: "velero/velero",
        reason: "Velero's server (the velero add-on) has no leader election: a second replica would run every scheduled backup twice. It is off the request path; a backup missed while it restarts is taken at the next schedule and the ConfigurationBackupTooOld alert fires if none succeeds.",
    },
];

const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
export const workloadsDeploymentEnforceMinimumReplicas = stackRule<Config>({
    name: "workloads-deployment-enforce-minimum-replicas",
    description:
        "Requires Deployments and StatefulSets to run at least the configured number of replicas, an unset count meaning the minReplicas of the HorizontalPodAutoscaler that targets it or else the Kubernetes default of 1; leader-elected controllers need leaderElectedMinReplicas, and listed singletons need 1, each with its reason.",
    config: {
        minReplicas: {
            type: "integer",
            minimum: 1,
            default: 3,
            description: "Minimum spec.replicas (workloads scaled by an HPA set replicas to the HPA minimum).",
        },
        leaderElectedMinReplicas: { type: "integer", minimum: 1, default: 2, description: "Minimum spec.replicas of a workload in leaderElected." },
        leaderElected: reasonedExemptionSchema(
            "Leader-elected controllers (namespace/name) that are highly available at leaderElectedMinReplicas, each with its reason.",
            DEFAULT_LEADER_ELECTED,
        ),
        singletons: reasonedExemptionSchema(
            "Workloads (namespace/name) that must run exactly one replica by design, each with its reason.",
            DEFAULT_SINGLETONS,
        ),
    },
    check: (resources, cfg, report) => {
        const floors = hpaFloors(resources);
        for (const r of resources.filter((x) => WORKLOAD_TYPES.includes(x.type))) {
            const replicas = peek(() => at(r.props, "spec.replicas"));
            const id = peek(() => k8sId(r.props));
            if (replicas === UNKNOWN || id === UNKNOWN) {
                continue;
            }
            const kind = r.type.split(":").pop() ?? "";
            const hpa = replicas === undefined ? floors.get(`${id.namespace}/${kind}/${id.name}`) : undefined;
            check1(r, typeof replicas === "number" ? replicas : (hpa ?? 1), replicas, hpa, id, cfg, (m) => report(m, r.urn));
        }
    },
});

function check1(
    r: { type: string; name: string },
    n: number,
    replicas: unknown,
    hpa: number | undefined,
    id: { namespace: string; name: string },
    cfg: Config,
    report: (m: string) => void,
): void {
    {
        if (findExemption(cfg.singletons, id.namespace, id.name)) {
            return;
        }
        const leader = findExemption(cfg.leaderElected, id.namespace, id.name);
        const min = leader ? cfg.leaderElectedMinReplicas : cfg.minReplicas;
        if (n < min) {
            report(
                msg(
                    `${label(r)} runs too few replicas for high availability${leader ? " (a leader-elected controller)" : ""}`,
                    hpa !== undefined
                        ? `spec.replicas unset, HorizontalPodAutoscaler minReplicas ${hpa}`
                        : `spec.replicas ${show(replicas)}${replicas === undefined ? " (Kubernetes default 1)" : ""}`,
                    `at least ${min}`,
                    `set spec.replicas to ${min} or more, or list it with its reason under leaderElected or singletons in this policy's config if that is what it is`,
                ),
            );
        }
    }
}
