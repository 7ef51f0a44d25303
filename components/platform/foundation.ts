/**
 * The Foundation: what every platform component stands on. Per component a namespace with Pod
 * Security Standards enforced (restricted unless the component is an exempted node agent), its
 * NetworkPolicies (default deny, then the allows derived from the port map), a ResourceQuota and a
 * LimitRange, and a ServiceAccount, bound to a cloud identity where the component needs one.
 */
import { LimitRange, Namespace, ResourceQuota, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget, ObjectStoreAccess } from "../contract";
import { LIMIT_RANGE, QuotaHard } from "./budgets";
import type { ComponentLayout } from "./layout";
import { FlowSpec, kebab, namespacePolicies, PolicyPeer } from "./networkPolicies";

/** Pod Security Standards level. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

/** Label every platform namespace carries with its component's name. */
export const COMPONENT_LABEL = "platform.agents.io/component";

/** The Pod Security Standards labels for a level (enforced, audited and warned at the same level). */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": level === "privileged" ? "restricted" : level,
        "pod-security.kubernetes.io/warn": level === "privileged" ? "restricted" : level,
    };
}

/** One namespace the Foundation creates. */
export interface NamespaceSpec {
    /** Component name (a key of the layout). */
    component: string;
    /** The component's entry in the port map. */
    layout: ComponentLayout;
    /** ResourceQuota `hard` map. */
    quota: QuotaHard;
    /**
     * Pod Security Standards level enforced. Only node agents that need host access (Falco, the
     * Istio CNI and ztunnel) run below restricted; they are audited and warned at restricted.
     * @default "restricted"
     */
    podSecurity?: PodSecurityLevel;
    /**
     * Create a ServiceAccount named after the component (`certManager` -> `cert-manager`).
     * @default true
     */
    serviceAccount?: boolean;
    /**
     * Bind the ServiceAccount to a cloud identity through `target.workloadIdentity`, with this
     * access to the object store. Absent: no cloud identity.
     */
    cloudIdentity?: ObjectStoreAccess;
    /**
     * Enrol the namespace in the Istio ambient mesh (label `istio.io/dataplane-mode: ambient`).
     * @default false
     */
    meshed?: boolean;
}

/** Arguments of the Foundation. */
export interface FoundationArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** Namespaces to create, one per component. */
    namespaces: NamespaceSpec[];
    /** Cross-namespace flows (from layout.ts FLOWS, plus the add-ons' own). */
    flows: readonly FlowSpec[];
    /** Peers of the agents' internet egress (egress.ts `agentEgressPeers`). @default the whole internet less the excluded ranges */
    agentEgress?: PolicyPeer[];
}

/** What the Foundation made for one component. */
export interface FoundationNamespace {
    /** Namespace name (an Output so dependants wait for the namespace). */
    name: pulumi.Output<string>;
    /** ServiceAccount name, when one was created. */
    serviceAccountName?: pulumi.Output<string>;
    /** Pod labels the cloud identity needs (Azure Workload Identity), else empty. */
    podLabels: Record<string, string>;
    /** The namespace resource, for `dependsOn`. */
    resource: Namespace;
    /** Every child made for the namespace (policies, quota, limits, service account). */
    children: pulumi.Resource[];
}

/**
 * Namespaces, NetworkPolicies, quotas, limit ranges and service accounts for every platform
 * component.
 */
export class Foundation extends pulumi.ComponentResource {
    /** Per component: its namespace, service account and identity labels. */
    public readonly namespaces: Record<string, FoundationNamespace>;
    /** Every resource made here, for `dependsOn` of what installs into the namespaces. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Foundation", name, {}, opts);
        const layout: Record<string, ComponentLayout> = Object.fromEntries(args.namespaces.map((n) => [n.component, n.layout]));
        const meshed = new Set(args.namespaces.filter((n) => n.meshed).map((n) => n.component));
        const dependsOn = args.target.readyResources;

        this.namespaces = {};
        this.ready = [];
        for (const spec of args.namespaces) {
            const ns = spec.layout.namespace;
            const base = `${name}-${kebab(spec.component)}`;
            const namespace = new Namespace(
                base,
                {
                    metadata: {
                        name: ns,
                        labels: {
                            [COMPONENT_LABEL]: kebab(spec.component),
                            ...podSecurityLabels(spec.podSecurity ?? "restricted"),
                            ...(spec.meshed ? { "istio.io/dataplane-mode": "ambient" } : {}),
                        },
                    },
                },
                { parent: this, dependsOn },
            );
            const inNs = { parent: this, dependsOn: [namespace] };
            const children: pulumi.Resource[] = [];
            for (const p of namespacePolicies(spec.component, layout, args.flows, { meshed, agentEgress: args.agentEgress })) {
                children.push(new NetworkPolicy(`${base}-${p.name}`, { metadata: { name: p.name, namespace: namespace.metadata.name }, spec: p.spec }, inNs));
            }
            children.push(
                new ResourceQuota(
                    `${base}-quota`,
                    { metadata: { name: "platform-quota", namespace: namespace.metadata.name }, spec: { hard: spec.quota } },
                    inNs,
                ),
            );
            children.push(
                new LimitRange(
                    `${base}-limits`,
                    {
                        metadata: { name: "platform-limits", namespace: namespace.metadata.name },
                        spec: {
                            limits: [{ type: "Container", default: LIMIT_RANGE.default, defaultRequest: LIMIT_RANGE.defaultRequest, max: LIMIT_RANGE.max }],
                        },
                    },
                    inNs,
                ),
            );
            let serviceAccountName: pulumi.Output<string> | undefined;
            let podLabels: Record<string, string> = {};
            if (spec.serviceAccount ?? true) {
                const saName = kebab(spec.component);
                const identity =
                    spec.cloudIdentity !== undefined
                        ? args.target.workloadIdentity.bind(
                              `${base}-identity`,
                              { namespace: ns, serviceAccount: saName, objectStoreAccess: spec.cloudIdentity },
                              { parent: this },
                          )
                        : undefined;
                podLabels = identity?.podLabels ?? {};
                const sa = new ServiceAccount(
                    `${base}-sa`,
                    {
                        metadata: {
                            name: saName,
                            namespace: namespace.metadata.name,
                            labels: { [COMPONENT_LABEL]: kebab(spec.component) },
                            annotations: identity?.serviceAccountAnnotations ?? {},
                        },
                        // Only components that talk to the API server get a token mounted.
                        automountServiceAccountToken: spec.layout.apiServer === true,
                    },
                    inNs,
                );
                children.push(sa);
                serviceAccountName = sa.metadata.name;
            }
            this.namespaces[spec.component] = { name: namespace.metadata.name, serviceAccountName, podLabels, resource: namespace, children };
            this.ready.push(namespace, ...children);
        }
        this.registerOutputs({ namespaces: Object.fromEntries(Object.entries(this.namespaces).map(([k, v]) => [k, v.name])) });
    }
}
