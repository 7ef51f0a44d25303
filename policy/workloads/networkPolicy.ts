/** D11: network policies are enforced by the cluster and every namespace has one. */
import type { PolicyResource } from "@pulumi/policy";
import { stackRule } from "../lib/rule";
import { at, label, msg, obj, peek, show, UNKNOWN } from "../lib/util";

interface Config {
    exemptSystemNamespaces: string[];
}

function enabledByVpcCni(configurationValues: unknown): boolean {
    if (typeof configurationValues !== "string") {
        return false;
    }
    try {
        const v = obj(JSON.parse(configurationValues));
        return String(v?.enableNetworkPolicy) === "true";
    } catch {
        return false;
    }
}

export const workloadsNamespaceEnforceNetworkPolicy = stackRule<Config>({
    name: "workloads-namespace-enforce-network-policy",
    description:
        "Requires the cluster to enforce NetworkPolicies (EKS vpc-cni network policy, GKE network policy or Dataplane V2, an AKS network policy engine) and every namespace the stack creates to hold at least one NetworkPolicy.",
    config: {
        exemptSystemNamespaces: {
            type: "array",
            items: { type: "string" },
            default: ["kube-system", "kube-public", "kube-node-lease"],
            description: "Namespaces that need no NetworkPolicy of their own.",
        },
    },
    check: (resources, cfg, report) => {
        // vpc-cni add-ons by cluster name; an unknown cluster name may belong to any cluster.
        const addonsOf = new Map<unknown, PolicyResource[]>();
        for (const r of resources) {
            if (r.type === "aws:eks/addon:Addon" && peek(() => r.props.addonName) === "vpc-cni") {
                const cn = peek(() => r.props.clusterName);
                addonsOf.set(cn, [...(addonsOf.get(cn) ?? []), r]);
            }
        }
        for (const r of resources) {
            if (r.type === "aws:eks/cluster:Cluster") {
                const name = peek(() => r.props.name);
                const mine = name === UNKNOWN ? [...addonsOf.values()].flat() : [...(addonsOf.get(name) ?? []), ...(addonsOf.get(UNKNOWN) ?? [])];
                if (!mine.some((a) => enabledByVpcCni(peek(() => a.props.configurationValues)))) {
                    report(
                        msg(
                            `${label(r)} does not enforce NetworkPolicies`,
                            mine.length === 0
                                ? "no vpc-cni aws:eks/addon:Addon for it in the stack"
                                : 'vpc-cni configurationValues without enableNetworkPolicy "true"',
                            'the vpc-cni add-on with enableNetworkPolicy "true"',
                            'install the vpc-cni add-on with configurationValues \'{"enableNetworkPolicy":"true"}\'',
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "gcp:container/cluster:Cluster") {
                const dp = peek(() => r.props.datapathProvider);
                const np = peek(() => at(r.props, "networkPolicy.enabled"));
                if (dp !== "ADVANCED_DATAPATH" && np !== true && peek(() => r.props.enableAutopilot) !== true) {
                    report(
                        msg(
                            `${label(r)} does not enforce NetworkPolicies`,
                            `datapathProvider ${show(dp)}, networkPolicy.enabled ${show(np)}`,
                            "Dataplane V2 (ADVANCED_DATAPATH) or networkPolicy.enabled true",
                            "set datapathProvider: ADVANCED_DATAPATH",
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "azure-native:containerservice:ManagedCluster") {
                const np = peek(() => at(r.props, "networkProfile.networkPolicy"));
                if (np === undefined || np === "none") {
                    report(
                        msg(
                            `${label(r)} does not enforce NetworkPolicies`,
                            `networkProfile.networkPolicy ${show(np)}`,
                            "cilium, calico or azure",
                            "set networkProfile.networkPolicy: cilium (with networkDataplane cilium)",
                        ),
                        r.urn,
                    );
                }
            }
        }
        const covered = new Set<string>();
        for (const r of resources) {
            if (r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy") {
                const ns = peek(() => at(r.props, "metadata.namespace"));
                if (typeof ns === "string") {
                    covered.add(ns);
                }
            }
        }
        for (const r of resources) {
            if (r.type !== "kubernetes:core/v1:Namespace") {
                continue;
            }
            const ns = peek(() => at(r.props, "metadata.name"));
            if (typeof ns !== "string" || cfg.exemptSystemNamespaces.includes(ns) || (cfg as { exemptNamespaces?: string[] }).exemptNamespaces?.includes(ns)) {
                continue;
            }
            if (!covered.has(ns)) {
                report(
                    msg(
                        `Namespace ${JSON.stringify(ns)} has no NetworkPolicy`,
                        "0 NetworkPolicies in it",
                        "at least one (a default-deny policy plus explicit allows)",
                        `create a NetworkPolicy in namespace ${ns} that selects all pods and denies by default`,
                    ),
                    r.urn,
                );
            }
        }
    },
});
