/**
 * Issue 15: the mocked run's shortcuts (no stack traces for the SDK's per-promise and per-resource
 * probes, see preview/harness.ts `stackTraceMode`) and the shared runs of test/support/stacks.ts
 * change nothing a user or a spec sees. For every shipped stack, the JSON report of the fast,
 * shared run equals the one of a reference run with full stack traces, byte for byte; a bug in a
 * program still shows where it happened; and a shared run can be neither changed nor confused with
 * another configuration.
 */
import * as assert from "assert";
import { loadPolicyConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { runPolicies } from "../../policy/runner";
import { runProgram, runWithMocks, stackTraceMode, type RunResult } from "../../preview/harness";
import { buildReport, renderJson } from "../../preview/report";
import { shippedStacks } from "../../preview/stackFile";
import { withEnv } from "../support/env";
import { deepFreeze, shareKey, sharedRun, stackRun } from "../support/stacks";

async function jsonReport(run: RunResult): Promise<string> {
    const violations = await runPolicies(policies, run.resources, loadPolicyConfig(run.stack));
    return renderJson(buildReport(run, violations, { policyConfig: `policy/config/${run.stack}.json` }, { skipped: "--no-render" }), run.secrets);
}

/** Runs `fn` with MOCK_STACK_TRACES set to `value` (or unset). */
function withTraces<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
    return withEnv("MOCK_STACK_TRACES", value, fn);
}

describe("preview: the fast mocked run gives the reference run's report (issue 15)", function () {
    this.timeout(300_000);

    it("reads MOCK_STACK_TRACES: fast unless it says full", () => {
        assert.strictEqual(stackTraceMode({}), "fast");
        assert.strictEqual(stackTraceMode({ MOCK_STACK_TRACES: "full" }), "full");
        assert.strictEqual(stackTraceMode({ MOCK_STACK_TRACES: "yes" }), "fast");
    });

    for (const stack of shippedStacks()) {
        it(`${stack}: the shared fast run's JSON report equals a full-trace run's`, async () => {
            const fast = await withTraces(undefined, () => stackRun(stack));
            const reference = await withTraces("full", () => runProgram({ stack }));
            assert.ok(fast.resources.length > 10, `${stack} registered ${fast.resources.length} resources`);
            assert.strictEqual(await jsonReport(fast), await jsonReport(reference));
            assert.deepStrictEqual([...fast.secrets].sort(), [...reference.secrets].sort());
            assert.deepStrictEqual(fast.log, reference.log);
        });
    }

    it("restores the process's stack-trace settings after a run", async () => {
        const limit = Error.stackTraceLimit;
        const prepare = Error.prepareStackTrace;
        await withTraces(undefined, () => runWithMocks(() => ({})));
        assert.strictEqual(Error.stackTraceLimit, limit);
        assert.strictEqual(Error.prepareStackTrace, prepare);
    });

    it("a bug in the program fails the fast run with its error and the frames that locate it", async () => {
        function buggyComponent(): unknown {
            const settings = undefined as unknown as { zones: string[] };
            return { zones: settings.zones.length };
        }
        await assert.rejects(
            withTraces(undefined, () => runWithMocks(() => buggyComponent())),
            (e: Error) => {
                assert.ok(e instanceof TypeError, String(e));
                assert.match(e.message, /Cannot read properties of undefined \(reading 'zones'\)/);
                assert.match(e.stack ?? "", /at buggyComponent \(.*fastRun\.spec\.ts:\d+:\d+\)/);
                return true;
            },
        );
    });

    it("an intended error (not a bug) fails the fast run once, with its message", async () => {
        let builds = 0;
        await assert.rejects(
            withTraces(undefined, () =>
                runWithMocks(() => {
                    builds++;
                    throw new Error("nodePools.system.minNodes: found 1; allowed: at least 3 in prod");
                }),
            ),
            /nodePools\.system\.minNodes: found 1/,
        );
        assert.strictEqual(builds, 1);
    });
});

describe("test support: shared stack runs (issue 15)", function () {
    this.timeout(300_000);

    it("shares one run per shipped stack and overrides, and only those", () => {
        assert.strictEqual(shareKey({ stack: "aws-prod" }), shareKey({ stack: "aws-prod", overrides: {} }));
        assert.notStrictEqual(shareKey({ stack: "aws-prod" }), shareKey({ stack: "aws-dev" }));
        assert.notStrictEqual(shareKey({ stack: "local", overrides: { "existing.kubeconfigPath": undefined } }), shareKey({ stack: "local" }));
        assert.strictEqual(shareKey({ stack: "aws-prod", program: "test/aws/clusterProgram.ts" }), undefined);
        assert.strictEqual(shareKey({ stack: "aws-prod", config: {} }), undefined);
        assert.strictEqual(shareKey({ stack: "/tmp/Pulumi.aws-prod-small.yaml" }), undefined);
    });

    it("hands every reader the same run, frozen", async () => {
        const a = await stackRun("aws-dev");
        const b = await sharedRun({ stack: "aws-dev", overrides: {} });
        assert.strictEqual(a, b);
        assert.ok(Object.isFrozen(a.resources) && Object.isFrozen(a.resources[0].inputs) && Object.isFrozen(a.outputs));
        assert.throws(() => (a.resources as unknown[]).push({}), TypeError);
        assert.throws(() => {
            (a.resources[0].opts as { protect: boolean }).protect = true;
        }, TypeError);
    });

    it("deepFreeze freezes nested objects and arrays and returns its argument", () => {
        const v = { a: [{ b: 1 }], c: { d: "x" } };
        assert.strictEqual(deepFreeze(v), v);
        assert.ok(Object.isFrozen(v.a[0]) && Object.isFrozen(v.c) && Object.isFrozen(v.a));
    });
});
