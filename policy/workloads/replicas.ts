/** A6: Deployments and StatefulSets run at least N replicas (unset means the Kubernetes default 1). */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

interface Config {
    minReplicas: number;
}

export const workloadsDeploymentEnforceMinimumReplicas = resourceRule<Config>({
    name: "workloads-deployment-enforce-minimum-replicas",
    description: "Requires Deployments and StatefulSets to run at least the configured number of replicas, an unset count meaning the Kubernetes default of 1.",
    types: ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"],
    config: {
        minReplicas: { type: "integer", minimum: 1, default: 3, description: "Minimum spec.replicas (workloads scaled by an HPA set replicas to the HPA minimum)." },
    },
    check: (r, cfg, report) => {
        const replicas = at(r.props, "spec.replicas");
        const n = typeof replicas === "number" ? replicas : 1;
        if (n < cfg.minReplicas) {
            report(
                msg(
                    `${label(r)} runs too few replicas for high availability`,
                    `spec.replicas ${show(replicas)}${replicas === undefined ? " (Kubernetes default 1)" : ""}`,
                    `at least ${cfg.minReplicas}`,
                    `set spec.replicas to ${cfg.minReplicas} or more, or exempt it by name in this policy's config if it is a singleton by design`,
                ),
            );
        }
    },
});
