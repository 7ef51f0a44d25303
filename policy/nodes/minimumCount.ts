/** A1: every cluster keeps at least N nodes (autoscaler minimums, GKE per-zone counts multiplied out). */
import { PROD_FLOOR } from "../catalog/floors";
import { need, NodeViewConfig, stackNodes, SUBNET_ZONES_SCHEMA } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { msg } from "../lib/util";

interface Config extends NodeViewConfig {
    minNodes: number;
}

export const nodesClusterEnforceMinimumCount = stackRule<Config>({
    name: "nodes-cluster-enforce-minimum-count",
    description:
        "Requires every Kubernetes cluster to keep at least the configured number of nodes, counting each pool's autoscaler minimum over all its zones.",
    config: {
        minNodes: {
            type: "integer",
            minimum: 1,
            default: PROD_FLOOR.nodes,
            description: "Minimum nodes per cluster (sum of every pool's autoscaler minimum or fixed count).",
        },
        ...SUBNET_ZONES_SCHEMA,
    },
    check: (resources, cfg, report) => {
        const { clusters, pools } = stackNodes(resources, cfg);
        const keys = new Map<string, { label: string; urn?: string }>();
        for (const c of clusters) {
            keys.set(c.key, { label: c.label, urn: c.urn });
        }
        for (const p of pools) {
            if (!keys.has(p.cluster)) {
                keys.set(p.cluster, { label: p.clusterLabel, urn: p.urn });
            }
        }
        for (const [key, c] of keys) {
            const mine = pools.filter((p) => p.cluster === key);
            let total = 0;
            const parts: string[] = [];
            for (const p of mine) {
                const n = need(p.minNodes, "minimum node count", p);
                total += n.value;
                parts.push(`${p.label} ${n.value} (${n.from})`);
            }
            if (total < cfg.minNodes) {
                report(
                    msg(
                        `${c.label} is under-provisioned`,
                        `${total} node(s) at the autoscaler minimum${parts.length > 0 ? `: ${parts.join("; ")}` : " (no node pools)"}`,
                        `at least ${cfg.minNodes} nodes`,
                        `raise the node pools' minimum size (EKS scalingConfig.minSize, GKE autoscaling.minNodeCount per zone, AKS minCount/count, DOKS minNodes/nodeCount) so they sum to ${cfg.minNodes} or more`,
                    ),
                    c.urn,
                );
            }
        }
    },
});
