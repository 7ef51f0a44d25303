/** D10: liveness and readiness probes on long-running containers (not init containers, not Jobs). */
import { containers, podPath, podSpec } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { label, msg } from "../lib/util";

export const workloadsPodEnforceProbes = resourceRule<Record<string, never>>({
    name: "workloads-pod-enforce-probes",
    description: "Requires liveness and readiness probes on every long-running container (init containers and Jobs are skipped).",
    types: ["kubernetes:core/v1:Pod", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet"],
    check: (r, _cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        for (const ref of containers(spec)) {
            if (ref.kind !== "containers") {
                continue;
            }
            const missing = ["livenessProbe", "readinessProbe"].filter((k) => ref.c[k] === undefined);
            if (missing.length > 0) {
                report(
                    msg(
                        `${label(r)} ${podPath(r.type)}: container ${JSON.stringify(ref.name)} has no ${missing.join(" or ")}`,
                        `${missing.join(", ")} not set`,
                        "livenessProbe and readinessProbe",
                        `add ${missing.join(" and ")} (httpGet on the health port, or tcpSocket)`,
                    ),
                );
            }
        }
    },
});
