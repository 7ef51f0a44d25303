/** D8: CPU and memory requests and a memory limit on every container. */
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { at, label, msg } from "../lib/util";

interface Config {
    requireCpuLimit: boolean;
}

export const workloadsPodEnforceResources = resourceRule<Config>({
    name: "workloads-pod-enforce-resources",
    description: "Requires CPU and memory requests and a memory limit on every container, init containers included.",
    types: POD_TYPES,
    config: {
        requireCpuLimit: { type: "boolean", default: false, description: "Also require a CPU limit (off by default: CPU limits cause throttling)." },
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        for (const ref of containers(spec)) {
            if (ref.kind === "ephemeralContainers") {
                continue; // Ephemeral containers cannot declare resources.
            }
            const missing = ["requests.cpu", "requests.memory", "limits.memory", ...(cfg.requireCpuLimit ? ["limits.cpu"] : [])].filter(
                (k) => at(ref.c.resources, k) === undefined,
            );
            if (missing.length > 0) {
                report(
                    msg(
                        `${label(r)} ${podPath(r.type)}: ${cname(ref)} has no resource ${missing.join(", ")}`,
                        `resources ${missing.map((m) => `${m} not set`).join(", ")}`,
                        `resources.requests.cpu, requests.memory and limits.memory${cfg.requireCpuLimit ? " and limits.cpu" : ""}`,
                        `set ${missing.map((m) => `resources.${m}`).join(", ")} on the container`,
                    ),
                );
            }
        }
    },
});
