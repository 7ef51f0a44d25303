/** E1-E3: control-plane audit logging and monitoring on every cluster. */
import { stackRule } from "../lib/rule";
import { arr, at, label, msg, peek, show, UNKNOWN } from "../lib/util";

interface Config {
    eksLogTypes: string[];
}

export const auditClusterEnforceControlPlaneLogs = stackRule<Config>({
    name: "audit-cluster-enforce-control-plane-logs",
    description:
        "Requires control-plane audit logs and monitoring: every EKS log type listed in config, GKE logging and monitoring not disabled, AKS monitoring on and a diagnostic setting sending kube-audit logs; DOKS clusters, which export no audit log, are always reported (advisory on DOKS stacks).",
    config: {
        eksLogTypes: {
            type: "array",
            items: { type: "string" },
            default: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            description: "EKS control-plane log types that must be enabled.",
        },
    },
    check: (resources, cfg, report) => {
        // azure-native v3 names it monitor:DiagnosticSetting (insights: is the v2 alias); accept both.
        const diag = resources.filter((r) => r.type === "azure-native:monitor:DiagnosticSetting" || r.type === "azure-native:insights:DiagnosticSetting");
        for (const r of resources) {
            if (r.type === "aws:eks/cluster:Cluster") {
                const on = arr<string>(r.props.enabledClusterLogTypes);
                const missing = cfg.eksLogTypes.filter((t) => !on.includes(t));
                if (missing.length > 0) {
                    report(
                        msg(
                            `${label(r)} does not log the whole control plane`,
                            `enabledClusterLogTypes ${show(on)} (missing ${missing.join(", ")})`,
                            `all of ${cfg.eksLogTypes.join(", ")}`,
                            `set enabledClusterLogTypes: ${JSON.stringify(cfg.eksLogTypes)}`,
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "gcp:container/cluster:Cluster") {
                const logging = r.props.loggingService;
                const monitoring = r.props.monitoringService;
                const comps = at(r.props, "loggingConfig.enableComponents");
                if (logging === "none" || (Array.isArray(comps) && comps.length === 0)) {
                    report(
                        msg(
                            `${label(r)} has control-plane logging off`,
                            `loggingService ${show(logging)}, loggingConfig.enableComponents ${show(comps)}`,
                            "Cloud Logging on (logging.googleapis.com/kubernetes) with SYSTEM_COMPONENTS and APISERVER",
                            'remove loggingService "none"; set loggingConfig.enableComponents ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]',
                        ),
                        r.urn,
                    );
                }
                if (monitoring === "none") {
                    report(msg(`${label(r)} has monitoring off`, 'monitoringService "none"', "Cloud Monitoring on", 'remove monitoringService "none"'), r.urn);
                }
            } else if (r.type === "azure-native:containerservice:ManagedCluster") {
                const oms = at(r.props, "addonProfiles.omsagent.enabled") ?? at(r.props, "addonProfiles.omsAgent.enabled");
                const metrics = at(r.props, "azureMonitorProfile.metrics.enabled");
                if (oms !== true && metrics !== true) {
                    report(
                        msg(
                            `${label(r)} has monitoring off`,
                            `addonProfiles.omsagent.enabled ${show(oms)}, azureMonitorProfile.metrics.enabled ${show(metrics)}`,
                            "one of them true",
                            "set azureMonitorProfile.metrics.enabled: true (managed Prometheus) or enable the omsagent add-on",
                        ),
                        r.urn,
                    );
                }
                const audited = diag.some((d) => {
                    const logs = peek(() =>
                        arr<Record<string, unknown>>(d.props.logs).filter(
                            (l) =>
                                (l.category === "kube-audit" ||
                                    l.category === "kube-audit-admin" ||
                                    l.categoryGroup === "audit" ||
                                    l.categoryGroup === "allLogs") &&
                                l.enabled !== false,
                        ),
                    );
                    return logs === UNKNOWN || logs.length > 0;
                });
                if (!audited) {
                    report(
                        msg(
                            `${label(r)} sends no audit logs`,
                            "no azure-native:monitor:DiagnosticSetting with category kube-audit",
                            "a DiagnosticSetting on the cluster with kube-audit (or kube-audit-admin) enabled",
                            'create an azure-native monitor DiagnosticSetting with resourceUri the cluster id and logs [{category: "kube-audit", enabled: true}]',
                        ),
                        r.urn,
                    );
                }
            } else if (r.type === "digitalocean:index/kubernetesCluster:KubernetesCluster") {
                report(
                    msg(
                        `${label(r)} cannot export control-plane audit logs`,
                        "a DOKS cluster (no audit log setting)",
                        "the API server's audit log recorded for the operator",
                        "none on DOKS: run this rule as advisory for DOKS stacks (the cluster announces the gap)",
                    ),
                    r.urn,
                );
            }
        }
    },
});
