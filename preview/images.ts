/**
 * The image list of the offline report (issue 14 part 7): every image the platform runs, from the
 * Kubernetes objects the program creates itself and from the objects its Helm charts render, each
 * once (by its normalised reference), with registry, repository, tag and digest, and every place
 * it comes from. It reads images exactly where the pack's `workloads-image-enforce-registry` does
 * (policy/lib/images.ts `imagesOf`): what is listed is what the rule judged.
 *
 * Not listed: images nothing names in a manifest (an operator's built-in default that the program
 * does not override), and, when charts were not rendered, every image of the charts.
 */
import { chartName as tableChartName } from "../components/platform/charts";
import { imagesOf, parseImage } from "../policy/lib/images";
import type { ResourceRecord } from "../policy/runner";
import type { ChartRender } from "./helm";

/** Where an image is named: a chart's rendered object or an object the program creates. */
export interface ImageSource {
    /** `chart` when a Helm chart renders the object, `program` when the program registers it. */
    from: "chart" | "program";
    /** The chart (its name, without repository or path) and version, for chart objects. */
    chart?: string;
    version?: string;
    /** The Helm release name, for chart objects. */
    release?: string;
    /** The Pulumi resource name, for program objects. */
    resource?: string;
    /** The object: `<Kind> <namespace>/<name>` (cluster-scoped: `<Kind> <name>`). */
    object: string;
    /** The property that names the image (`spec.template.spec.containers[loki].image`). */
    field: string;
}

/** One image of the list. */
export interface ImageEntry {
    /** The normalised reference (`docker.io/grafana/loki:3.7.6`): what a scanner pulls. */
    image: string;
    registry: string;
    repository: string;
    /** Absent when the reference has none (then it means `latest`, unless a digest pins it). */
    tag?: string;
    /** `sha256:...` when the reference carries one. */
    digest?: string;
    /** Every way the reference is written in the objects (`ollama/ollama:0.32.15`). */
    written: string[];
    /** Every place it is named, charts first, then the program's objects. */
    sources: ImageSource[];
}

function objectLabel(o: Record<string, unknown>, fallbackKind: string): string {
    const meta = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown };
    const kind = typeof o.kind === "string" ? o.kind : fallbackKind;
    const name = typeof meta.name === "string" ? meta.name : "?";
    return `${kind} ${typeof meta.namespace === "string" ? `${meta.namespace}/` : ""}${name}`;
}

/** The chart's name: the table's for a row of the chart table, else the last part of the reference without `-<version>.tgz`. */
function chartName(r: ChartRender): string {
    return r.key ? tableChartName(r.key) : (r.chart.split("/").pop() ?? r.chart).replace(/-v?\d+\.\d+\.\d+.*\.tgz$/, "").replace(/\.tgz$/, "");
}

/**
 * The image list of a run: `resources` are the program's records (a record's `redactedInputs` is
 * read when it has one), `renders` the charts' renders. Sorted by image; references that do not
 * parse are left out (the rule reports them).
 */
export function imageInventory(
    resources: readonly (ResourceRecord & { redactedInputs?: Record<string, unknown> })[],
    renders: readonly ChartRender[],
): ImageEntry[] {
    const byImage = new Map<string, ImageEntry>();
    const add = (written: string, source: ImageSource): void => {
        const ref = parseImage(written);
        if (!ref) {
            return;
        }
        let entry = byImage.get(ref.full);
        if (!entry) {
            entry = {
                image: ref.full,
                registry: ref.registry,
                repository: ref.repository,
                ...(ref.tag ? { tag: ref.tag } : {}),
                ...(ref.digest ? { digest: ref.digest } : {}),
                written: [],
                sources: [],
            };
            byImage.set(ref.full, entry);
        }
        if (!entry.written.includes(written)) {
            entry.written.push(written);
        }
        if (!entry.sources.some((s) => JSON.stringify(s) === JSON.stringify(source))) {
            entry.sources.push(source);
        }
    };
    for (const r of renders) {
        for (const o of r.objects) {
            const type = `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`;
            for (const use of imagesOf(type, o as unknown as Record<string, unknown>)) {
                add(use.image, {
                    from: "chart",
                    chart: chartName(r),
                    version: r.version,
                    release: r.release,
                    object: objectLabel(o, o.kind),
                    field: use.field,
                });
            }
        }
    }
    for (const r of resources) {
        if (!r.custom || !r.type.startsWith("kubernetes:")) {
            continue;
        }
        const inputs = r.redactedInputs ?? r.inputs;
        for (const use of imagesOf(r.type, inputs)) {
            add(use.image, { from: "program", resource: r.name, object: objectLabel(inputs, r.type.split(":").pop() ?? r.type), field: use.field });
        }
    }
    return [...byImage.values()].sort((a, b) => a.image.localeCompare(b.image));
}

/** One line per source group, for the text report: `chart loki 18.11.0 (release loki): StatefulSet monitoring/loki containers[loki].image`. */
export function describeSources(entry: ImageEntry): string[] {
    const groups = new Map<string, string[]>();
    for (const s of entry.sources) {
        const head = s.from === "chart" ? `chart ${s.chart}${s.version ? ` ${s.version}` : ""} (release ${s.release})` : `program resource ${s.resource}`;
        const list = groups.get(head) ?? [];
        const what = `${s.object} ${s.field.replace(/^spec\.(jobTemplate\.spec\.)?(template\.spec\.)?(?=(containers|initContainers|ephemeralContainers)\[)/, "")}`;
        if (!list.includes(what)) {
            list.push(what);
        }
        groups.set(head, list);
    }
    return [...groups.entries()].map(([head, objects]) => `${head}: ${objects.join(", ")}`);
}
