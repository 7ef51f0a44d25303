/**
 * Test helpers for the policy pack: build resource records the way the harness records them and run
 * policies through the same runner (and config defaulting) as the offline preview.
 */
import * as assert from "assert";
import type { Policies, PolicyPackConfig } from "@pulumi/policy";
import { policies } from "../../policy/policies";
import { ResourceRecord, runPolicies, Violation } from "../../policy/runner";

/** A resource to feed a policy: type, props, and optionally name, options and dependencies (by name). */
export interface Res {
    type: string;
    name?: string;
    props: Record<string, unknown>;
    protect?: boolean;
    retainOnDelete?: boolean;
    /** Names of other resources in the same list this one depends on. */
    dependsOn?: string[];
}

/** The URN a test resource gets. */
export function urnOf(r: { type: string; name?: string }): string {
    return `urn:pulumi:test::agent-platform::${r.type}::${r.name ?? "r"}`;
}

/** Records as the harness produces them. */
export function records(resources: Res[]): ResourceRecord[] {
    const byName = new Map(resources.map((r) => [r.name ?? "r", r]));
    return resources.map((r) => ({
        type: r.type,
        name: r.name ?? "r",
        urn: urnOf(r),
        custom: true,
        inputs: r.props,
        opts: {
            protect: r.protect ?? false,
            retainOnDelete: r.retainOnDelete ?? false,
            ignoreChanges: [],
            additionalSecretOutputs: [],
            dependsOn: (r.dependsOn ?? []).filter((n) => byName.has(n)).map((n) => urnOf(byName.get(n)!)),
        },
    }));
}

/** The policy named `name` from the pack (fails when absent). */
export function policy(name: string): Policies[number] {
    const p = policies.find((x) => x.name === name);
    assert.ok(p, `no policy named ${name}`);
    return p;
}

/** Runs one policy over the resources with config for it (schema defaults filled in as the CLI does). */
export async function check(name: string, resources: Res[], config: Record<string, unknown> = {}, level?: string): Promise<Violation[]> {
    const pack: PolicyPackConfig = { [name]: { ...(level ? { enforcementLevel: level } : {}), ...config } as PolicyPackConfig[string] };
    return runPolicies([policy(name)], records(resources), pack);
}

/** Asserts exactly one violation whose message contains every fragment (and has the pack's message shape). */
export function one(violations: Violation[], ...fragments: string[]): Violation {
    assert.strictEqual(violations.length, 1, `expected 1 violation, got ${violations.length}: ${violations.map((v) => v.message).join("\n")}`);
    shape(violations[0]);
    for (const f of fragments) {
        assert.ok(violations[0].message.includes(f), `message lacks ${JSON.stringify(f)}: ${violations[0].message}`);
    }
    return violations[0];
}

/** Asserts no violation. */
export function none(violations: Violation[]): void {
    assert.deepStrictEqual(
        violations.map((v) => v.message),
        [],
    );
}

/** Every message says what is wrong, what was found, what is required and how to fix it. */
export function shape(v: Violation): void {
    assert.match(v.message, /^.+: found .+; required .+\. Fix: .+$/s, `message shape: ${v.message}`);
}

/** A deep copy with a change applied (one mutation per test). */
export function mutate<T>(base: T, change: (copy: T) => void): T {
    const copy = structuredClone(base);
    change(copy);
    return copy;
}
