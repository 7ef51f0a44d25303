/**
 * Writes what the offline preview can render to a directory: the report (JSON and text), every
 * Kubernetes object the program creates itself as YAML, and the values passed to each Helm chart.
 * Everything is written from the redacted views and scrubbed again, so no secret reaches disk.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { RunResult } from "./harness";
import type { ChartRender } from "./helm";
import { PreviewReport, renderJson, renderText } from "./report";
import { scrub } from "./secrets";

const CHART_TYPES = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Release"]);

function safe(s: string): string {
    return s.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/** Writes the report and renderable artefacts under `dir`; returns the files written (relative). */
export function writeArtifacts(dir: string, run: RunResult, report: PreviewReport, renders: ChartRender[] = []): string[] {
    const written: string[] = [];
    const put = (rel: string, text: string): void => {
        const file = path.join(dir, rel);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, scrub(text, run.secrets));
        written.push(rel);
    };
    put("report.json", renderJson(report, run.secrets) + "\n");
    put("report.txt", renderText(report, run.secrets) + "\n");
    for (const r of run.resources) {
        // A helm.v4.Chart is a component (not custom) but carries the values: check charts first.
        if (CHART_TYPES.has(r.type)) {
            const values = r.redactedInputs.values ?? {};
            put(
                path.join("helm-values", `${safe(r.name)}.yaml`),
                `# chart ${String(r.inputs.chart ?? "")} ${String(r.inputs.version ?? "")}\n${YAML.stringify(values)}`,
            );
            continue;
        }
        if (!r.custom || !r.type.startsWith("kubernetes:")) {
            continue;
        }
        const [, groupVersion, kind] = r.type.split(":");
        const apiVersion = groupVersion.replace(/^core\//, "");
        const meta = (r.redactedInputs.metadata ?? {}) as { namespace?: string; name?: string };
        // Inputs carry apiVersion/kind themselves for generic custom resources; they win.
        const doc = { apiVersion, kind, ...r.redactedInputs };
        const ns = meta.namespace ?? "_cluster";
        put(path.join("manifests", safe(ns), `${safe(kind)}-${safe(meta.name ?? r.name)}.yaml`), YAML.stringify(doc));
    }
    // What each chart rendered, one file per chart (as the engine would apply it).
    for (const r of renders) {
        if (r.objects.length > 0) {
            put(path.join("rendered", `${safe(r.name)}.yaml`), r.objects.map((o) => YAML.stringify(o)).join("---\n"));
        }
    }
    return written;
}
