/**
 * What a fast mocked run skips of the SDK's own path, and nothing else (issue 15). Under mocks no
 * engine reads what the SDK prepares for it, yet the SDK still pays for it per resource:
 *
 * - stack traces: a captured and formatted stack for every promise it creates (`debuggablePromise`)
 *   and a whole one, however deep, for every resource (`Resource.callsites`, its source position);
 * - debuggable promises: every RPC and output promise is wrapped (three properties, a `then`/`catch`
 *   chain and a set entry) for a leak report printed when the process exits;
 * - the wire: every resource's inputs are converted into a protobuf `Struct` message and back, and
 *   the mock's answer again, four full conversions per resource.
 *
 * Measured on aws-prod (301 resources, 5 runs after 2 warm-up runs, same process): 465 ms per run
 * with only the stack traces cut, about 300 ms with all of this (docs/benchmarks.md, third pass).
 * `MOCK_RUN=reference` (or the older `MOCK_STACK_TRACES=full`) runs the SDK's own path untouched;
 * test/preview/fastRun.spec.ts proves that the JSON report of every shipped stack is the same
 * both ways.
 */
import { createRequire } from "module";
import * as pulumi from "@pulumi/pulumi";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";

/** The protobuf Struct class the SDK itself loaded (google-protobuf is the SDK's dependency, not ours). */
export const { Struct } = createRequire(require.resolve("@pulumi/pulumi/package.json"))("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
type Struct = structTypes.Struct;
type WireObject = { [key: string]: structTypes.JavaScriptValue };

/**
 * "fast" (the default) or "reference" (`MOCK_RUN=reference`, or `MOCK_STACK_TRACES=full` as it was
 * first named): whether a mocked run takes the shortcuts of this module.
 */
export function mockRunMode(env: NodeJS.ProcessEnv = process.env): "fast" | "reference" {
    return env.MOCK_RUN === "reference" || env.MOCK_STACK_TRACES === "full" ? "reference" : "fast";
}

/**
 * A copy of `v` as a protobuf `Value` round trip returns it: strings, numbers (NaN and -0 kept),
 * booleans and null as they are; arrays copied item by item; objects copied with their enumerable
 * keys (own and inherited, as `for...in` lists them) in sorted order, which is the order
 * `Struct.toJavaScript` gives. Anything else (undefined, a function, a symbol, a bigint) throws the
 * error `Value.fromJavaScript` throws.
 */
export function wireCopy(v: unknown): unknown {
    if (v === null) {
        return null;
    }
    switch (typeof v) {
        case "string":
        case "number":
        case "boolean":
            return v;
        case "object": {
            if (Array.isArray(v)) {
                const out = new Array<unknown>(v.length);
                for (let i = 0; i < v.length; i++) {
                    out[i] = wireCopy(v[i]);
                }
                return out;
            }
            return wireCopyObject(v as Record<string, unknown>);
        }
        default:
            throw new Error("Unexpected struct type.");
    }
}

function wireCopyObject(o: Record<string, unknown>): Record<string, unknown> {
    const keys: string[] = [];
    for (const k in o) {
        keys.push(k);
    }
    keys.sort();
    const out: Record<string, unknown> = {};
    for (const k of keys) {
        out[k] = wireCopy(o[k]);
    }
    return out;
}

/**
 * A `Struct` that keeps its value as a plain object: `toJavaScript` returns a copy of it, and any
 * other use of the message goes through its fields map (binary serialization and `toObject` read it
 * too), which is first built the ordinary way, so code that reads the message sees what it always saw.
 */
class PlainStruct extends Struct {
    private built = false;

    constructor(private readonly plain: Record<string, unknown>) {
        super();
    }

    override toJavaScript(): WireObject {
        return this.built ? super.toJavaScript() : (wireCopyObject(this.plain) as WireObject);
    }

    override getFieldsMap(): ReturnType<Struct["getFieldsMap"]> {
        const map = super.getFieldsMap();
        if (!this.built) {
            this.built = true;
            for (const [k, v] of originalFromJavaScript(this.plain as WireObject)
                .getFieldsMap()
                .entries()) {
                map.set(k, v);
            }
        }
        return map;
    }
}

const originalFromJavaScript = Struct.fromJavaScript.bind(Struct);

type DebuggablePromise = (p: Promise<unknown>, ctx: unknown) => Promise<unknown>;
type Callsites = () => { file?: string; line?: number; column?: number }[];

/**
 * Takes the fast run's shortcuts (see the module comment) until the returned function is called;
 * the caller calls it when the run ends, whatever happened, and the process is as before.
 */
export function enterFastMockRun(): () => void {
    const stackTraceLimit = Error.stackTraceLimit;
    const fromJavaScript = Struct.fromJavaScript;
    const sdk = debuggable as unknown as { debuggablePromise: DebuggablePromise };
    const debuggablePromise = sdk.debuggablePromise;
    const resource = pulumi.Resource as unknown as { callsites: Callsites };
    const callsites = resource.callsites;
    // No frames for any error (V8 formats it as `Error: message`); the SDK's two stack probes are replaced below.
    Error.stackTraceLimit = 0;
    Struct.fromJavaScript = (obj) => new PlainStruct(wireCopyObject(obj));
    sdk.debuggablePromise = (p) => p;
    // What `callsites` returns for an empty stack, without taking one (it raises the limit itself).
    resource.callsites = () => [];
    return () => {
        Error.stackTraceLimit = stackTraceLimit;
        Struct.fromJavaScript = fromJavaScript;
        sdk.debuggablePromise = debuggablePromise;
        resource.callsites = callsites;
    };
}
