/** A6: a PodDisruptionBudget must allow at least one voluntary disruption but not be empty. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

export const workloadsPdbDisallowZeroDisruption = resourceRule<Record<string, never>>({
    name: "workloads-pdb-disallow-zero-disruption",
    description: "Disallows PodDisruptionBudgets that block every voluntary disruption (maxUnavailable 0 or minAvailable 100%) or that set neither bound.",
    types: ["kubernetes:policy/v1:PodDisruptionBudget"],
    check: (r, _cfg, report) => {
        const max = at(r.props, "spec.maxUnavailable");
        const min = at(r.props, "spec.minAvailable");
        if (max === undefined && min === undefined) {
            report(
                msg(
                    `${label(r)} sets no bound`,
                    "neither spec.minAvailable nor spec.maxUnavailable",
                    "one of them",
                    "set spec.maxUnavailable: 1 (or minAvailable below the replica count)",
                ),
            );
        } else if (max === 0 || max === "0" || max === "0%") {
            report(
                msg(
                    `${label(r)} blocks every voluntary disruption (node drains and upgrades hang)`,
                    `spec.maxUnavailable ${show(max)}`,
                    "maxUnavailable of at least 1",
                    "set spec.maxUnavailable: 1",
                ),
            );
        } else if (min === "100%") {
            report(
                msg(
                    `${label(r)} blocks every voluntary disruption (node drains and upgrades hang)`,
                    `spec.minAvailable ${show(min)}`,
                    "minAvailable below 100%",
                    "set spec.maxUnavailable: 1 instead",
                ),
            );
        }
    },
});
