/** Record helpers shared by the GKE, AKS, existing-cluster and contract tests. */
import * as assert from "assert";
import type { RecordedResource, RunResult } from "../../preview/harness";

/** Resources of one type. */
export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The one resource of `type` named `name`; fails listing what exists otherwise. */
export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(
        found.length,
        1,
        `expected one ${type} named ${name}; have: ${
            ofType(resources, type)
                .map((r) => r.name)
                .join(", ") || "none"
        }`,
    );
    return found[0];
}

/** The only resource of `type`; fails when there are none or several. */
export function only(resources: RecordedResource[], type: string): RecordedResource {
    const found = ofType(resources, type);
    assert.strictEqual(found.length, 1, `expected exactly one ${type}; have ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    return found[0];
}

/** Reads a dotted path from a record's inputs (`a.b.0.c`). */
export function at(r: RecordedResource, path: string): any {
    return path.split(".").reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), r.inputs);
}

/** Count of registered resources per type, for exact inventory assertions. */
export function inventory(run: RunResult): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of run.resources) {
        out[r.type] = (out[r.type] ?? 0) + 1;
    }
    return out;
}

/** Runs `fn` and returns the error it throws (rejected promise included); fails when it does not throw. */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & { propertyPath?: string; reason?: string }> {
    try {
        await fn();
    } catch (e) {
        return e as Error;
    }
    assert.fail("expected an error, none was thrown");
}
