/**
 * A6 (DOKS): every DOKS node pool (the cluster's `nodePool` and each KubernetesNodePool) autoscales
 * between a minimum of at least N nodes and a larger maximum, so a pool survives a node loss and
 * can grow under load. DOKS scales a pool only with `autoScale: true`; `nodeCount` alone is fixed.
 */
import { PROD_FLOOR } from "../catalog/floors";
import { DOKS_CLUSTER, DOKS_POOL } from "../lib/nodes";
import { resourceRule } from "../lib/rule";
import { bool, label, msg, num, obj, show } from "../lib/util";

interface Config {
    minPoolNodes: number;
    requireHeadroom: boolean;
}

export const nodesDokspoolEnforceAutoscaling = resourceRule<Config>({
    name: "nodes-dokspool-enforce-autoscaling",
    description:
        "Requires every DOKS node pool to autoscale (autoScale true) with minNodes at least the configured per-pool floor and maxNodes above minNodes.",
    types: [DOKS_CLUSTER, DOKS_POOL],
    config: {
        minPoolNodes: { type: "integer", minimum: 1, default: PROD_FLOOR.nodes, description: "Minimum autoscaler floor (minNodes) of every DOKS node pool." },
        requireHeadroom: { type: "boolean", default: true, description: "Require maxNodes greater than minNodes, so the autoscaler can add a node." },
    },
    check: (r, cfg, report) => {
        const pool = r.type === DOKS_CLUSTER ? obj(r.props.nodePool) : r.props;
        if (!pool) {
            return;
        }
        const where = r.type === DOKS_CLUSTER ? `${label(r)} nodePool` : label(r);
        if (bool(pool.autoScale) !== true) {
            report(
                msg(
                    `${where} does not autoscale`,
                    `autoScale ${show(pool.autoScale)}, nodeCount ${show(pool.nodeCount)}`,
                    `autoScale true with minNodes >= ${cfg.minPoolNodes}`,
                    `set autoScale: true, minNodes: ${cfg.minPoolNodes} and a larger maxNodes`,
                ),
            );
            return;
        }
        const min = num(pool.minNodes);
        const max = num(pool.maxNodes);
        if (min === undefined || min < cfg.minPoolNodes) {
            report(
                msg(
                    `${where} can scale below ${cfg.minPoolNodes} nodes`,
                    `minNodes ${show(pool.minNodes)}`,
                    `minNodes at least ${cfg.minPoolNodes}`,
                    `set minNodes: ${cfg.minPoolNodes} or more`,
                ),
            );
        }
        if (max === undefined || (min !== undefined && max < min)) {
            report(
                msg(
                    `${where} has no valid autoscaler maximum`,
                    `maxNodes ${show(pool.maxNodes)} with minNodes ${show(pool.minNodes)}`,
                    "maxNodes at least minNodes",
                    "set maxNodes above minNodes",
                ),
            );
        } else if (cfg.requireHeadroom && min !== undefined && max === min) {
            report(msg(`${where} cannot grow`, `minNodes ${min} = maxNodes ${max}`, "maxNodes greater than minNodes", `raise maxNodes above ${min}`));
        }
    },
});
