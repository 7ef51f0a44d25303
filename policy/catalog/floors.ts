/**
 * The production floor: the one source of the node and zone figures REQUIREMENTS.md sets for
 * production ("Cluster": at least 3 nodes spread over at least 3 zones; at least 4 vCPU, 16 GiB RAM
 * and 100 GB SSD per node). The sizing policies take their configSchema defaults from it (so a
 * policy config that leaves a figure out gets this one), the stack-config checker (config/parse.ts)
 * refuses production values below it, and the components' default production pools
 * (components/defaults.ts) are sized at or above it.
 */
export const PROD_FLOOR = {
    /** Nodes per cluster (sum of the pools' autoscaler minimums) and per DOKS pool floor. */
    nodes: 3,
    /** Distinct availability zones per node pool. */
    zones: 3,
    /** vCPU per node. */
    vcpu: 4,
    /** Memory per node, GiB. */
    memoryGib: 16,
    /** Root/OS disk per node, GB (SSD). */
    diskGb: 100,
} as const;
