/**
 * Per-workload budgets (REQUIREMENTS.md: Jamie 2 vCPU / 8 GiB / 50 GB, Scarlet 4 vCPU / 16 GiB /
 * 100 GB, monitoring 4 / 16 / 200, databases 2 / 8 / 100) mapped to pod requests and limits, the
 * agents' storage budgets to a per-pod workspace volume (`workspaceGi`),
 * replica counts, autoscaling bounds, namespace quotas and limit ranges. The budget is each pod's
 * limit; requests are half of it so the HPA (70 % CPU of the request) scales out well before a
 * pod is throttled. Dev keeps one replica and small requests so it fits the seed's two
 * 2 vCPU / 8 GiB nodes. Pure data: no Pulumi here.
 */
import type { Environment } from "../types";
import type { ComponentName } from "./layout";

/** CPU and memory of one container. */
export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/** How one agent workload runs. */
export interface WorkloadBudget {
    resources: Resources;
    /** Replicas at rest (the HPA minimum). */
    minReplicas: number;
    /** HPA maximum. */
    maxReplicas: number;
    /**
     * The storage budget, GiB per pod: a volume of the SSD StorageClass mounted at /workspace (a
     * generic ephemeral volume, created and deleted with the pod). Jamie and Scarlet only.
     */
    workspaceGi?: number;
}

/**
 * Ephemeral storage of an agent container (writable layer, logs, the 1 GiB /tmp): requested and
 * capped so a runaway writer is evicted before it fills the node's disk; the budget itself is the
 * workspace volume, never the node's disk (Scarlet's 100 GB would not fit a 100 GB node disk).
 */
export const AGENT_EPHEMERAL_STORAGE = { request: "1Gi", limit: "2Gi" };

/** The agents' budgets. */
export interface AgentBudgets {
    jamie: WorkloadBudget;
    scarlet: WorkloadBudget;
    /** Ollama runs one replica (models on a ReadWriteOnce volume); `maxReplicas` is 1. */
    ollama: WorkloadBudget & { modelVolumeGi: number };
}

/** HPA target: scale out above 70 % CPU (REQUIREMENTS.md scale-out triggers). */
export const HPA_CPU_PERCENT = 70;
/** HPA target: scale out above 80 % memory. */
export const HPA_MEMORY_PERCENT = 80;

const PROD: AgentBudgets = {
    jamie: { resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { cpu: "2", memory: "8Gi" } }, minReplicas: 3, maxReplicas: 9, workspaceGi: 50 },
    scarlet: { resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } }, minReplicas: 3, maxReplicas: 6, workspaceGi: 100 },
    ollama: {
        resources: { requests: { cpu: "2", memory: "8Gi" }, limits: { cpu: "4", memory: "16Gi" } },
        minReplicas: 1,
        maxReplicas: 1,
        modelVolumeGi: 100,
    },
};

const DEV: AgentBudgets = {
    // Dev workspaces are a fifth of the budget (volumes cost money whether used or not).
    jamie: { resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } }, minReplicas: 1, maxReplicas: 2, workspaceGi: 10 },
    scarlet: {
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } },
        minReplicas: 1,
        maxReplicas: 2,
        workspaceGi: 20,
    },
    ollama: {
        resources: { requests: { cpu: "250m", memory: "1536Mi" }, limits: { cpu: "2", memory: "4Gi" } },
        minReplicas: 1,
        maxReplicas: 1,
        modelVolumeGi: 30,
    },
};

/**
 * A controller's resources for an environment: production as given; dev (two 2-vCPU nodes, seed
 * 000) requests a quarter of the CPU (at least 10m), since controllers idle at a few millicores,
 * and keeps the memory request and the limits, so they can still burst.
 */
export function controllerResources(prod: Resources, environment: Environment): Resources {
    if (environment === "prod") {
        return prod;
    }
    return { requests: { cpu: cpu(Math.max(10, Math.round(cpuMillis(prod.requests.cpu) / 4))), memory: prod.requests.memory }, limits: prod.limits };
}

/** The agents' budgets for an environment. */
export function agentBudgets(environment: Environment): AgentBudgets {
    return environment === "prod" ? PROD : DEV;
}

/** Parses a Kubernetes CPU quantity (`250m`, `2`) into millicores. */
export function cpuMillis(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Parses a memory quantity in Mi or Gi into MiB. */
export function memoryMi(q: string): number {
    if (q.endsWith("Gi")) {
        return Number(q.slice(0, -2)) * 1024;
    }
    if (q.endsWith("Mi")) {
        return Number(q.slice(0, -2));
    }
    throw new Error(`memoryMi: unsupported quantity "${q}" (use Mi or Gi)`);
}

const cpu = (m: number): string => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);
const mem = (mi: number): string => (mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`);

/** A namespace's ResourceQuota `hard` map. */
export type QuotaHard = Record<string, string>;

/**
 * Quota for an agent namespace: room for `maxReplicas + 1` pods (one surge pod during a rollout),
 * with their workspace volumes (Jamie, Scarlet) or the given model volume (Ollama).
 */
function agentQuota(b: WorkloadBudget, extraStorage?: string): QuotaHard {
    const n = b.maxReplicas + 1;
    const storage = extraStorage ?? (b.workspaceGi ? `${b.workspaceGi * n}Gi` : undefined);
    const claims = extraStorage ? 2 : b.workspaceGi ? n : 0;
    return {
        "requests.cpu": cpu(cpuMillis(b.resources.requests.cpu) * n),
        "requests.memory": mem(memoryMi(b.resources.requests.memory) * n),
        "limits.cpu": cpu(cpuMillis(b.resources.limits.cpu) * n),
        "limits.memory": mem(memoryMi(b.resources.limits.memory) * n),
        pods: String(n * 2),
        "requests.storage": storage ?? "0",
        persistentvolumeclaims: String(claims),
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    };
}

/**
 * Fixed quotas for namespaces whose workloads come from third-party charts: the databases' and
 * monitoring's budgets times three replicas with the recommended volume sizes (PostgreSQL
 * 3 x (500 + 50 WAL) GB plus a 500 GB side-by-side recovery cluster (docs/data.md), MongoDB
 * 3 x 200 GB, Prometheus 2 x 200 GB + Loki 500 GB + Tempo 100 GB), rounded up.
 */
const FIXED_QUOTAS: Record<Exclude<ComponentName, "jamie" | "scarlet" | "ollama">, QuotaHard> = {
    gateway: {
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.cpu": "8",
        "limits.memory": "16Gi",
        pods: "20",
        "requests.storage": "0",
        persistentvolumeclaims: "0",
        "services.loadbalancers": "2",
        "services.nodeports": "0",
    },
    certManager: {
        "requests.cpu": "2",
        "requests.memory": "4Gi",
        "limits.cpu": "4",
        "limits.memory": "8Gi",
        pods: "20",
        "requests.storage": "0",
        persistentvolumeclaims: "0",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    },
    postgres: {
        "requests.cpu": "8",
        "requests.memory": "32Gi",
        "limits.cpu": "12",
        "limits.memory": "48Gi",
        pods: "20",
        "requests.storage": "3Ti",
        persistentvolumeclaims: "12",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    },
    mongodb: {
        "requests.cpu": "8",
        "requests.memory": "32Gi",
        "limits.cpu": "12",
        "limits.memory": "48Gi",
        pods: "20",
        "requests.storage": "1Ti",
        persistentvolumeclaims: "12",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    },
    redis: {
        "requests.cpu": "4",
        "requests.memory": "16Gi",
        "limits.cpu": "8",
        "limits.memory": "32Gi",
        pods: "20",
        "requests.storage": "200Gi",
        persistentvolumeclaims: "12",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    },
    monitoring: {
        "requests.cpu": "16",
        "requests.memory": "64Gi",
        "limits.cpu": "32",
        "limits.memory": "128Gi",
        pods: "60",
        "requests.storage": "2Ti",
        persistentvolumeclaims: "20",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    },
};

/** The ResourceQuota of each platform namespace for an environment. */
export function namespaceQuotas(environment: Environment): Record<ComponentName, QuotaHard> {
    const a = agentBudgets(environment);
    return {
        ...FIXED_QUOTAS,
        jamie: agentQuota(a.jamie),
        scarlet: agentQuota(a.scarlet),
        ollama: agentQuota(a.ollama, `${a.ollama.modelVolumeGi * 2}Gi`),
    };
}

/** Quota for an add-on namespace (Argo CD, Istio, Falco, External Secrets). */
export const ADDON_QUOTA: QuotaHard = {
    "requests.cpu": "4",
    "requests.memory": "8Gi",
    "limits.cpu": "8",
    "limits.memory": "16Gi",
    pods: "60",
    "requests.storage": "0",
    persistentvolumeclaims: "0",
    "services.loadbalancers": "0",
    "services.nodeports": "0",
};

/**
 * The LimitRange every namespace gets: defaults for a container that states no resources (so the
 * quota can admit it) and a per-container ceiling no larger than a production node.
 */
export const LIMIT_RANGE = {
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    default: { cpu: "500m", memory: "512Mi" },
    max: { cpu: "4", memory: "16Gi" },
};
