/**
 * Small lookups over a harness run for the platform tests (part 1 and part 2 may share them).
 */
import * as assert from "assert";
import { setThirdPartyCharts } from "../../components/platform/charts";
import type { RecordedResource, RunResult } from "../../preview/harness";

/** Every resource of a type token. */
export function ofType(run: RunResult, type: string): RecordedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type and Pulumi name; fails the test if absent or duplicated. */
export function one(run: RunResult, type: string, name: string): RecordedResource {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(
        found.length,
        1,
        `expected one ${type} named ${name}, found ${found.length}; names of that type: ${ofType(run, type)
            .map((r) => r.name)
            .join(", ")}`,
    );
    return found[0];
}

/** A nested input by dotted path (`spec.template.spec`). */
export function at(obj: unknown, dotted: string): unknown {
    let cur = obj;
    for (const p of dotted.split(".")) {
        if (cur === null || typeof cur !== "object") {
            return undefined;
        }
        cur = (cur as Record<string, unknown>)[p];
    }
    return cur;
}

/** Kubernetes object metadata of a record's inputs. */
export function meta(r: RecordedResource): { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
    return (r.inputs.metadata ?? {}) as ReturnType<typeof meta>;
}

/** The URN of the resource named `name` of type `type`. */
export function urnOf(run: RunResult, type: string, name: string): string {
    return one(run, type, name).urn;
}

/**
 * Every secret string of the run that appears verbatim in some resource's redacted inputs (should
 * be none): secrets must stay marked secret wherever they are passed.
 */
export function leakedSecrets(run: RunResult): { resource: string; secret: string }[] {
    const leaks: { resource: string; secret: string }[] = [];
    for (const r of run.resources) {
        const text = JSON.stringify(r.redactedInputs);
        for (const s of run.secrets) {
            if (s.length >= 8 && text.includes(s)) {
                leaks.push({ resource: `${r.type}::${r.name}`, secret: `${s.slice(0, 3)}...` });
            }
        }
    }
    return leaks;
}

/**
 * Runs `build` with third-party charts switched off (components/platform/charts.ts
 * `setThirdPartyCharts`, the harness-side switch), switching them back on afterwards.
 */
export async function withoutThirdPartyCharts<T>(build: () => Promise<T>): Promise<T> {
    setThirdPartyCharts(false);
    try {
        return await build();
    } finally {
        setThirdPartyCharts(true);
    }
}

/** `build()` as is, or with third-party charts off when `thirdPartyCharts` is false. */
export function thirdPartyChartsSwitched<T>(thirdPartyCharts: boolean | undefined, build: () => Promise<T>): Promise<T> {
    return thirdPartyCharts === false ? withoutThirdPartyCharts(build) : build();
}
