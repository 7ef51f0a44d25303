/**
 * The offline preview's report: one document built from a harness run and the policy results,
 * rendered as JSON or as text. Every value in it comes from the redacted views, and the final text
 * is scrubbed of every string that was secret anywhere, so no secret can reach a terminal or file.
 */
import type { Violation } from "../policy/runner";
import type { RecordedResource, RunResult } from "./harness";
import type { ChartRender } from "./helm";
import { describeSources, imageInventory, type ImageEntry } from "./images";
import { scrub } from "./secrets";

/** The JSON document `--json` prints (issue 2's contract). */
export interface PreviewReport {
    stack: string;
    cloud: string;
    resources: { type: string; name: string; urn: string; parent?: string; inputs: Record<string, unknown> }[];
    outputs: Record<string, unknown>;
    violations: Violation[];
    /** Things the preview wants a human to know (e.g. backups disabled). */
    warnings: string[];
    /** Warnings and errors the program logged (pulumi.log), e.g. deprecations. */
    log: { severity: string; message: string }[];
    /** Every Helm chart the program installs, and what rendering it gave the pack. */
    charts: {
        name: string;
        chart: string;
        version: string;
        namespace: string;
        kind: "helm.v4.Chart" | "helm.v3.Release";
        rendered: boolean;
        objects: number;
        cached: boolean;
        error?: string;
    }[];
    /** Charts whose objects the pack did not see, each with why (empty: nothing is hidden). */
    notVisible: { chart: string; urn: string; kind: "helm.v4.Chart" | "helm.v3.Release"; reason: string }[];
    /** Why no chart was rendered (no Helm, no mirror), in one line; absent when charts were rendered. */
    renderingSkipped?: string;
    /**
     * Every image the platform runs (preview/images.ts): from the program's objects and the charts'
     * rendered ones, each once, with registry, repository, tag, digest and where it comes from.
     * Without rendering, the program's objects only (`renderingSkipped` says why).
     */
    images: ImageEntry[];
    summary: {
        /** The stack's environment (prod or dev), or "unknown" for a program that does not say. */
        environment: string;
        resources: number;
        /** Objects the charts rendered (each seen by the pack); 0 when charts were not rendered. */
        renderedObjects: number;
        byType: Record<string, number>;
        /** The policy config applied: a file path, or the pack defaults. */
        policyConfig: string;
        mandatory: number;
        advisory: number;
        /** OK (no mandatory violation) or REJECTED. */
        verdict: "OK" | "REJECTED";
    };
}

/** What the report knows beyond the run and the violations. */
export interface ReportContext {
    /** The stack's environment; default the program's `environment` output. */
    environment?: string;
    /** The policy config applied (`ResolvedPolicyConfig.source`). @default "not given" */
    policyConfig?: string;
}

/** What chart rendering gave the preview: the renders, or why there are none. */
export interface ChartRendering {
    renders?: ChartRender[];
    /** One line: why charts were not rendered (e.g. no Helm). */
    skipped?: string;
}

const CHART_V4 = "kubernetes:helm.sh/v4:Chart";
const RELEASE_V3 = "kubernetes:helm.sh/v3:Release";

function chartLabel(r: RecordedResource): string {
    const chart = String(r.inputs.chart ?? r.name);
    const version = r.inputs.version ? `@${String(r.inputs.version)}` : "";
    return `${chart}${version}`;
}

/** Builds the report from a run, the violations the pack found, what the report knows of the stack, and the charts' rendering. */
export function buildReport(
    run: RunResult,
    violations: Violation[],
    context: ReportContext = {},
    rendering: ChartRendering = { skipped: "chart rendering was not requested" },
): PreviewReport {
    const byType: Record<string, number> = {};
    for (const r of run.resources) {
        byType[r.type] = (byType[r.type] ?? 0) + 1;
    }
    const notVisible: PreviewReport["notVisible"] = [];
    const charts: PreviewReport["charts"] = [];
    const renders = new Map((rendering.renders ?? []).map((r) => [r.urn, r]));
    for (const r of run.resources) {
        if (r.type === CHART_V4) {
            const render = renders.get(r.urn);
            const rendered = render !== undefined && render.error === undefined;
            charts.push({
                name: r.name,
                chart: String(r.inputs.chart ?? ""),
                version: String(r.inputs.version ?? ""),
                namespace: String(r.inputs.namespace ?? ""),
                kind: "helm.v4.Chart",
                rendered,
                objects: render?.objects.length ?? 0,
                cached: render?.cached ?? false,
                ...(render?.error ? { error: render.error } : {}),
            });
            if (render?.error) {
                notVisible.push({ chart: chartLabel(r), urn: r.urn, kind: "helm.v4.Chart", reason: `not rendered: ${render.error}` });
            }
        } else if (r.type === RELEASE_V3) {
            notVisible.push({
                chart: chartLabel(r),
                urn: r.urn,
                kind: "helm.v3.Release",
                reason: "only the values are visible, offline and in a real preview; the rendered objects never reach the pack.",
            });
        }
    }
    const warnings = Array.isArray(run.redactedOutputs.warnings) ? (run.redactedOutputs.warnings as unknown[]).map(String) : [];
    const mandatory = violations.filter((v) => v.enforcement === "mandatory").length;
    return {
        stack: run.stack,
        cloud: String(run.outputs.cloud ?? "unknown"),
        resources: run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, parent: r.parent, inputs: r.redactedInputs })),
        outputs: run.redactedOutputs,
        violations,
        warnings,
        log: run.log.filter((l) => l.severity === "warning" || l.severity === "error"),
        charts,
        notVisible,
        ...(rendering.renders ? {} : { renderingSkipped: rendering.skipped ?? "charts were not rendered" }),
        images: imageInventory(run.resources, rendering.renders ?? []),
        summary: {
            environment: context.environment ?? String(run.outputs.environment ?? "unknown"),
            resources: run.resources.length,
            renderedObjects: (rendering.renders ?? []).reduce((n, r) => n + r.objects.length, 0),
            byType,
            policyConfig: context.policyConfig ?? "not given",
            mandatory,
            advisory: violations.filter((v) => v.enforcement === "advisory").length,
            verdict: mandatory > 0 ? "REJECTED" : "OK",
        },
    };
}

/** The report as one JSON document, scrubbed of secrets. */
export function renderJson(report: PreviewReport, secrets: ReadonlySet<string>): string {
    return scrub(JSON.stringify(report, null, 2), secrets);
}

function shortUrn(urn: string | undefined): string {
    if (!urn) {
        return "(stack)";
    }
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop();
    return `${type}::${parts[3] ?? ""}`;
}

function tree(report: PreviewReport, maxDepth = 3): string[] {
    const children = new Map<string, PreviewReport["resources"]>();
    const root = report.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    for (const r of report.resources) {
        const key = r.parent ?? "";
        children.set(key, [...(children.get(key) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (urn: string, depth: number): void => {
        const kids = children.get(urn) ?? [];
        const components = kids.filter((k) => !k.type.includes(":") || /^agent-platform:|^kubernetes:helm|^pulumi:/.test(k.type));
        const leaves = kids.length - components.length;
        for (const c of components) {
            const own = children.get(c.urn)?.length ?? 0;
            lines.push(`${"  ".repeat(depth)}${c.type} ${c.name}${own ? ` (${own} children)` : ""}`);
            if (depth < maxDepth) {
                walk(c.urn, depth + 1);
            }
        }
        if (leaves > 0 && depth > 0) {
            const types = new Map<string, number>();
            for (const k of kids) {
                if (!components.includes(k)) {
                    types.set(k.type, (types.get(k.type) ?? 0) + 1);
                }
            }
            const summary = [...types.entries()].map(([t, n]) => `${n} ${t.split(":").pop()}`).join(", ");
            lines.push(`${"  ".repeat(depth)}+ ${summary}`);
        }
    };
    if (root) {
        lines.push(`${root.type} ${root.name}`);
        walk(root.urn, 1);
    }
    return lines;
}

function formatValue(v: unknown): string {
    if (typeof v === "string") {
        return v;
    }
    const text = JSON.stringify(v);
    return text === undefined ? "undefined" : text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The one-line verdict. */
export function verdictLine(report: PreviewReport): string {
    if (report.summary.verdict === "REJECTED") {
        return "Result: REJECTED (mandatory policy violations)";
    }
    return report.renderingSkipped
        ? "Result: OK for the program's own objects (no mandatory policy violations); the charts' objects were not checked (see Charts)"
        : "Result: OK (no mandatory policy violations, every chart rendered and checked)";
}

/** One line on the charts: how many rendered into how many objects, or why none was. */
export function chartsLine(report: PreviewReport): string {
    return report.renderingSkipped
        ? `Charts: ${report.charts.length} Helm charts not rendered (${report.renderingSkipped}); the pack saw their values only.`
        : `Charts: ${report.charts.filter((c) => c.rendered).length} of ${report.charts.length} rendered with Helm into ${report.summary.renderedObjects} objects, every one checked by the pack:`;
}

/** The heading of the image list: how many, from where, and how to scan them. */
export function imagesLine(report: PreviewReport): string {
    const from = report.renderingSkipped
        ? `the program's objects only (charts not rendered: ${report.renderingSkipped})`
        : "the program's objects and the rendered charts";
    return `Images: ${report.images.length} distinct, from ${from}; scan them before deploying (docs/platform.md, "Scanning images"):`;
}

/**
 * The report as text for a terminal, scrubbed of secrets: a summary first (stack, cloud,
 * environment, resource count, policy config, violation counts, verdict), then the violations,
 * warnings and the details.
 */
export function renderText(report: PreviewReport, secrets: ReadonlySet<string>): string {
    const out: string[] = [];
    const mandatory = report.violations.filter((v) => v.enforcement === "mandatory");
    const advisory = report.violations.filter((v) => v.enforcement === "advisory");
    out.push(`Offline preview of stack "${report.stack}"`);
    out.push(`  cloud:          ${report.cloud}`);
    out.push(`  environment:    ${report.summary.environment}`);
    out.push(`  resources:      ${report.summary.resources}`);
    out.push(`  policy config:  ${report.summary.policyConfig}`);
    out.push(`  violations:     ${mandatory.length} mandatory, ${advisory.length} advisory`);
    out.push(`  warnings:       ${report.warnings.length + report.log.length}`);
    out.push(
        `  charts:         ${report.renderingSkipped ? `${report.charts.length}, not rendered (${report.renderingSkipped})` : `${report.charts.filter((c) => c.rendered).length} of ${report.charts.length} rendered, ${report.summary.renderedObjects} objects`}`,
    );
    out.push(verdictLine(report));
    out.push("");
    out.push(`Policy violations: ${mandatory.length} mandatory, ${advisory.length} advisory`);
    for (const v of [...mandatory, ...advisory]) {
        out.push(`  [${v.enforcement}] ${v.policy}: ${shortUrn(v.urn)}`);
        out.push(`      ${v.message.replace(/\n/g, "\n      ")}`);
    }
    if (report.warnings.length > 0) {
        out.push("");
        out.push("Warnings:");
        for (const w of report.warnings) {
            out.push(`  ! ${w}`);
        }
    }
    if (report.log.length > 0) {
        out.push("");
        out.push("Program log:");
        for (const l of report.log) {
            out.push(`  ${l.severity}: ${l.message}`);
        }
    }
    out.push("");
    out.push("Resources by type:");
    const types = Object.entries(report.summary.byType).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    for (const [t, n] of types) {
        out.push(`  ${String(n).padStart(4)}  ${t}`);
    }
    out.push("");
    out.push("Component tree:");
    for (const l of tree(report)) {
        out.push(`  ${l}`);
    }
    out.push("");
    out.push("Outputs:");
    for (const [k, v] of Object.entries(report.outputs)) {
        if (k !== "warnings") {
            out.push(`  ${k}: ${formatValue(v)}`);
        }
    }
    out.push("");
    out.push(chartsLine(report));
    for (const c of report.renderingSkipped ? [] : report.charts) {
        out.push(
            `  ${c.rendered ? String(c.objects).padStart(4) : "   -"}  ${c.chart.split("/").pop()}${c.version ? ` ${c.version}` : ""} (${c.namespace})${c.cached ? ", cached" : ""}${c.error ? `: NOT RENDERED, ${c.error}` : ""}`,
        );
    }
    out.push("");
    out.push(imagesLine(report));
    for (const i of report.images) {
        out.push(`  ${i.image}${i.tag || i.digest ? "" : " (no tag: latest)"}`);
        for (const s of describeSources(i)) {
            out.push(`      ${s}`);
        }
    }
    out.push("");
    if (report.notVisible.length === 0) {
        out.push(
            report.renderingSkipped
                ? "Not visible to the offline policy check: the objects the charts above render."
                : "Not visible to the offline policy check: nothing.",
        );
    } else {
        out.push("Not visible to the offline policy check:");
        for (const n of report.notVisible) {
            out.push(`  - ${n.chart} (${n.kind}): ${n.reason}`);
        }
    }
    return scrub(out.join("\n"), secrets);
}
