/** A3: every node has at least N vCPU and M GiB of memory, judged by the machine catalogues. */
import { MachineSize, resolveMachineSize } from "../catalog";
import { PROD_FLOOR } from "../catalog/floors";
import { need, NodeViewConfig, stackNodes } from "../lib/nodes";
import { stackRule } from "../lib/rule";
import { msg } from "../lib/util";

/** A production-sized machine type per cloud, for fix hints. */
const EXAMPLE = { aws: "m6i.xlarge", gcp: "e2-standard-4", azure: "Standard_D4s_v5", digitalocean: "gd-4vcpu-16gb" } as const;

interface Config extends NodeViewConfig {
    minVcpu: number;
    minMemoryGib: number;
    machineSizes: Record<string, MachineSize>;
}

export const nodesPoolEnforceMachineSize = stackRule<Config>({
    name: "nodes-pool-enforce-machine-size",
    description:
        "Requires every node pool's machine type to have at least the configured vCPU and memory, failing closed on machine types the size catalogue does not know.",
    config: {
        minVcpu: { type: "number", minimum: 1, default: PROD_FLOOR.vcpu, description: "Minimum vCPU per node." },
        minMemoryGib: { type: "number", minimum: 1, default: PROD_FLOOR.memoryGib, description: "Minimum memory per node in GiB." },
        machineSizes: {
            type: "object",
            additionalProperties: {
                type: "object",
                properties: { vcpu: { type: "number" }, memoryGib: { type: "number" } },
                required: ["vcpu", "memoryGib"],
            },
            default: {},
            description: "Extra or corrected machine sizes, machine type -> {vcpu, memoryGib}; consulted before the built-in catalogues.",
        },
    },
    check: (resources, cfg, report) => {
        for (const p of stackNodes(resources, cfg).pools) {
            const types = need(p.machineTypes, "machine type", p);
            for (const t of types.value) {
                const size = resolveMachineSize(p.cloud, t, cfg.machineSizes ?? {});
                if (!size) {
                    report(
                        msg(
                            `${p.label}: machine type ${JSON.stringify(t)} is not in the ${p.cloud} size catalogue, so its size cannot be checked`,
                            `${JSON.stringify(t)} (${types.from})`,
                            `a known machine type with at least ${cfg.minVcpu} vCPU and ${cfg.minMemoryGib} GiB`,
                            `use a catalogued type, or declare its size in this policy's config: "machineSizes": {"${t}": {"vcpu": <n>, "memoryGib": <n>}}`,
                        ),
                        p.urn,
                    );
                    continue;
                }
                const short: string[] = [];
                if (size.vcpu < cfg.minVcpu) {
                    short.push(`${size.vcpu} vCPU < ${cfg.minVcpu}`);
                }
                if (size.memoryGib < cfg.minMemoryGib) {
                    short.push(`${size.memoryGib} GiB < ${cfg.minMemoryGib} GiB`);
                }
                if (short.length > 0) {
                    report(
                        msg(
                            `${p.label}: machine type ${JSON.stringify(t)} is too small (${short.join(", ")})`,
                            `${JSON.stringify(t)} with ${size.vcpu} vCPU and ${size.memoryGib} GiB (${types.from})`,
                            `at least ${cfg.minVcpu} vCPU and ${cfg.minMemoryGib} GiB per node`,
                            `choose a larger machine type (for example ${EXAMPLE[p.cloud]})`,
                        ),
                        p.urn,
                    );
                }
            }
        }
    },
});
