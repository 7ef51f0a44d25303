/**
 * Issue 15: the fast mocked run's shortcuts (no stack traces for the SDK's per-promise and
 * per-resource probes, no debuggable promises, plain objects instead of protobuf messages on the
 * mock wire: preview/mockShortcuts.ts) and the shared runs of test/support/stacks.ts change nothing
 * a user or a spec sees. For every shipped stack, the JSON report of the fast, shared run equals the
 * one of a reference run (the SDK's own path), byte for byte; a bug in a program still shows where
 * it happened; and a shared run can be neither changed nor confused with another configuration.
 */
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadPolicyConfig } from "../../policy/config";
import { policies } from "../../policy/policies";
import { runPolicies } from "../../policy/runner";
import { runProgram, runWithMocks, type RunResult } from "../../preview/harness";
import { enterFastMockRun, mockRunMode, Struct, wireCopy } from "../../preview/mockShortcuts";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { buildReport, renderJson } from "../../preview/report";
import { shippedStacks } from "../../preview/stackFile";
import { withEnv } from "../support/env";
import { deepFreeze, shareKey, sharedRun, stackRun } from "../support/stacks";

async function jsonReport(run: RunResult): Promise<string> {
    const violations = await runPolicies(policies, run.resources, loadPolicyConfig(run.stack));
    return renderJson(buildReport(run, violations, { policyConfig: `policy/config/${run.stack}.json` }, { skipped: "--no-render" }), run.secrets);
}

/** Runs `fn` with MOCK_RUN set to `value` (or unset). */
function withMode<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
    return withEnv("MOCK_RUN", value, fn);
}

describe("preview: the fast mocked run gives the reference run's report (issue 15)", function () {
    this.timeout(300_000);

    it("reads MOCK_RUN (and the older MOCK_STACK_TRACES): fast unless it says reference (full)", () => {
        assert.strictEqual(mockRunMode({}), "fast");
        assert.strictEqual(mockRunMode({ MOCK_RUN: "reference" }), "reference");
        assert.strictEqual(mockRunMode({ MOCK_STACK_TRACES: "full" }), "reference");
        assert.strictEqual(mockRunMode({ MOCK_RUN: "yes", MOCK_STACK_TRACES: "yes" }), "fast");
    });

    for (const stack of shippedStacks()) {
        it(`${stack}: the shared fast run's JSON report equals a reference run's`, async () => {
            const fast = await withMode(undefined, () => stackRun(stack));
            const reference = await withMode("reference", () => runProgram({ stack }));
            assert.ok(fast.resources.length > 10, `${stack} registered ${fast.resources.length} resources`);
            assert.strictEqual(await jsonReport(fast), await jsonReport(reference));
            assert.deepStrictEqual([...fast.secrets].sort(), [...reference.secrets].sort());
            assert.deepStrictEqual(fast.log, reference.log);
        });
    }

    it("restores the process's stack-trace settings, the SDK's promise wrapper and the protobuf converter after a run, failed or not", async () => {
        const sdk = debuggable as unknown as { debuggablePromise: unknown };
        const before = [Error.stackTraceLimit, Error.prepareStackTrace, Struct.fromJavaScript, sdk.debuggablePromise];
        await withMode(undefined, () => runWithMocks(() => ({})));
        assert.deepStrictEqual([Error.stackTraceLimit, Error.prepareStackTrace, Struct.fromJavaScript, sdk.debuggablePromise], before);
        await assert.rejects(
            withMode(undefined, () => runWithMocks(() => Promise.reject(new Error("boom")))),
            /boom/,
        );
        assert.deepStrictEqual([Error.stackTraceLimit, Error.prepareStackTrace, Struct.fromJavaScript, sdk.debuggablePromise], before);
    });

    it("runs asked for at once are queued: each sees only its own resources, config and mode", async () => {
        class Thing extends pulumi.CustomResource {
            constructor(name: string, props: pulumi.Inputs) {
                super("test:index:Thing", name, props);
            }
        }
        const build = (prefix: string) => async () => {
            const first = new Thing(`${prefix}-1`, {});
            await new Promise((resolve) => setTimeout(resolve, 20));
            new Thing(`${prefix}-2`, { after: first.urn });
            // A fast run takes no stack traces (Error.stackTraceLimit 0), a reference run the default.
            return { stack: pulumi.getStack(), setting: new pulumi.Config("p").get("setting"), fast: Error.stackTraceLimit === 0 };
        };
        // The first is asked for as a fast run; the second, asked for while the first runs, as a reference run.
        const first = runWithMocks(build("a"), { stack: "one", project: "p", config: { "p:setting": "1" } });
        const second = withMode("reference", () => runWithMocks(build("b"), { stack: "two", project: "p", config: { "p:setting": "2" } }));
        const [a, b] = await Promise.all([first, second]);
        const things = (r: RunResult) => r.resources.filter((x) => x.type === "test:index:Thing");
        assert.deepStrictEqual(
            things(a).map((r) => r.name),
            ["a-1", "a-2"],
        );
        assert.deepStrictEqual(
            things(b).map((r) => r.name),
            ["b-1", "b-2"],
        );
        assert.deepStrictEqual(
            [a.outputs, b.outputs],
            [
                { stack: "one", setting: "1", fast: true },
                { stack: "two", setting: "2", fast: false },
            ],
        );
        assert.strictEqual(things(b)[1].inputs.after, things(b)[0].urn);
    });

    it("a run releases the program module of the run before it (nothing of an earlier run stays reachable through the module tree)", async () => {
        const program = path.join(__dirname, "..", "fixtures", "programs", "tiny.ts");
        const first = await runProgram({ stack: "local", program });
        const second = await runProgram({ stack: "local", program });
        assert.deepStrictEqual(
            [first.outputs.urn, second.outputs.urn].map((u) => String(u).endsWith("test:index:Thing::tiny")),
            [true, true],
        );
        const stale = Object.values(require.cache).flatMap((m) =>
            (m?.children ?? []).filter((c) => require.cache[c.id] !== c).map((c) => `${m!.id} -> ${c.id}`),
        );
        assert.deepStrictEqual(stale, []);
    });

    it("a bug in the program fails the fast run with its error and the frames that locate it", async () => {
        function buggyComponent(): unknown {
            const settings = undefined as unknown as { zones: string[] };
            return { zones: settings.zones.length };
        }
        await assert.rejects(
            withMode(undefined, () => runWithMocks(() => buggyComponent())),
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
            withMode(undefined, () =>
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

describe("preview: the fast run's plain-object wire is the protobuf round trip (issue 15)", () => {
    class Base {
        inherited = "own field of a class instance";
    }
    (Base.prototype as unknown as { shared: number }).shared = 7;
    const samples: Record<string, unknown>[] = [
        {},
        { b: 1, a: "x", c: true, d: null, "10": 1, "2": 2, B: 0, é: "accent" },
        { nested: { z: [1, "two", null, false, [3, { y: 1, x: 2 }]], a: {} }, list: [] },
        { nan: Number.NaN, negativeZero: -0, big: 1e308, tiny: 5e-324, neg: -42.5 },
        { instance: new Base(), date: new Date(0), boxed: new String("ab") },
        Object.assign(Object.create({ fromPrototype: 1 }) as object, { own: 2 }),
        { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { secret: "s3cret" } },
    ];

    it("copies what Struct.fromJavaScript(...).toJavaScript() returns: same keys in the same order, same values", () => {
        for (const v of samples) {
            const viaProtobuf = Struct.fromJavaScript(v as never).toJavaScript();
            const plain = wireCopy(v);
            assert.deepStrictEqual(plain, viaProtobuf);
            assert.deepStrictEqual(Object.keys(plain as object), Object.keys(viaProtobuf));
            assert.ok(Object.is((wireCopy({ z: -0 }) as { z: number }).z, -0));
        }
    });

    it("refuses what protobuf refuses, with its message", () => {
        for (const bad of [{ u: undefined }, { f: () => 1 }, { s: Symbol("x") }, { n: 1n }, { deep: [{ u: undefined }] }]) {
            assert.throws(() => Struct.fromJavaScript(bad as never), /Unexpected struct type/);
            assert.throws(() => wireCopy(bad), /Unexpected struct type/);
        }
    });

    it("a message built during a fast run serializes, and lists its fields, as an ordinary one does", () => {
        for (const v of samples) {
            const leave = enterFastMockRun();
            let fast: InstanceType<typeof Struct>;
            try {
                fast = Struct.fromJavaScript(v as never);
            } finally {
                leave();
            }
            const ordinary = Struct.fromJavaScript(v as never);
            assert.notStrictEqual(fast.constructor, Struct, "the fast run's converter was in force");
            assert.deepStrictEqual(fast.toJavaScript(), ordinary.toJavaScript());
            assert.deepStrictEqual(fast.getFieldsMap().getEntryList(), ordinary.getFieldsMap().getEntryList());
            assert.deepStrictEqual(fast.serializeBinary(), ordinary.serializeBinary());
            assert.deepStrictEqual(fast.toJavaScript(), ordinary.toJavaScript(), "the same after the fields were built");
        }
    });

    it("a message owns its copy: changing the object afterwards changes neither the message nor a value read from it", () => {
        const leave = enterFastMockRun();
        try {
            const obj = { a: { b: [1] } };
            const msg = Struct.fromJavaScript(obj as never);
            obj.a.b.push(2);
            const read = msg.toJavaScript() as { a: { b: number[] } };
            read.a.b.push(3);
            assert.deepStrictEqual(msg.toJavaScript(), { a: { b: [1] } });
        } finally {
            leave();
        }
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
