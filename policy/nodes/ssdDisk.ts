/** A4 (type): every node's root/OS disk is SSD-backed. */
import { need, NodeViewConfig, stackNodes } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { msg, UNKNOWN } from "../lib/util";

type Config = NodeViewConfig;

export const nodesPoolEnforceSsdDisk = stackRule<Config>({
    name: "nodes-pool-enforce-ssd-disk",
    description: "Requires every node's root or OS disk to be SSD-backed (EBS gp2/gp3/io1/io2, not GCE pd-standard, Azure premium-capable or ephemeral).",
    check: (resources, cfg, report) => {
        for (const p of stackNodes(resources, cfg).pools) {
            const t = need(p.diskType, "disk type", p);
            if (p.diskSsd === UNKNOWN) {
                need(UNKNOWN as typeof p.diskType, "machine type", p);
            }
            if (p.diskSsd === false) {
                report(
                    msg(
                        `${p.label}: node disk is not SSD`,
                        `disk type ${JSON.stringify(t.value)} (${t.from})`,
                        p.cloud === "azure"
                            ? "an SSD OS disk (osDiskType Ephemeral, or Managed on a premium-capable VM size such as Standard_D4s_v5)"
                            : "an SSD disk type",
                        p.cloud === "aws"
                            ? "set the root volume's volumeType to gp3"
                            : p.cloud === "gcp"
                              ? "set nodeConfig.diskType to pd-balanced or pd-ssd"
                              : "use a VM size with premium storage (an s in the size name) or osDiskType Ephemeral",
                    ),
                    p.urn,
                );
            }
        }
    },
});
