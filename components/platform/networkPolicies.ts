/**
 * Pure builders for the platform's NetworkPolicies, derived from the one port map (layout.ts):
 * per namespace a default deny of all ingress and egress, then DNS, same-namespace traffic, and
 * one explicit allow per direction of every flow in FLOWS, plus the API-server, internet, node and
 * public allowances the layout names; the agents' internet egress (443 to the stack's destinations,
 * never the metadata endpoint, private or cluster ranges: egress.ts). No Pulumi here: the Foundation turns these into resources,
 * tests read them directly.
 */
import { AGENT_EGRESS_PORT, agentEgressPeers, DEFAULT_AGENT_EGRESS_CIDRS } from "./egress";
import type { ComponentLayout } from "./layout";

/** A port in a NetworkPolicy rule. */
export interface PolicyPort {
    protocol: "TCP" | "UDP";
    port: number;
}

/** A peer in a NetworkPolicy rule (the subset the platform uses). */
export type PolicyPeer =
    | { namespaceSelector: { matchLabels: Record<string, string> }; podSelector?: { matchLabels?: Record<string, string> } }
    | { podSelector: Record<string, never> }
    | { ipBlock: { cidr: string; except?: string[] } };

/** A plain NetworkPolicy: name, namespace and spec, ready for `networking.k8s.io/v1`. */
export interface PolicyDoc {
    name: string;
    namespace: string;
    spec: {
        podSelector: Record<string, never>;
        policyTypes: ("Ingress" | "Egress")[];
        ingress?: { from: PolicyPeer[]; ports?: PolicyPort[] }[];
        egress?: { to: PolicyPeer[]; ports?: PolicyPort[] }[];
    };
}

/** A connection between two namespaces' components, by port name on the destination. */
export interface FlowSpec {
    from: string;
    to: string;
    port: string;
}

/** Options for the builders. */
export interface PolicyOptions {
    /**
     * Components enrolled in the Istio ambient mesh: traffic between two of them travels as HBONE on
     * port 15008, and kubelet probes arrive from the ambient SNAT address 169.254.7.127.
     */
    meshed?: ReadonlySet<string>;
    /**
     * Peers of the agents' internet egress (components marked `agentEgress`), from
     * `agentEgressPeers`: each destination with the metadata, private and cluster ranges excepted.
     * @default agentEgressPeers(DEFAULT_AGENT_EGRESS_CIDRS, [])
     */
    agentEgress?: PolicyPeer[];
}

/** Standard label every namespace carries with its own name (Kubernetes sets it). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Ports the API server listens on (managed control planes use 443; self-managed ones 6443). */
export const API_SERVER_PORTS = [443, 6443];

/** NodeLocal DNSCache's link-local address (GKE, and clusters that run it): pods query it directly. */
export const NODE_LOCAL_DNS_CIDR = "169.254.20.10/32";

/** Istio ambient's HBONE tunnel port. */
export const HBONE_PORT = 15008;

/** Source address of kubelet probes to ambient-mesh pods (Istio CNI SNAT). */
export const AMBIENT_PROBE_CIDR = "169.254.7.127/32";

const ANYWHERE = "0.0.0.0/0";

const tcp = (port: number): PolicyPort => ({ protocol: "TCP", port });

function nsPeer(namespace: string): PolicyPeer {
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } } };
}

/** Flows that name a component or port missing from the layout: one message each (empty when sound). */
export function validateFlows(layout: Record<string, ComponentLayout>, flows: readonly FlowSpec[]): string[] {
    const problems: string[] = [];
    for (const f of flows) {
        if (!layout[f.from]) {
            problems.push(`flow ${f.from} -> ${f.to}:${f.port}: source component "${f.from}" is not in the layout`);
        }
        const to = layout[f.to];
        if (!to) {
            problems.push(`flow ${f.from} -> ${f.to}:${f.port}: destination component "${f.to}" is not in the layout`);
        } else if (to.ports[f.port] === undefined) {
            problems.push(`flow ${f.from} -> ${f.to}:${f.port}: "${f.to}" has no port named "${f.port}" (has: ${Object.keys(to.ports).join(", ")})`);
        }
    }
    return problems;
}

function groupPorts(entries: { peer: string; port: number }[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const e of entries) {
        const list = out.get(e.peer) ?? [];
        if (!list.includes(e.port)) {
            list.push(e.port);
        }
        out.set(e.peer, list);
    }
    for (const list of out.values()) {
        list.sort((a, b) => a - b);
    }
    return out;
}

/**
 * Every NetworkPolicy of one component's namespace. Flows between components outside `layout`
 * are ignored (an add-on that is off); flows naming a missing port throw (see validateFlows).
 */
export function namespacePolicies(
    component: string,
    layout: Record<string, ComponentLayout>,
    flows: readonly FlowSpec[],
    opts: PolicyOptions = {},
): PolicyDoc[] {
    const me = layout[component];
    if (!me) {
        throw new Error(`namespacePolicies: component "${component}" is not in the layout`);
    }
    const ns = me.namespace;
    const meshed = opts.meshed ?? new Set<string>();
    const present = flows.filter((f) => layout[f.from] && layout[f.to]);
    const problems = validateFlows(layout, present);
    if (problems.length > 0) {
        throw new Error(`the port map is inconsistent:\n  ${problems.join("\n  ")}`);
    }
    const docs: PolicyDoc[] = [];
    const doc = (name: string, spec: Omit<PolicyDoc["spec"], "podSelector">): void => {
        docs.push({ name, namespace: ns, spec: { podSelector: {}, ...spec } });
    };

    doc("default-deny", { policyTypes: ["Ingress", "Egress"] });
    doc("allow-dns", {
        policyTypes: ["Egress"],
        egress: [{ to: [nsPeer("kube-system"), { ipBlock: { cidr: NODE_LOCAL_DNS_CIDR } }], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] }],
    });
    doc("allow-same-namespace", {
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
    });

    // Inbound flows, one policy per source component.
    const inbound = groupPorts(
        present
            .filter((f) => f.to === component && f.from !== component)
            .flatMap((f) => {
                const ports = [{ peer: f.from, port: me.ports[f.port] }];
                if (meshed.has(f.from) && meshed.has(component)) {
                    ports.push({ peer: f.from, port: HBONE_PORT });
                }
                return ports;
            }),
    );
    for (const [from, ports] of inbound) {
        doc(`allow-from-${kebab(from)}`, {
            policyTypes: ["Ingress"],
            ingress: [{ from: [nsPeer(layout[from].namespace)], ports: ports.map(tcp) }],
        });
    }
    // Outbound flows, one policy per destination component.
    const outbound = groupPorts(
        present
            .filter((f) => f.from === component && f.to !== component)
            .flatMap((f) => {
                const ports = [{ peer: f.to, port: layout[f.to].ports[f.port] }];
                if (meshed.has(f.to) && meshed.has(component)) {
                    ports.push({ peer: f.to, port: HBONE_PORT });
                }
                return ports;
            }),
    );
    for (const [to, ports] of outbound) {
        doc(`allow-to-${kebab(to)}`, {
            policyTypes: ["Egress"],
            egress: [{ to: [nsPeer(layout[to].namespace)], ports: ports.map(tcp) }],
        });
    }

    if (me.apiServer) {
        doc("allow-apiserver-egress", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: ANYWHERE } }], ports: API_SERVER_PORTS.map(tcp) }] });
    }
    if (me.internetEgress && me.internetEgress.length > 0) {
        doc("allow-internet-egress", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: ANYWHERE } }], ports: me.internetEgress.map(tcp) }] });
    }
    if (me.agentEgress) {
        const to = opts.agentEgress ?? agentEgressPeers(DEFAULT_AGENT_EGRESS_CIDRS, []);
        doc("allow-agent-internet-egress", { policyTypes: ["Egress"], egress: [{ to, ports: [tcp(AGENT_EGRESS_PORT)] }] });
    }
    if (me.nodeEgress && me.nodeEgress.length > 0) {
        doc("allow-node-egress", { policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: ANYWHERE } }], ports: me.nodeEgress.map(tcp) }] });
    }
    if (me.apiServerIngress && me.apiServerIngress.length > 0) {
        const ports = me.apiServerIngress.map((p) => {
            const n = me.ports[p];
            if (n === undefined) {
                throw new Error(`the port map is inconsistent: "${component}" lists apiServerIngress port "${p}" but has no port of that name`);
            }
            return tcp(n);
        });
        doc("allow-apiserver-ingress", { policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: ANYWHERE } }], ports }] });
    }
    if (me.publicIngress) {
        const ports = ["http", "https"].filter((p) => me.ports[p] !== undefined).map((p) => tcp(me.ports[p]));
        doc("allow-public-ingress", { policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: ANYWHERE } }], ports }] });
    }
    if (meshed.has(component)) {
        doc("allow-ambient-probes", { policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: AMBIENT_PROBE_CIDR } }] }] });
    }
    return docs;
}

/** `certManager` -> `cert-manager`. */
export function kebab(s: string): string {
    return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}
