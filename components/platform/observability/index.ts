/**
 * Observability: kube-prometheus-stack (Prometheus with 30-day retention on a 200 GB volume,
 * Alertmanager, Grafana, kube-state-metrics), Loki (logs in the object store, retention from
 * config) fed by Grafana Alloy, and Tempo (traces in the object store, OTLP gRPC 4317 and HTTP 4318), all in the
 * monitoring namespace. The seed's alert rules are a PrometheusRule and the platform's dashboards
 * are ConfigMaps, both the program's own objects. Grafana's admin password is generated and kept
 * secret; Alertmanager's configuration is a Secret the program creates (values Pulumi secrets) and
 * the chart references. docs/observability.md explains the choices.
 */
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { ConfigMap } from "@pulumi/kubernetes/core/v1";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { Environment, RetentionConfig } from "../../types";
import type { ClusterTarget } from "../../contract";
import { installChart } from "../charts";
import { LAYOUT } from "../layout";
import { generatedPassword, noObjectStoreWarning, objectStoreWriter, placement, secretFrom } from "../data/common";
import { prometheusRuleSpec } from "./alertRules";
import { DASHBOARDS, dashboardJson } from "./dashboards";
import {
    ALERTMANAGER_CONFIG_KEY,
    ALERTMANAGER_CONFIG_SECRET,
    alertmanagerConfig,
    alloyValues,
    GRAFANA_ADMIN_SECRET,
    lokiValues,
    observabilityUrls,
    prometheusStackValues,
    SERVICES,
    tempoValues,
} from "./values";
import { toolFolder } from "../../retention";

export { ALERT_GROUPS, alertExpr, prometheusRuleSpec, THRESHOLDS } from "./alertRules";
export { DASHBOARDS, dashboardJson } from "./dashboards";
export { ALERTMANAGER_CONFIG_SECRET, alertmanagerConfig, observabilitySizes, observabilityUrls, SERVICES } from "./values";

/** Name of the PrometheusRule with the platform's alerts. */
export const ALERT_RULE_NAME = "platform-alerts";
/** Label Grafana's sidecar selects dashboard ConfigMaps by. */
export const DASHBOARD_LABEL = "grafana_dashboard";

/** Arguments of Observability. */
export interface ObservabilityArgs {
    /** The cluster. */
    target: ClusterTarget;
    /** Sizes and replica counts follow the environment. */
    environment: Environment;
    /** The monitoring namespace's name (from the Foundation). */
    namespace: pulumi.Input<string>;
    /** Retention figures: metricsDays (Prometheus), logsDays (Loki), tracesDays (Tempo). */
    retention: RetentionConfig;
    /** `platform.chartMirror`: where third-party charts come from (components/platform/charts.ts, ChartMirrorKind). @default their public repositories */
    chartMirror?: string;
    /**
     * Public Grafana URL, e.g. `https://grafana.example.com` (Grafana's root_url).
     * @default unset (Grafana derives it from the request)
     */
    grafanaUrl?: string;
    /**
     * Alertmanager's configuration (`alertmanager.yaml` as an object: route, receivers, inhibit
     * rules), written into the `alertmanager-config` Secret as a Pulumi secret. Receivers carry
     * webhook URLs and keys, hence a Secret and not a chart value.
     * @default alertmanagerConfig(): everything grouped by namespace to the `null` receiver
     */
    alertmanagerConfig?: pulumi.Input<Record<string, unknown>>;
    /**
     * Raw values merged over the platform's for each chart (escape hatch).
     * @default {}
     */
    chartOverrides?: {
        kubePrometheusStack?: Record<string, unknown>;
        loki?: Record<string, unknown>;
        tempo?: Record<string, unknown>;
        alloy?: Record<string, unknown>;
    };
    /**
     * Resources to wait for (the namespace's policies and service accounts).
     * @default []
     */
    dependsOn?: pulumi.Resource[];
}

/** Metrics, logs, traces, dashboards and alerts. */
export class Observability extends pulumi.ComponentResource {
    /** Grafana's Service, for the public route. */
    public readonly grafanaService: { name: string; namespace: string; port: number };
    /** OTLP gRPC endpoint (Tempo) the agents send traces to. */
    public readonly otlpEndpoint: string;
    /** OTLP HTTP endpoint (Tempo). */
    public readonly otlpHttpEndpoint: string;
    /** In-cluster Prometheus URL. */
    public readonly prometheusUrl: string;
    /** In-cluster Loki URL. */
    public readonly lokiUrl: string;
    /** Grafana's admin password; a secret. */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** Labels a ServiceMonitor or PodMonitor needs for Prometheus to select it (none: it selects all). */
    public readonly monitorLabels: Record<string, string>;
    /** Third-party charts not installed because third-party charts are off (charts.ts `setThirdPartyCharts`). */
    public readonly skippedCharts: string[];
    /** Warnings for the preview report. */
    public readonly warnings: string[];

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:platform:Observability", name, {}, opts);
        const dependsOn = args.dependsOn ?? [];
        const overrides = args.chartOverrides ?? {};
        const ns = LAYOUT.monitoring.namespace;
        const urls = observabilityUrls();
        this.grafanaService = { name: SERVICES.grafana, namespace: ns, port: LAYOUT.monitoring.ports.grafana };
        this.otlpEndpoint = urls.otlpGrpc;
        this.otlpHttpEndpoint = urls.otlpHttp;
        this.prometheusUrl = urls.prometheus;
        this.lokiUrl = urls.loki;
        this.monitorLabels = {};
        this.skippedCharts = [];
        this.warnings = [];
        const place = placement(args.target, "monitoring", {});
        const chartPlace = { affinity: place.affinity, tolerations: place.tolerations };

        this.grafanaAdminPassword = generatedPassword(`${name}-grafana-admin-password`, this);
        const grafanaAdmin = secretFrom(
            `${name}-grafana-admin`,
            { name: GRAFANA_ADMIN_SECRET, namespace: args.namespace, data: { "admin-user": "admin", "admin-password": this.grafanaAdminPassword } },
            { parent: this, dependsOn },
        );
        // Alertmanager's configuration: the chart references this Secret instead of rendering one with literal data.
        const alertmanagerSecret = secretFrom(
            `${name}-alertmanager-config`,
            {
                name: ALERTMANAGER_CONFIG_SECRET,
                namespace: args.namespace,
                data: { [ALERTMANAGER_CONFIG_KEY]: pulumi.output(args.alertmanagerConfig ?? alertmanagerConfig()).apply((c) => YAML.stringify(c)) },
            },
            { parent: this, dependsOn },
        );
        const dashboards = DASHBOARDS.map(
            (d) =>
                new ConfigMap(
                    `${name}-dashboard-${d.uid}`,
                    {
                        metadata: { name: `dashboard-${d.uid}`, namespace: args.namespace, labels: { [DASHBOARD_LABEL]: "1" } },
                        data: { [`${d.uid}.json`]: JSON.stringify(dashboardJson(d)) },
                    },
                    { parent: this, dependsOn },
                ),
        );

        const stack = installChart(
            {
                key: "kubePrometheusStack",
                name: `${name}-stack`,
                namespace: args.namespace,
                releaseName: "monitoring",
                chartMirror: args.chartMirror,
                values: {
                    ...prometheusStackValues({
                        environment: args.environment,
                        storageClass: args.target.ssdStorageClass,
                        metricsDays: args.retention.metricsDays,
                        place: chartPlace,
                        grafanaUrl: args.grafanaUrl,
                    }),
                    ...overrides.kubePrometheusStack,
                },
            },
            { parent: this, dependsOn: [...dependsOn, grafanaAdmin, alertmanagerSecret, ...dashboards] },
        );

        const loki = objectStoreWriter(
            `${name}-loki`,
            args.target,
            { namespace: ns, namespaceInput: args.namespace, serviceAccount: SERVICES.loki, prefix: toolFolder("loki"), secretName: "loki-store-credentials" },
            { parent: this, dependsOn },
        );
        const tempo = objectStoreWriter(
            `${name}-tempo`,
            args.target,
            {
                namespace: ns,
                namespaceInput: args.namespace,
                serviceAccount: SERVICES.tempo,
                prefix: toolFolder("tempo"),
                secretName: "tempo-store-credentials",
            },
            { parent: this, dependsOn },
        );
        if (!loki) {
            this.warnings.push(
                noObjectStoreWarning("Loki object storage (logs kept on one local volume, no replication) and Tempo object storage (traces on a local volume)"),
            );
        }
        const lokiChart = installChart(
            {
                key: "loki",
                name: `${name}-loki`,
                namespace: args.namespace,
                releaseName: "loki",
                chartMirror: args.chartMirror,
                values: {
                    ...lokiValues({
                        environment: args.environment,
                        storageClass: args.target.ssdStorageClass,
                        logsDays: args.retention.logsDays,
                        access: loki,
                        place: chartPlace,
                    }),
                    ...overrides.loki,
                },
            },
            { parent: this, dependsOn: [...dependsOn, ...(loki?.credentialsSecret ? [loki.credentialsSecret] : [])] },
        );
        const tempoChart = installChart(
            {
                key: "tempo",
                name: `${name}-tempo`,
                namespace: args.namespace,
                releaseName: "tempo",
                chartMirror: args.chartMirror,
                values: {
                    ...tempoValues({
                        environment: args.environment,
                        storageClass: args.target.ssdStorageClass,
                        tracesDays: args.retention.tracesDays,
                        access: tempo,
                        place: chartPlace,
                    }),
                    ...overrides.tempo,
                },
            },
            { parent: this, dependsOn: [...dependsOn, ...(tempo?.credentialsSecret ? [tempo.credentialsSecret] : [])] },
        );
        // Logs reach Loki through Alloy, which reads them from the API server (no host mounts).
        const alloyChart = installChart(
            {
                key: "alloy",
                name: `${name}-alloy`,
                namespace: args.namespace,
                releaseName: "alloy",
                chartMirror: args.chartMirror,
                values: { ...alloyValues({ environment: args.environment, place: chartPlace }), ...overrides.alloy },
            },
            { parent: this, dependsOn: [...dependsOn, ...(lokiChart ? [lokiChart] : [])] },
        );
        for (const [key, chart] of [
            ["kubePrometheusStack", stack],
            ["loki", lokiChart],
            ["tempo", tempoChart],
            ["alloy", alloyChart],
        ] as const) {
            if (!chart) {
                this.skippedCharts.push(key);
            }
        }

        // The alert rules need the Prometheus Operator's CRDs: skipped with the stack's chart.
        if (stack) {
            new CustomResource(
                `${name}-alerts`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: { name: ALERT_RULE_NAME, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": "agent-platform" } },
                    spec: prometheusRuleSpec(),
                },
                { parent: this, dependsOn: [stack] },
            );
        }
        this.registerOutputs({
            grafanaService: this.grafanaService,
            otlpEndpoint: this.otlpEndpoint,
            prometheusUrl: this.prometheusUrl,
            lokiUrl: this.lokiUrl,
        });
    }
}
