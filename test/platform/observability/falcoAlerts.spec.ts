/**
 * Issue 14 part 5: Falco's events reach the same receivers as every other alert. Falco exports a
 * match counter per rule (`falcosecurity_falco_rules_matches_total`, priority as a number); the
 * platform's PrometheusRule alerts on new matches of Error-or-higher rules with a mapped severity,
 * and Alertmanager routes them by that severity like the rest.
 *
 * The pinned Falco chart (9.2.0) is not in the chart mirror; the last test renders the program's
 * Falco values with the mirror's falco 9.1.0, the newest chart source here, whose `metrics` and
 * `serviceMonitor` values and ServiceMonitor template are identical to the falco repository's
 * chart of July 2026 (the 9.2.0 line). That render stands for the pinned chart only in this test.
 */
import * as assert from "assert";
import * as path from "path";
import * as YAML from "yaml";
import { ADDON_LAYOUT, Addons } from "../../../components/platform/addons";
import { addonNamespace } from "../../../components/platform/platform";
import { Foundation } from "../../../components/platform/foundation";
import type { OptionalAddons } from "../../../components/types";
import { alertmanagerConfig, prometheusRuleSpec } from "../../../components/platform/observability";
import { FALCO_ALERT_GROUP, FALCO_MATCHES_METRIC, FALCO_PRIORITIES, FALCO_SEVERITIES } from "../../../components/platform/observability/falcoAlerts";
import { renderCharts, type KubeObject } from "../../../preview/helm";
import { runWithMocks } from "../../../preview/harness";
import { testHelm, testMirror } from "../../support/charts";
import { fakeTarget } from "../fakeTarget";
import { one, thirdPartyChartsSwitched } from "../helpers";

type Rule = { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> };

function rule(alert: string): Rule {
    const found = prometheusRuleSpec()
        .groups.flatMap((g) => g.rules)
        .filter((r) => r.alert === alert);
    assert.strictEqual(found.length, 1, `one rule named ${alert}`);
    return found[0] as Rule;
}

/** The priorities a rule's expression selects, from its `priority=~"..."` matcher. */
function prioritiesOf(expr: string): number[] {
    const sets = [...expr.matchAll(/priority=~"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(sets.length > 0 && sets.every((s) => s === sets[0]), `one priority set throughout: ${expr}`);
    return sets[0].split("|").map(Number);
}

describe("Falco's events as alerts (issue 14 part 5)", function () {
    it("the platform's PrometheusRule has a security group with one alert per severity", () => {
        const group = prometheusRuleSpec().groups.find((g) => g.name === "platform-security");
        assert.ok(group, "group platform-security");
        assert.deepStrictEqual(
            group.rules.map((r) => [r.alert, (r.labels as Record<string, string>).severity]),
            [
                ["FalcoCriticalEvent", "critical"],
                ["FalcoErrorEvent", "warning"],
            ],
        );
        assert.strictEqual(FALCO_ALERT_GROUP.rules.length, 2);
    });

    it("maps Falco's priorities: Emergency, Alert and Critical page; Error notifies; Warning and below do not alert", () => {
        assert.deepStrictEqual(prioritiesOf(rule("FalcoCriticalEvent").expr), [0, 1, 2]);
        assert.deepStrictEqual(prioritiesOf(rule("FalcoErrorEvent").expr), [3]);
        assert.deepStrictEqual(
            [FALCO_PRIORITIES.Emergency, FALCO_PRIORITIES.Alert, FALCO_PRIORITIES.Critical, FALCO_PRIORITIES.Error, FALCO_PRIORITIES.Warning],
            [0, 1, 2, 3, 4],
        );
        const alerted = FALCO_SEVERITIES.flatMap((s) => s.priorities).sort();
        assert.deepStrictEqual(alerted, [0, 1, 2, 3]);
        for (const quiet of [FALCO_PRIORITIES.Warning, FALCO_PRIORITIES.Notice, FALCO_PRIORITIES.Informational, FALCO_PRIORITIES.Debug]) {
            assert.ok(!alerted.includes(quiet), `priority ${quiet} is not alerted`);
        }
    });

    it("fires on a rule's new matches, and on its first match (a new series, which increase() does not count)", () => {
        const r = rule("FalcoCriticalEvent");
        const series = `${FALCO_MATCHES_METRIC}{priority=~"0|1|2"}`;
        assert.strictEqual(
            r.expr,
            `sum by (namespace, pod, rule_name, priority, source) (increase(${series}[5m])) > 0` +
                ` or sum by (namespace, pod, rule_name, priority, source) (${series} unless ${series} offset 5m) > 0`,
        );
        assert.strictEqual(r.for, "0s", "an event alerts at once");
        assert.strictEqual(rule("FalcoErrorEvent").expr, r.expr.replaceAll('priority=~"0|1|2"', 'priority=~"3"'));
    });

    it("names the rule, its priority, the Falco pod and the event source, and carries the platform label", () => {
        for (const name of ["FalcoCriticalEvent", "FalcoErrorEvent"]) {
            const r = rule(name);
            assert.strictEqual(r.labels.platform, "agent-platform");
            for (const label of ["rule_name", "priority", "pod", "source"]) {
                assert.ok(r.annotations.summary.includes(`{{ $labels.${label} }}`), `${name} summary names ${label}`);
            }
        }
    });

    it("reaches the same receivers as every other alert: critical pages, warning notifies", () => {
        const cfg = alertmanagerConfig({
            slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/x",
            pagerDutyRoutingKey: "0123456789abcdef0123456789abcdef",
        }) as any;
        const routeFor = (severity: string): any => cfg.route.routes.find((r: any) => (r.matchers as string[]).includes(`severity = "${severity}"`));
        const receiverOf = (name: string): any => cfg.receivers.find((r: any) => r.name === name);
        const critical = receiverOf(routeFor(rule("FalcoCriticalEvent").labels.severity).receiver);
        assert.ok(critical.pagerduty_configs?.length === 1 && critical.slack_configs?.length === 1, JSON.stringify(critical));
        const warning = receiverOf(routeFor(rule("FalcoErrorEvent").labels.severity).receiver);
        assert.ok(warning.slack_configs?.length === 1 && warning.pagerduty_configs === undefined, JSON.stringify(warning));
    });

    it("the program's Falco values render an endpoint with rule counters and a ServiceMonitor on the port the NetworkPolicies open (falco 9.1.0 standing in for 9.2.0)", async function () {
        this.timeout(300_000);
        const none: OptionalAddons = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };
        const run = await thirdPartyChartsSwitched(true, () =>
            runWithMocks(() => {
                const fake = fakeTarget();
                const f = new Foundation(
                    "t",
                    {
                        target: fake.target,
                        namespaces: [addonNamespace("falco", "prod", 27)],
                        flows: [],
                    },
                    { provider: fake.target.provider },
                );
                new Addons(
                    "t-addons",
                    { target: fake.target, environment: "prod", addons: { ...none, falco: true }, namespaces: f.namespaces },
                    { provider: fake.target.provider },
                );
                return {};
            }),
        );
        const chart = one(run, "kubernetes:helm.sh/v4:Chart", "t-addons-falco");
        const standIn = { ...chart, inputs: { ...chart.inputs, chart: path.join(testMirror(), "falco-9.1.0.tgz"), version: "9.1.0" } };
        const [render] = await renderCharts([standIn], { helm: testHelm(), kubeVersion: "1.34", apiVersions: ["monitoring.coreos.com/v1"] });
        assert.strictEqual(render.error, undefined, render.error);
        const find = (kind: string, name: string): KubeObject => {
            const o = render.objects.find((x) => x.kind === kind && x.metadata.name === name);
            assert.ok(o, `${kind} ${name}`);
            return o;
        };
        const config = YAML.parse((find("ConfigMap", "falco") as any).data["falco.yaml"]);
        assert.strictEqual(config.metrics.enabled, true);
        assert.strictEqual(config.metrics.rules_counters_enabled, true);
        assert.strictEqual(config.webserver.prometheus_metrics_enabled, true);
        assert.strictEqual(config.webserver.listen_port, ADDON_LAYOUT.falco.ports.metrics);
        const service = find("Service", "falco-metrics") as any;
        assert.deepStrictEqual(
            service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
            [["metrics", 8765, 8765]],
        );
        const monitor = find("ServiceMonitor", "falco") as any;
        assert.strictEqual(monitor.metadata.namespace, "falco");
        assert.deepStrictEqual(
            monitor.spec.endpoints.map((e: any) => [e.port, e.path]),
            [["metrics", "/metrics"]],
        );
        for (const [k, v] of Object.entries(monitor.spec.selector.matchLabels as Record<string, string>)) {
            assert.strictEqual(service.metadata.labels[k], v, `the ServiceMonitor selects the metrics Service (${k})`);
        }
    });
});
