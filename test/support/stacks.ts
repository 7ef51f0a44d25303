/**
 * Stack program runs shared by every spec: a shipped stack's program runs once per configuration
 * (stack name and overrides) in the whole mocha process, and every spec that reads it gets the same
 * result. Before this, the seven specs that read whole stacks ran aws-prod alone five times.
 *
 * A shared run is deep-frozen (resources, their inputs and options, outputs, config, log), so a
 * spec that would change what another spec reads fails at once with a TypeError instead of passing
 * or failing by the order the specs ran in. Runs of anything else (a stack file written by the
 * test, a whole replacement config, another program) are not shared: `sharedRun` runs them each
 * time, exactly as `runProgram` does.
 */
import { deepFreeze } from "../../preview/freeze";
import { runProgram, type RunOptions, type RunResult } from "../../preview/harness";
import { shippedStacks } from "../../preview/stackFile";

export { deepFreeze };

const memo = new Map<string, Promise<RunResult>>();

/** The memo key of a run that can be shared, or undefined when it must run on its own. */
export function shareKey(opts: RunOptions): string | undefined {
    if (opts.program !== undefined || opts.config !== undefined || !shippedStacks().includes(opts.stack)) {
        return undefined;
    }
    // An override of undefined deletes the key: keep it apart from no override at all.
    return JSON.stringify([opts.stack, opts.overrides ?? {}], (_k, v: unknown) => (v === undefined ? "\u0000undefined" : v));
}

/**
 * `runProgram(opts)`, run once per shipped stack and overrides and shared (deep-frozen). A failed
 * run is not kept: the next caller runs it again and sees the error itself.
 */
export function sharedRun(opts: RunOptions): Promise<RunResult> {
    const key = shareKey(opts);
    if (key === undefined) {
        return runProgram(opts);
    }
    let p = memo.get(key);
    if (!p) {
        p = runProgram(opts).then(
            (run) => {
                deepFreeze(run.resources);
                deepFreeze(run.outputs);
                deepFreeze(run.redactedOutputs);
                deepFreeze(run.config);
                deepFreeze(run.log);
                return run;
            },
            (e: unknown) => {
                memo.delete(key);
                throw e;
            },
        );
        memo.set(key, p);
    }
    return p;
}

/** A shipped stack's program run with its own configuration (and optional overrides), shared. */
export function stackRun(stack: string, overrides?: Record<string, unknown>): Promise<RunResult> {
    return sharedRun({ stack, overrides });
}

/** How many distinct runs are shared so far (for the test of this module). */
export function sharedRunCount(): number {
    return memo.size;
}
