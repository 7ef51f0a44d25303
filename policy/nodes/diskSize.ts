/** A4: every node's root/OS disk has at least N GB (missing sizes take the provider default). */
import { PROD_FLOOR } from "../catalog/floors";
import { need, NodeViewConfig, stackNodes } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { msg } from "../lib/util";

interface Config extends NodeViewConfig {
    minDiskGb: number;
}

export const nodesPoolEnforceDiskSize = stackRule<Config>({
    name: "nodes-pool-enforce-disk-size",
    description: "Requires every node's root or OS disk to be at least the configured size, taking the provider's default when the size is not set.",
    config: {
        minDiskGb: { type: "number", minimum: 1, default: PROD_FLOOR.diskGb, description: "Minimum node root/OS disk size in GB." },
    },
    check: (resources, cfg, report) => {
        for (const p of stackNodes(resources, cfg).pools) {
            const d = need(p.diskGb, "disk size", p);
            if (d.value < cfg.minDiskGb) {
                report(
                    msg(
                        `${p.label}: node disk is too small`,
                        `${d.value} GB (${d.from})`,
                        `at least ${cfg.minDiskGb} GB`,
                        p.cloud === "aws"
                            ? `set the launch template's root blockDeviceMappings[].ebs.volumeSize (or the node group's diskSize) to ${cfg.minDiskGb} or more`
                            : p.cloud === "gcp"
                              ? `set nodeConfig.diskSizeGb to ${cfg.minDiskGb} or more`
                              : p.cloud === "digitalocean"
                                ? `choose a droplet size whose local disk has ${cfg.minDiskGb} GB or more (e.g. gd-4vcpu-16gb: 100 GB); on DOKS the size fixes the disk`
                                : `set osDiskSizeGB to ${cfg.minDiskGb} or more`,
                    ),
                    p.urn,
                );
            }
        }
    },
});
