/**
 * D10: liveness and readiness probes on long-running containers (not init containers, not Jobs).
 *
 * A container whose upstream image has no endpoint for a probe is listed by name, container and
 * probe with the reason (`probeExemptions`); docs/policies.md prints the list.
 */
import { findExemption, reasonedExemptionSchema, type ReasonedExemption } from "../lib/exemptions";
import { containers, podPath, podSpec } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { k8sId, label, msg } from "../lib/util";

type Probe = "livenessProbe" | "readinessProbe";

/** A container excused from some probes, with why. */
export interface ProbeExemption extends ReasonedExemption {
    /** Container name inside the workload's pod. */
    container: string;
    /** The probes it is excused from. */
    probes: Probe[];
}

interface Config {
    probeExemptions: ProbeExemption[];
}

/** Containers of the platform's charts whose upstream images offer no endpoint for a probe. */
export const DEFAULT_PROBE_EXEMPTIONS: ProbeExemption[] = [
    {
        workload: "cert-manager/cert-manager",
        container: "cert-manager-controller",
        probes: ["readinessProbe"],
        reason: "cert-manager's controller serves no traffic (its Service carries metrics only) and exposes no readiness endpoint; it has a liveness probe on /livez. Readiness only gates Service endpoints, which this pod has none of in the request path.",
    },
    {
        workload: "cert-manager/cert-manager-cainjector",
        container: "cert-manager-cainjector",
        probes: ["livenessProbe", "readinessProbe"],
        reason: "cert-manager's CA injector (v1.21) serves no health endpoint and no traffic; it is leader-elected, and the kubelet restarts it when it exits.",
    },
    {
        workload: "data-postgres/plugin-barman-cloud",
        container: "barman-cloud",
        probes: ["livenessProbe"],
        reason: "The Barman Cloud plugin chart (0.7.0) offers no liveness probe setting; its gRPC server has a TCP readiness probe, and the plugin exits on fatal errors, which the kubelet restarts.",
    },
];

export const workloadsPodEnforceProbes = resourceRule<Config>({
    name: "workloads-pod-enforce-probes",
    description:
        "Requires liveness and readiness probes on every long-running container (init containers and Jobs are skipped), except listed containers whose image has no endpoint for a probe.",
    types: [
        "kubernetes:core/v1:Pod",
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:apps/v1:DaemonSet",
        "kubernetes:apps/v1:ReplicaSet",
    ],
    config: {
        probeExemptions: reasonedExemptionSchema(
            "Containers (workload namespace/name, container, probes) whose image offers no endpoint for the listed probes, each with its reason.",
            DEFAULT_PROBE_EXEMPTIONS,
            {
                container: { type: "string", minLength: 1 },
                probes: { type: "array", minItems: 1, items: { type: "string", enum: ["livenessProbe", "readinessProbe"] } },
            },
        ),
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        const id = k8sId(r.props);
        for (const ref of containers(spec)) {
            if (ref.kind !== "containers") {
                continue;
            }
            const excused = (cfg.probeExemptions ?? [])
                .filter((e) => e.container === ref.name && findExemption([e], id.namespace, id.name))
                .flatMap((e) => e.probes);
            const missing = (["livenessProbe", "readinessProbe"] as const).filter((k) => ref.c[k] === undefined && !excused.includes(k));
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
