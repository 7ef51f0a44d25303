/**
 * The Platform: everything the agents need, installed onto any ClusterTarget. It composes the
 * Foundation (namespaces, network policies, quotas, service accounts), cert-manager and its
 * issuers, the data services and observability (part 2), the TLS edge, the agents and the optional
 * add-ons, in dependency order. It never branches on the cloud: everything cloud-specific arrives
 * through the target.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AlertingConfig, Environment, OptionalAddons } from "../types";
import { hasReceiver, PlatformArgs, resolvePlatformArgs, validatePlatformArgs } from "./args";
import { ADDON_FLOWS, ADDON_LAYOUT, addonQuota, Addons, MESHED_COMPONENTS } from "./addons";
import { Agents } from "./agents";
import { namespaceQuotas } from "./budgets";
import { CertManager } from "./certManager";
import { ChartKey, skippedCharts, thirdPartyChartsInstalled } from "./charts";
import { DataServices } from "./data";
import { passwordRotation } from "./data/common";
import { Edge, GatewayController } from "./edge";
import { agentEgressPeers } from "./egress";
import { Foundation, NamespaceSpec } from "./foundation";
import { ComponentName, FLOWS, LAYOUT, publicHostnames } from "./layout";
import type { FlowSpec } from "./networkPolicies";
import { alertmanagerConfig, Observability } from "./observability";
import { ConfigurationBackups } from "./velero";

export type { PlatformArgs };

/** Components with a cloud identity of their own, and the object-store access it gets. */
const IDENTITIES: Partial<Record<ComponentName, "none" | "readWrite">> = { jamie: "none", scarlet: "none" };

/**
 * An add-on's namespace: its layout and Pod Security level (addons.ts `ADDON_LAYOUT`) and its quota
 * for a cluster of `maxNodes` nodes (`addonQuota`); no service account (the charts create their own).
 */
export function addonNamespace(addon: keyof OptionalAddons, environment: Environment, maxNodes: number): NamespaceSpec {
    return {
        component: addon,
        layout: ADDON_LAYOUT[addon],
        quota: addonQuota(addon, environment, maxNodes),
        podSecurity: ADDON_LAYOUT[addon].podSecurity,
        serviceAccount: false,
    };
}

/**
 * The namespaces the Foundation makes for a configuration: every platform component plus the
 * switched-on add-ons, each add-on's quota computed for a cluster of `maxNodes` nodes
 * (`ClusterTarget.maxNodes`, addons.ts `addonQuota`).
 */
export function platformNamespaces(environment: Environment, addons: OptionalAddons, maxNodes: number): { namespaces: NamespaceSpec[]; flows: FlowSpec[] } {
    const quotas = namespaceQuotas(environment);
    const meshed = new Set<string>(addons.istio ? MESHED_COMPONENTS : []);
    const core: NamespaceSpec[] = (Object.keys(LAYOUT) as ComponentName[]).map((c) => ({
        component: c,
        layout: LAYOUT[c],
        quota: quotas[c],
        cloudIdentity: IDENTITIES[c],
        meshed: meshed.has(c),
    }));
    const on = (Object.keys(addons) as (keyof OptionalAddons)[]).filter((k) => addons[k]);
    return { namespaces: [...core, ...on.map((k) => addonNamespace(k, environment, maxNodes))], flows: [...FLOWS, ...on.flatMap((k) => ADDON_FLOWS[k])] };
}

/** The whole platform on one cluster. */
export class Platform extends pulumi.ComponentResource {
    /** Public URLs: Jamie's portal and Grafana. */
    public readonly endpoints: { jamie: string; grafana: string };
    /** Where backups go, by data store (absent when the cluster has no object store). */
    public readonly backupLocations: { postgres?: pulumi.Output<string>; mongodb?: pulumi.Output<string>; redis?: pulumi.Output<string> };
    /** Grafana's generated admin password (a secret). */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    /** Charts this configuration wants but did not install (third-party charts off: charts.ts `setThirdPartyCharts`). */
    public readonly skippedCharts: ChartKey[];
    /** Warnings for the preview report (from the target and the platform). */
    public readonly warnings: string[];
    /** The parts, for callers that compose further. */
    public readonly foundation: Foundation;
    public readonly certManager: CertManager;
    public readonly data: DataServices;
    public readonly observability: Observability;
    public readonly edge: Edge;
    public readonly agents: Agents;
    public readonly addons: Addons;
    /** Velero's weekly configuration backups (the `velero` add-on), when switched on. */
    public readonly configurationBackups?: ConfigurationBackups;

    constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        validatePlatformArgs(args);
        const a = resolvePlatformArgs(args);
        super(
            "agent-platform:platform:Platform",
            name,
            {},
            {
                ...opts,
                providers: [a.target.provider],
                // Every generated password below rotates on the stack's schedule (data/common.ts).
                transformations: [...(opts?.transformations ?? []), passwordRotation(a.passwordRotationDays)],
            },
        );
        const env = a.environment;
        const third = thirdPartyChartsInstalled();
        const protectStateful = a.protectStateful;
        const child = { parent: this };
        const hosts = publicHostnames(a.domain);

        const { namespaces, flows } = platformNamespaces(env, a.addons, a.target.maxNodes);
        const agentEgress = agentEgressPeers(a.agentEgressCidrs, a.clusterCidrs);
        this.foundation = new Foundation(`${name}-foundation`, { target: a.target, namespaces, flows, agentEgress }, child);
        const ns = this.foundation.namespaces;

        // The gateway controller first: its chart installs the Gateway API CRDs cert-manager needs at start.
        const gatewayController = new GatewayController(
            `${name}-edge-envoy-gateway`,
            { target: a.target, environment: env, gatewayNamespace: ns.gateway, chartMirror: a.chartMirror },
            child,
        );
        this.certManager = new CertManager(
            `${name}-cert-manager`,
            {
                target: a.target,
                environment: env,
                namespace: ns.certManager,
                gatewayNamespace: ns.gateway.name,
                acmeEmail: a.acmeEmail,
                chartMirror: a.chartMirror,
                dependsOn: gatewayController.ready,
            },
            child,
        );

        // Observability first: its chart installs the Prometheus Operator CRDs the data stores' monitors use.
        this.observability = new Observability(
            `${name}-observability`,
            {
                target: a.target,
                environment: env,
                namespace: ns.monitoring.name,
                retention: a.retention,
                chartMirror: a.chartMirror,
                grafanaUrl: `https://${hosts.grafana}`,
                alertmanagerConfig: alertmanagerConfig(a.alerting),
                dependsOn: this.foundation.ready,
            },
            child,
        );

        // Data stores may ask the private CA for certificates: they wait for cert-manager's issuers.
        this.data = new DataServices(
            `${name}-data`,
            {
                target: a.target,
                environment: env,
                namespaces: { postgres: ns.postgres.name, mongodb: ns.mongodb.name, redis: ns.redis.name },
                retention: a.retention,
                chartMirror: a.chartMirror,
                protectStateful,
                internalIssuer: this.certManager.issuers["private-ca"],
                dependsOn: [...this.foundation.ready, ...this.certManager.ready],
                // Their PodMonitors need the Prometheus Operator's CRDs, installed by Observability.
                monitoringDependsOn: [this.observability],
            },
            child,
        );
        this.edge = new Edge(
            `${name}-edge`,
            {
                target: a.target,
                environment: env,
                gatewayNamespace: ns.gateway,
                certManager: this.certManager,
                controller: gatewayController,
                issuer: a.issuer,
                routes: [
                    {
                        name: "jamie",
                        hostname: hosts.jamie,
                        namespace: ns.jamie.name,
                        namespaceName: LAYOUT.jamie.namespace,
                        serviceName: "jamie",
                        servicePort: LAYOUT.jamie.ports.portal,
                    },
                    {
                        name: "grafana",
                        hostname: hosts.grafana,
                        namespace: ns.monitoring.name,
                        namespaceName: LAYOUT.monitoring.namespace,
                        serviceName: this.observability.grafanaService.name,
                        servicePort: this.observability.grafanaService.port,
                        dependsOn: [this.observability],
                    },
                ],
            },
            child,
        );

        this.agents = new Agents(
            `${name}-agents`,
            {
                target: a.target,
                environment: env,
                namespaces: { jamie: ns.jamie, scarlet: ns.scarlet, ollama: ns.ollama },
                jamie: a.jamie,
                scarlet: a.scarlet,
                connections: { mongodbUri: this.data.mongodbUri, redisUrl: this.data.redisUrl, postgresUri: this.data.postgresUri },
                otlpEndpoint: this.observability.otlpEndpoint,
                // ServiceMonitor needs the Prometheus Operator CRDs from the observability charts.
                serviceMonitor: third,
                serviceMonitorLabels: this.observability.monitorLabels,
                serviceMonitorReady: third ? [this.observability] : [],
                conversationDays: a.retention.conversationDays,
                internalIssuer: this.certManager.issuers["private-ca"],
                issuerReady: this.certManager.ready,
                chartMirror: a.chartMirror,
                protectStateful,
            },
            child,
        );

        this.addons = new Addons(
            `${name}-addons`,
            {
                target: a.target,
                environment: env,
                addons: a.addons,
                namespaces: ns,
                chartMirror: a.chartMirror,
                monitorLabels: this.observability.monitorLabels,
                // Falco's ServiceMonitor needs the Prometheus Operator's CRDs.
                monitoringDependsOn: third ? [this.observability] : [],
            },
            { parent: this, dependsOn: this.foundation.ready },
        );
        if (a.addons.velero) {
            this.configurationBackups = new ConfigurationBackups(
                `${name}-config-backups`,
                {
                    target: a.target,
                    environment: env,
                    namespace: ns.velero,
                    configBackupWeeks: a.retention.configBackupWeeks,
                    monitorLabels: this.observability.monitorLabels,
                    chartMirror: a.chartMirror,
                    // Its ServiceMonitor needs the Prometheus Operator's CRDs.
                    dependsOn: third ? [this.observability] : [],
                },
                { parent: this, dependsOn: this.foundation.ready },
            );
        }

        this.endpoints = { jamie: this.edge.urls.jamie, grafana: this.edge.urls.grafana };
        this.backupLocations = this.data.backupLocations;
        this.grafanaAdminPassword = this.observability.grafanaAdminPassword;
        this.skippedCharts = skippedCharts(a.addons, third);
        this.warnings = [
            ...this.data.warnings,
            ...this.observability.warnings,
            ...(this.configurationBackups?.warnings ?? []),
            ...(this.addons?.warnings ?? []),
            ...alertingWarnings(env, a.alerting),
            ...(this.skippedCharts.length > 0 ? [`third-party charts are off: not installed: ${this.skippedCharts.join(", ")}`] : []),
        ];
        this.registerOutputs({ endpoints: this.endpoints, backupLocations: this.backupLocations, skippedCharts: this.skippedCharts });
    }
}

/** Warnings about who hears the alerts: none in prod without a receiver or a dead-man's switch. */
export function alertingWarnings(environment: Environment, alerting: AlertingConfig): string[] {
    if (environment !== "prod") {
        return [];
    }
    const out: string[] = [];
    if (!hasReceiver(alerting)) {
        out.push(
            "advisory: no alert receiver (alerting.slackWebhookUrl, alerting.pagerDutyRoutingKey or alerting.emailTo): every alert ends at Alertmanager's null receiver and reaches no one",
        );
    }
    if (alerting.heartbeatUrl === undefined) {
        out.push("advisory: no dead-man's switch (alerting.heartbeatUrl): nobody is told when Prometheus or Alertmanager itself stops");
    }
    return out;
}
