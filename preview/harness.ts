/**
 * The harness: runs the stack program (index.ts) under Pulumi's mocks with one stack's
 * configuration and returns every resource it registered, as the engine would record it (type,
 * name, URN, parent, inputs, options), plus the stack outputs. The offline preview and the tests
 * both use it, so what the tests prove is what the preview shows.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { setThirdPartyCharts } from "../components/platform/charts";
import { setOfflineSecretPaths } from "../config";
import { securePathsByKey } from "../config/secretPaths";
import type { ResourceRecord } from "../policy/runner";
import { enterFastMockRun, mockRunMode } from "./mockShortcuts";
import { callMock, computedState, mockId } from "./mocks";
import { decodeWire, secretStrings } from "./secrets";
import { PROJECT_ROOT, projectName, readStackFile, toCliConfig } from "./stackFile";

export type { ResourceRecord };

/** A resource record with its redacted twin for reports. */
export interface RecordedResource extends ResourceRecord {
    /** Inputs with every secret replaced by `[secret]`. */
    redactedInputs: Record<string, unknown>;
}

export interface RunOptions {
    /** Stack name (reads stacks/Pulumi.<stack>.yaml) or a path to a stack file. */
    stack: string;
    /**
     * Changes to the stack file's config before the run, by dotted path in the project namespace
     * (`"nodePools.system.instanceType": "t3.large"`); `undefined` deletes the key. Keys with a
     * namespace (`"aws:region"`) address provider config.
     */
    overrides?: Record<string, unknown>;
    /** Replace the whole config mapping (tests of config validation). */
    config?: Record<string, unknown>;
    /** The program module to run; default the project's index.ts. */
    program?: string;
}

export interface RunResult {
    stack: string;
    project: string;
    resources: RecordedResource[];
    /** Stack outputs, plain (secrets included). */
    outputs: Record<string, unknown>;
    /** Stack outputs with secrets redacted. */
    redactedOutputs: Record<string, unknown>;
    /** Every string that was secret anywhere (inputs or outputs), to scrub reports with. */
    secrets: Set<string>;
    /** Stack config as given to the program (CLI form). */
    config: Record<string, string>;
    /** What the program logged through pulumi.log (severity and message), in order. */
    log: { severity: "debug" | "info" | "warning" | "error"; message: string }[];
}

/** Sets `value` at dotted `pathKey` inside `obj` (creating objects), or deletes it when undefined. */
export function setPath(obj: Record<string, unknown>, pathKey: string, value: unknown): void {
    const parts = pathKey.split(".");
    let cur = obj;
    for (const p of parts.slice(0, -1)) {
        const next = cur[p];
        if (next === null || typeof next !== "object" || Array.isArray(next)) {
            cur[p] = {};
        }
        cur = cur[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (value === undefined) {
        delete cur[last];
    } else {
        cur[last] = value;
    }
}

/** Applies overrides to a stack file's config mapping (project keys may be written without namespace). */
export function applyOverrides(config: Record<string, unknown>, overrides: Record<string, unknown>, project: string): Record<string, unknown> {
    const out = structuredClone(config);
    // Normalise: strip our namespace so paths address the same mapping either way.
    for (const k of Object.keys(out)) {
        if (k.startsWith(`${project}:`)) {
            out[k.slice(project.length + 1)] = out[k];
            delete out[k];
        }
    }
    for (const [k, v] of Object.entries(overrides)) {
        const colon = k.indexOf(":");
        if (colon > 0 && !k.slice(0, colon).includes(".") && k.slice(0, colon) !== project) {
            // Provider namespace: `aws:region`, or a path inside one key: `kubernetes:foo.bar`.
            const [head, ...tail] = k.split(".");
            if (tail.length === 0) {
                if (v === undefined) {
                    delete out[head];
                } else {
                    out[head] = structuredClone(v);
                }
            } else {
                const holder = (out[head] ?? {}) as Record<string, unknown>;
                setPath(holder, tail.join("."), structuredClone(v));
                out[head] = holder;
            }
        } else {
            setPath(out, colon > 0 && k.slice(0, colon) === project ? k.slice(colon + 1) : k, structuredClone(v));
        }
    }
    return out;
}

/**
 * Forgets the program module (and what-if programs under test/) so the next require runs it
 * again. Components, config and policy modules stay cached: they hold no per-run state (the
 * program reads config when it runs), and re-transpiling them costs more than the run itself.
 */
function clearProgramModules(programPath: string): void {
    const resolved = require.resolve(programPath);
    const fixtures = path.join(PROJECT_ROOT, "test", "fixtures") + path.sep;
    const forgotten = new Set<NodeModule>();
    for (const [id, m] of Object.entries(require.cache)) {
        if (m && (id === resolved || id === path.join(PROJECT_ROOT, "index.ts") || id.startsWith(fixtures))) {
            forgotten.add(m);
            delete require.cache[id];
        }
    }
    // The module that required a program lists it among its children for good: without this, every
    // run's program module, its exports and through them the run's whole resource graph (about 4 MB
    // for aws-prod) stayed reachable until the process ended.
    const nodeModules = path.sep + "node_modules" + path.sep;
    for (const [id, m] of Object.entries(require.cache)) {
        // Only this project's modules require a program (the SDKs never do): skip the thousands of others.
        if (m && !id.includes(nodeModules) && m.children.some((c) => forgotten.has(c))) {
            m.children = m.children.filter((c) => !forgotten.has(c));
        }
    }
}

interface MonitorLike {
    registerResource(req: RegisterRequest, cb: (err: unknown, resp?: unknown) => void): Promise<void> | void;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): Struct | undefined;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
    getProvider(): string;
}

/** Runs the program for one stack under mocks and returns what it registered. */
export function runProgram(opts: RunOptions): Promise<RunResult> {
    const modes = currentModes();
    return exclusive(() => runProgramNow(opts, modes));
}

async function runProgramNow(opts: RunOptions, modes: RunModes): Promise<RunResult> {
    const project = projectName();
    const file = readStackFile(opts.stack);
    const rawConfig = applyOverrides(opts.config ?? file.config, opts.overrides ?? {}, project);
    const cli = toCliConfig(rawConfig, project);
    const programPath = opts.program ?? path.join(PROJECT_ROOT, "index.ts");
    // The program sees which values of this config are secret one by one, not per top-level key.
    setOfflineSecretPaths(new Set([...securePathsByKey(rawConfig, project).values()].flat()));
    try {
        return await runWithMocksNow(
            () => {
                clearProgramModules(programPath);
                return require(programPath);
            },
            { stack: file.stack, project, config: cli.values, secretKeys: cli.secretKeys },
            modes,
        );
    } finally {
        setOfflineSecretPaths(undefined);
        // The program may have switched third-party charts off (`platform.thirdPartyCharts`): the
        // components' modules stay cached, so the next run or test starts from the default again.
        setThirdPartyCharts(true);
    }
}

/** Options for `runWithMocks`. */
export interface MockRunOptions {
    /** Stack name the program sees. @default "test" */
    stack?: string;
    /** Project name the program sees. @default the project's */
    project?: string;
    /** Config in CLI form (`namespace:key` -> text). @default {} */
    config?: Record<string, string>;
    /** Secret config keys. @default [] */
    secretKeys?: string[];
}

/**
 * Whether a mocked run keeps the providers' version aliases (`MOCK_ALIASES=keep`) or drops them
 * (the default). Each generated resource class lists the type tokens of its older API versions as
 * aliases so that `pulumi up` can match state written under them (azure-native's ManagedCluster
 * lists 113, a Kubernetes Deployment 3). The SDK turns every one into Outputs and URNs per resource:
 * on azure-prod that was a fifth of the preview's CPU (1.83 -> 1.49 s, measured paired). A mocked
 * run has no prior state for an alias to match and the report does not show aliases, so the run's
 * result is the same (test/preview/aliases.spec.ts compares the reports); aliases a program writes
 * itself (a rename, a new parent) are never dropped: see `isVersionAlias`.
 */
export function aliasMode(env: NodeJS.ProcessEnv = process.env): "keep" | "drop" {
    return env.MOCK_ALIASES === "keep" ? "keep" : "drop";
}

/**
 * True for a provider's version alias of a resource of type `type`: an alias object with only a
 * `type`, in the same package, naming the same resource under another module or API version
 * (`azure-native:containerservice/v20170831:ManagedCluster` for
 * `azure-native:containerservice:ManagedCluster`).
 */
export function isVersionAlias(type: string, alias: unknown): boolean {
    if (alias === null || typeof alias !== "object" || Object.keys(alias).length !== 1 || typeof (alias as { type?: unknown }).type !== "string") {
        return false;
    }
    const other = (alias as { type: string }).type.split(":");
    const own = type.split(":");
    return other.length === 3 && own.length === 3 && other[0] === own[0] && other[2] === own[2] && other[1] !== own[1];
}

/** A stack transformation dropping the version aliases of every resource (see `aliasMode`). */
function dropVersionAliases(a: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult | undefined {
    const aliases = a.opts.aliases;
    if (!aliases || aliases.length === 0) {
        return undefined;
    }
    const kept = aliases.filter((x) => !isVersionAlias(a.type, x));
    return kept.length === aliases.length ? undefined : { props: a.props, opts: { ...a.opts, aliases: kept.length ? kept : undefined } };
}

const PROGRAMMING_ERRORS = [TypeError, ReferenceError, RangeError, SyntaxError];

/** Whether a failed run's error is a bug in code (worth a second run for its stack). */
function isProgrammingError(e: unknown): boolean {
    const cause = e instanceof Error ? e.cause : undefined;
    return PROGRAMMING_ERRORS.some((k) => e instanceof k || cause instanceof k);
}

/**
 * Runs `build` (a program, or a function that creates components) inside a mocked stack and
 * returns every resource registered and the outputs `build` returned. Component tests use this
 * directly; `runProgram` uses it for index.ts. Fast or reference run: see preview/mockShortcuts.ts;
 * a fast run that fails with a programming error (TypeError, ReferenceError, RangeError,
 * SyntaxError, also inside an apply() callback) is repeated once as a reference run, whose full
 * stack traces show where the bug is.
 */
export function runWithMocks(build: () => unknown, opts: MockRunOptions = {}): Promise<RunResult> {
    const modes = currentModes();
    return exclusive(() => runWithMocksNow(build, opts, modes));
}

/** The run modes the environment asks for, read when a run is asked for (it may start later, see `exclusive`). */
interface RunModes {
    mode: "fast" | "reference";
    aliases: "keep" | "drop";
}

function currentModes(): RunModes {
    return { mode: mockRunMode(), aliases: aliasMode() };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `fn` once every run asked for before it has finished. The SDK's runtime state (mocks, config,
 * the stack resource) and the harness's own (the program's secret paths, the console, stack-trace
 * settings) are per process: two runs at once would mix their resources, so concurrent callers
 * (`Promise.all` over stacks) are queued instead. A program must not start a run itself: that run
 * would wait for the one it is part of.
 */
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = queue.then(fn);
    queue = result.catch(() => undefined);
    return result;
}

async function runWithMocksNow(build: () => unknown, opts: MockRunOptions, modes: RunModes): Promise<RunResult> {
    try {
        return await runOnce(build, opts, modes);
    } catch (e) {
        if (modes.mode === "reference" || !isProgrammingError(e)) {
            throw e;
        }
        // The same run again with full stack traces: its error says where the bug is.
        try {
            await runOnce(build, opts, { ...modes, mode: "reference" });
        } catch (full) {
            if (isProgrammingError(full)) {
                throw full;
            }
        }
        throw e;
    }
}

async function runOnce(build: () => unknown, opts: MockRunOptions, { mode, aliases }: RunModes): Promise<RunResult> {
    const project = opts.project ?? projectName();
    const stack = opts.stack ?? "test";
    const config = opts.config ?? {};
    const secretKeys = opts.secretKeys ?? [];
    const resources: RecordedResource[] = [];
    const secrets = new Set<string>();
    const pending: Promise<void>[] = [];

    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => ({
                id: args.custom === false ? undefined : mockId(args.type, args.name, args.inputs),
                state: { ...args.inputs, ...computedState(args.type, args.name, args.inputs, { stack, project }) },
            }),
            call: (args: pulumi.runtime.MockCallArgs) => callMock(args.token, args.inputs, { stack, project }),
        },
        project,
        stack,
        // Not a dry run: every output the mocks return is known, so no apply() callback is skipped.
        false,
    );
    pulumi.runtime.setAllConfig(config, secretKeys);

    // Observe each registration on the wire, where secrets are still marked.
    const monitor = (settings as unknown as { getMonitor(): MonitorLike }).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, cb: (err: unknown, resp?: unknown) => void) => {
        const wire = req.getObject()?.toJavaScript() ?? {};
        const decoded = decodeWire(wire);
        const done = new Promise<void>((resolve) => {
            register(req, (err: unknown, resp?: unknown) => {
                resources.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: (resp as { getUrn?: () => string } | undefined)?.getUrn?.() ?? "",
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    inputs: decoded.plain as Record<string, unknown>,
                    redactedInputs: decoded.redacted as Record<string, unknown>,
                    opts: {
                        protect: req.getProtect() === true,
                        retainOnDelete: req.getRetainondelete() === true,
                        ignoreChanges: req.getIgnorechangesList(),
                        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                        dependsOn: req.getDependenciesList(),
                        provider: req.getProvider() || undefined,
                    },
                });
                secretStrings(decoded.plain, decoded.redacted, secrets);
                cb(err, resp);
                resolve();
            });
        });
        pending.push(done);
        return done;
    };

    // An exception inside an apply() callback surfaces as an unhandled rejection: collect them so
    // a broken code path fails the run instead of printing a line and passing.
    const asyncErrors: unknown[] = [];
    const onRejection = (reason: unknown): void => {
        asyncErrors.push(reason);
    };
    process.on("unhandledRejection", onRejection);
    // Without an engine the SDK prints pulumi.log messages to the console: collect them instead.
    const log: RunResult["log"] = [];
    const consoleFns = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    const capture =
        (original: (...a: unknown[]) => void) =>
        (...a: unknown[]): void => {
            const m = typeof a[0] === "string" ? /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/.exec(a[0]) : null;
            if (m && a.length === 1) {
                log.push({ severity: m[1] as RunResult["log"][number]["severity"], message: m[2] });
            } else {
                original(...a);
            }
        };
    console.log = capture(consoleFns.log);
    console.info = capture(consoleFns.info);
    console.warn = capture(consoleFns.warn);
    console.error = capture(consoleFns.error);
    // The fast run's shortcuts (preview/mockShortcuts.ts). An error's stack is formatted when first
    // read; one read after the run gets the formatting in force then.
    const leaveFastRun = mode === "fast" ? enterFastMockRun() : () => undefined;
    let buildError: unknown;
    let outputs: Record<string, unknown> = {};
    try {
        await pulumi.runtime.runInPulumiStack(async () => {
            if (aliases === "drop") {
                pulumi.runtime.registerStackTransformation(dropVersionAliases);
            }
            try {
                const result = await build();
                outputs = result && typeof result === "object" ? { ...(result as object) } : {};
            } catch (e) {
                buildError = e;
            }
            return {};
        });
        await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
        await Promise.all(pending);
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        leaveFastRun();
        process.off("unhandledRejection", onRejection);
        Object.assign(console, consoleFns);
    }
    if (buildError) {
        throw buildError;
    }
    const logged = log.filter((l) => l.severity === "error");
    if (logged.length > 0) {
        throw new Error(`the program logged ${logged.length} error(s); first: ${logged[0].message}`);
    }
    if (asyncErrors.length > 0) {
        const first = asyncErrors[0];
        const err = new Error(
            `${asyncErrors.length} error(s) inside apply() callbacks; first: ${first instanceof Error ? (first.stack ?? first.message) : String(first)}`,
            { cause: first },
        );
        throw err;
    }

    const plainOutputs: Record<string, unknown> = {};
    const redactedOutputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(outputs)) {
        if (k === "__esModule") {
            continue;
        }
        const { plain, redacted } = await unwrapOutput(v);
        plainOutputs[k] = plain;
        redactedOutputs[k] = redacted;
    }
    secretStrings(plainOutputs, redactedOutputs, secrets);
    for (const [k, v] of Object.entries(config)) {
        if (secretKeys.includes(k)) {
            secretStrings(v, "[secret]", secrets);
        }
    }

    resources.sort((a, b) => a.urn.localeCompare(b.urn));
    return { stack, project, resources, outputs: plainOutputs, redactedOutputs, secrets, config, log };
}

/** Resolves an output value (possibly nested, possibly secret) into plain and redacted forms. */
async function unwrapOutput(v: unknown): Promise<{ plain: unknown; redacted: unknown }> {
    if (pulumi.Output.isInstance(v)) {
        const out = v as pulumi.Output<unknown>;
        const internal = out as unknown as { isSecret: Promise<boolean>; promise(withUnknowns?: boolean): Promise<unknown> };
        const isSecret = await internal.isSecret;
        const value = await internal.promise(true);
        const inner = await unwrapOutput(value);
        return isSecret ? { plain: inner.plain, redacted: "[secret]" } : inner;
    }
    if (Array.isArray(v)) {
        const items = await Promise.all(v.map(unwrapOutput));
        return { plain: items.map((i) => i.plain), redacted: items.map((i) => i.redacted) };
    }
    if (v && typeof v === "object" && !(v instanceof pulumi.Resource)) {
        const plain: Record<string, unknown> = {};
        const redacted: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            const d = await unwrapOutput(x);
            plain[k] = d.plain;
            redacted[k] = d.redacted;
        }
        return { plain, redacted };
    }
    return { plain: v, redacted: v };
}
