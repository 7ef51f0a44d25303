/** F4: StorageClasses retain volumes when their claims are deleted. */
import { resourceRule } from "../lib/rule";
import { label, msg, show } from "../lib/util";

export const dataStorageclassEnforceRetainPolicy = resourceRule<Record<string, never>>({
    name: "data-storageclass-enforce-retain-policy",
    description: "Requires StorageClasses to retain persistent volumes when their claims are deleted (reclaimPolicy Retain; the Kubernetes default is Delete).",
    types: ["kubernetes:storage.k8s.io/v1:StorageClass"],
    check: (r, _cfg, report) => {
        const p = r.props.reclaimPolicy;
        if (p !== "Retain") {
            report(
                msg(
                    `${label(r)} deletes volumes with their claims`,
                    `reclaimPolicy ${show(p)}${p === undefined ? " (Kubernetes default Delete)" : ""}`,
                    "Retain",
                    "set reclaimPolicy: Retain",
                ),
            );
        }
    },
});
