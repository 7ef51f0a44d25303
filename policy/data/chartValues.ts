/** Values-level checks for Helm charts (a helm.v3 Release exposes only its values to policies). */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

interface Config {
    requiredValues: Record<string, Record<string, unknown>>;
}

/** The chart name of a Release/Chart (`oci://.../gateway-helm` -> `gateway-helm`, `./charts/jamie` -> `jamie`). */
export function chartName(chart: unknown): string {
    const s = typeof chart === "string" ? chart : "";
    return s.split("/").pop() ?? s;
}

export const dataChartEnforceRequiredValues = resourceRule<Config>({
    name: "data-chart-enforce-required-values",
    description:
        "Requires Helm releases and charts to set the values the platform depends on for TLS, authentication and persistence (per chart name, configurable).",
    types: ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"],
    config: {
        requiredValues: {
            type: "object",
            additionalProperties: { type: "object" },
            default: {
                postgresql: { "tls.enabled": true, "auth.enablePostgresUser": false, "primary.persistence.enabled": true },
                mongodb: { "tls.enabled": true, "auth.enabled": true, "persistence.enabled": true, architecture: "replicaset" },
                redis: { "tls.enabled": true, "tls.authClients": true, "auth.enabled": true, "master.persistence.enabled": true },
                "redis-ha": { "haproxy.tls.enabled": true, "persistentVolume.enabled": true },
                "kube-prometheus-stack": { "prometheus.prometheusSpec.retention": "30d", "grafana.adminPassword": null },
            },
            description: "Chart name -> {dotted values path: required value}; null means the value must NOT be set in values (e.g. a literal admin password).",
        },
    },
    check: (r, cfg, report) => {
        const name = chartName(r.props.chart);
        const req = cfg.requiredValues[name];
        if (!req) {
            return;
        }
        const values = r.props.values;
        for (const [path, want] of Object.entries(req)) {
            const got = at(values, path);
            if (want === null) {
                if (got !== undefined) {
                    report(
                        msg(
                            `${label(r)} (chart ${name}) sets values.${path} literally`,
                            `values.${path} is set (value not shown)`,
                            "unset (use the chart's existingSecret option)",
                            `remove values.${path} and reference a Secret instead`,
                        ),
                    );
                }
            } else if (got !== want) {
                report(
                    msg(
                        `${label(r)} (chart ${name}) lacks a required value`,
                        `values.${path} ${show(got)}`,
                        `${show(want)}`,
                        `set values.${path}: ${JSON.stringify(want)}`,
                    ),
                );
            }
        }
    },
});
