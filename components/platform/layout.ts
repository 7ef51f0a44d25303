/**
 * The platform's one port map: every component, its namespace, its ports, and who may reach it.
 * Namespaces, NetworkPolicies, probes, Services and alert rules all derive from this table
 * (REQUIREMENTS.md "Ports used"), so a port is written down once.
 */

/** A platform component that gets its own namespace. */
export type ComponentName = "gateway" | "certManager" | "jamie" | "scarlet" | "ollama" | "postgres" | "mongodb" | "redis" | "monitoring";

export interface ComponentLayout {
    /** Namespace the component runs in (Pod Security Standards `restricted`). */
    namespace: string;
    /** Named ports the component listens on. */
    ports: Record<string, number>;
    /** Whether its pods talk to the Kubernetes API server (operators, controllers). */
    apiServer?: boolean;
    /** TCP ports it may reach outside the cluster (object store, ACME, model downloads). */
    internetEgress?: number[];
    /** Whether it accepts traffic from outside the cluster (the gateway's listeners). */
    publicIngress?: boolean;
    /**
     * Named ports the Kubernetes API server calls (admission and conversion webhooks). Allowed from
     * any source: control-plane addresses differ per cloud and are not in the ClusterTarget.
     */
    apiServerIngress?: string[];
    /** TCP ports it may reach on the nodes themselves (kubelet 10250, node-exporter 9100). */
    nodeEgress?: number[];
    /**
     * Whether it may reach the internet on 443 at the stack's `platform.agentEgressCidrs`, never the
     * metadata endpoint, private or cluster ranges (components/platform/egress.ts).
     */
    agentEgress?: boolean;
}

export const LAYOUT: Record<ComponentName, ComponentLayout> = {
    gateway: {
        namespace: "platform-gateway",
        // Envoy listens on 10080/10443 for Gateway ports 80/443; 19001 is Envoy's and the controller's metrics port.
        ports: { http: 10080, https: 10443, admin: 19001, webhook: 9443 },
        apiServer: true,
        publicIngress: true,
        apiServerIngress: ["webhook"],
    },
    certManager: {
        namespace: "cert-manager",
        ports: { webhook: 10250, metrics: 9402 },
        apiServer: true,
        internetEgress: [443],
        apiServerIngress: ["webhook"],
    },
    // The agents and the model server reach the internet (GitHub, Slack, model downloads) on 443 only.
    jamie: { namespace: "jamie", ports: { portal: 3000, api: 8000, health: 9000 }, agentEgress: true },
    scarlet: { namespace: "scarlet", ports: { api: 8001, metrics: 9001, health: 8080 }, agentEgress: true },
    ollama: { namespace: "ollama", ports: { api: 11434 }, agentEgress: true },
    // 9443: the CloudNativePG operator's admission webhook (the API server calls it).
    postgres: {
        namespace: "data-postgres",
        ports: { postgres: 5432, metrics: 9187, webhook: 9443 },
        apiServer: true,
        internetEgress: [443],
        apiServerIngress: ["webhook"],
    },
    mongodb: { namespace: "data-mongodb", ports: { mongodb: 27017, metrics: 9216 }, apiServer: true, internetEgress: [443] },
    redis: { namespace: "data-redis", ports: { redis: 6379, sentinel: 26379, metrics: 9121 }, apiServer: true },
    monitoring: {
        namespace: "monitoring",
        ports: { prometheus: 9090, alertmanager: 9093, grafana: 3000, loki: 3100, tempo: 3200, otlpGrpc: 4317, otlpHttp: 4318 },
        apiServer: true,
        internetEgress: [443],
        nodeEgress: [10250, 9100],
    },
};

/** One allowed connection: `from` may open TCP connections to `to` on its named `port`. */
export interface Flow {
    from: ComponentName;
    to: ComponentName;
    port: string;
}

/**
 * Every cross-namespace connection the platform needs. Traffic inside a namespace (replication,
 * operator to instance) is allowed separately; everything else is denied.
 */
export const FLOWS: Flow[] = [
    // Public entry: the gateway forwards to Jamie's portal and Grafana only.
    { from: "gateway", to: "jamie", port: "portal" },
    { from: "gateway", to: "monitoring", port: "grafana" },
    // Jamie: its data stores and model server; Scarlet's API.
    { from: "jamie", to: "mongodb", port: "mongodb" },
    { from: "jamie", to: "redis", port: "redis" },
    { from: "jamie", to: "redis", port: "sentinel" },
    { from: "jamie", to: "ollama", port: "api" },
    { from: "jamie", to: "scarlet", port: "api" },
    // Scarlet: PostgreSQL; Jamie's internal API.
    { from: "scarlet", to: "postgres", port: "postgres" },
    { from: "scarlet", to: "jamie", port: "api" },
    // Traces from the agents to Tempo.
    { from: "jamie", to: "monitoring", port: "otlpGrpc" },
    { from: "jamie", to: "monitoring", port: "otlpHttp" },
    { from: "scarlet", to: "monitoring", port: "otlpGrpc" },
    { from: "scarlet", to: "monitoring", port: "otlpHttp" },
    // Prometheus scrapes metrics and health endpoints.
    { from: "monitoring", to: "jamie", port: "health" },
    { from: "monitoring", to: "scarlet", port: "metrics" },
    { from: "monitoring", to: "postgres", port: "metrics" },
    { from: "monitoring", to: "mongodb", port: "metrics" },
    { from: "monitoring", to: "redis", port: "metrics" },
    { from: "monitoring", to: "certManager", port: "metrics" },
    { from: "monitoring", to: "gateway", port: "admin" },
];

/** Public hostnames, from the stack's domain. Only Jamie's portal and Grafana are public. */
export function publicHostnames(domain: string): { jamie: string; grafana: string } {
    return { jamie: `jamie.${domain}`, grafana: `grafana.${domain}` };
}

/** The in-cluster DNS name of a service in a component's namespace. */
export function serviceHost(component: ComponentName, service: string): string {
    return `${service}.${LAYOUT[component].namespace}.svc.cluster.local`;
}
