/**
 * Falco's events as alerts (issue 14 part 5; REQUIREMENTS.md "real-time alerting on security
 * events"), when the `falco` add-on is on: every match of a Falco rule of priority Error or higher
 * becomes an alert with a severity, and goes through the same Alertmanager routes and receivers as
 * every other alert (./values.ts `alertmanagerConfig`). Pure data, like ./alertRules.ts, which adds
 * this group; without Falco the metric is absent and the rules stay silent.
 *
 * Source: Falco's own Prometheus metrics (Falco >= 0.38, `metrics.enabled` and
 * `metrics.rulesCountersEnabled` in the chart, scraped through the chart's ServiceMonitor:
 * addons.ts). For every rule that matched at least once since the Falco pod started, Falco exports
 * the counter `falcosecurity_falco_rules_matches_total{rule_name, priority, source, tag_<tag>}`,
 * `priority` being the rule's priority as a number (syslog order: 0 Emergency, 1 Alert,
 * 2 Critical, 3 Error, 4 Warning, 5 Notice, 6 Informational, 7 Debug; userspace/falco/
 * falco_metrics.cpp at 0.44.1 and on the main line of July 2026). Falcosidekick, Falco's own
 * forwarder, is not used: the chart mirror carries it as an empty stub, and the metrics need no
 * extra component.
 *
 * A rule's series appears only at its first match, and `increase()` counts nothing for a series'
 * first sample, so each alert also fires for a series that did not exist `FALCO_WINDOW` ago. Each
 * alert fires at once (`for: 0s`) and resolves when no new match was seen for `FALCO_WINDOW`.
 */
import type { AlertSpec } from "./alertRules";

/** Falco's rule priorities, as the numbers its metrics carry (syslog severities). */
export const FALCO_PRIORITIES = {
    Emergency: 0,
    Alert: 1,
    Critical: 2,
    Error: 3,
    Warning: 4,
    Notice: 5,
    Informational: 6,
    Debug: 7,
} as const;

/** Falco's per-rule match counter. */
export const FALCO_MATCHES_METRIC = "falcosecurity_falco_rules_matches_total";

/** How far back a match counts as new (also how long an alert stays firing after the last match). */
export const FALCO_WINDOW = "5m";

/** Labels each alert keeps: which Falco pod (so which node), which rule, its priority and event source. */
const BY = "namespace, pod, rule_name, priority, source";

/** A PromQL matcher for a set of Falco priorities (`priority=~"0|1|2"`). */
function priorityMatcher(priorities: number[]): string {
    return `priority=~"${priorities.join("|")}"`;
}

/**
 * The two measures of "a rule of these priorities matched within the window": matches counted by
 * `increase()`, and series that appeared within it (a first match).
 */
export function falcoMatchMeasures(priorities: number[]): { measure: string; orMeasure: string } {
    const series = `${FALCO_MATCHES_METRIC}{${priorityMatcher(priorities)}}`;
    return {
        measure: `sum by (${BY}) (increase(${series}[${FALCO_WINDOW}]))`,
        orMeasure: `sum by (${BY}) (${series} unless ${series} offset ${FALCO_WINDOW})`,
    };
}

/**
 * Falco priority -> alert severity: Emergency, Alert and Critical page (`critical`, PagerDuty as
 * well as Slack and e-mail); Error notifies (`warning`, Slack and e-mail). Warning and below are
 * not alerted: Falco's default rules use them for events a running cluster produces routinely
 * (they stay visible in Falco's logs in Loki).
 */
export const FALCO_SEVERITIES: { alert: string; priorities: number[]; severity: AlertSpec["severity"]; names: string }[] = [
    {
        alert: "FalcoCriticalEvent",
        priorities: [FALCO_PRIORITIES.Emergency, FALCO_PRIORITIES.Alert, FALCO_PRIORITIES.Critical],
        severity: "critical",
        names: "Emergency, Alert or Critical",
    },
    { alert: "FalcoErrorEvent", priorities: [FALCO_PRIORITIES.Error], severity: "warning", names: "Error" },
];

/** The Falco group of the platform's PrometheusRule. */
export const FALCO_ALERT_GROUP: { name: string; rules: AlertSpec[] } = {
    name: "platform-security",
    rules: FALCO_SEVERITIES.map((s) => ({
        alert: s.alert,
        ...falcoMatchMeasures(s.priorities),
        op: ">",
        threshold: 0,
        for: "0s",
        severity: s.severity,
        summary: `Falco (${s.names} priority {{ $labels.priority }}): rule "{{ $labels.rule_name }}" matched on {{ $labels.pod }} ({{ $labels.source }} events) in the last ${FALCO_WINDOW}; its output is in the pod's log.`,
    })),
};
