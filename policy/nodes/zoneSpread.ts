/** A2: every node pool spans at least N availability zones. */
import { PROD_FLOOR } from "../catalog/floors";
import { need, NodeViewConfig, stackNodes, SUBNET_ZONES_SCHEMA } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { msg } from "../lib/util";

interface Config extends NodeViewConfig {
    minZones: number;
}

export const nodesPoolEnforceZoneSpread = stackRule<Config>({
    name: "nodes-pool-enforce-zone-spread",
    description: "Requires every node pool to span at least the configured number of availability zones.",
    config: {
        minZones: { type: "integer", minimum: 1, default: PROD_FLOOR.zones, description: "Minimum distinct availability zones per node pool." },
        ...SUBNET_ZONES_SCHEMA,
    },
    check: (resources, cfg, report) => {
        for (const p of stackNodes(resources, cfg).pools) {
            const z = need(p.zones, "zones", p);
            if (z.value === undefined) {
                report(
                    msg(
                        `${p.label}: its zones cannot be determined`,
                        z.from,
                        `at least ${cfg.minZones} zones, provable from the stack`,
                        p.cloud === "aws"
                            ? 'create the subnets in this stack, or declare each subnet\'s zone in the policy config subnetZones ({"subnet-id": "zone"})'
                            : p.cloud === "digitalocean"
                              ? "create the DOKS node pool in the same stack as its cluster"
                              : "set nodeLocations (GKE) or location on the pool or its cluster",
                    ),
                    p.urn,
                );
            } else if (z.value.length < cfg.minZones) {
                report(
                    msg(
                        `${p.label} spans too few availability zones`,
                        `${z.value.length} zone(s) [${z.value.join(", ")}] from ${z.from}`,
                        `at least ${cfg.minZones} zones`,
                        p.cloud === "aws"
                            ? `place the node group in subnets of ${cfg.minZones} different zones (subnetIds)`
                            : p.cloud === "gcp"
                              ? `use a regional cluster or list ${cfg.minZones} zones in nodeLocations`
                              : p.cloud === "digitalocean"
                                ? "none on DOKS: a DigitalOcean region is one datacenter without zones; run this rule as advisory for DOKS stacks (the cluster announces the gap) or use a cloud with zones"
                                : `set availabilityZones to ${cfg.minZones} zones, e.g. ["1", "2", "3"]`,
                    ),
                    p.urn,
                );
            }
        }
    },
});
