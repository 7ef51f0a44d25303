/**
 * How every component reports bad arguments: each has an exported pure `<name>ArgProblems(args)`
 * that returns every problem (the argument's path, the value found and what is allowed), and its
 * constructor throws them together through `throwArgProblems` before registering any child, so a
 * program learns of every mistake in one run. Validation in the stack program (config/) happens
 * earlier still, naming stack-file keys; these checks guard programs that build the components
 * themselves.
 */
import * as pulumi from "@pulumi/pulumi";

/** One problem with one argument: `propertyPath` as written in the args (`nodePools[1].role`), `reason` the value found and what is allowed. */
export interface ArgProblem {
    propertyPath: string;
    reason: string;
}

/** Collects problems: `fail(path, reason)` records one. */
export class ProblemList {
    readonly problems: ArgProblem[] = [];

    /** Records a problem. */
    readonly fail = (propertyPath: string, reason: string): void => {
        this.problems.push({ propertyPath, reason });
    };

    /** Whether a problem was recorded for `propertyPath` or anything under it. */
    has(propertyPath: string): boolean {
        return this.problems.some(
            (p) => p.propertyPath === propertyPath || p.propertyPath.startsWith(`${propertyPath}.`) || p.propertyPath.startsWith(`${propertyPath}[`),
        );
    }
}

/** A value for a message: JSON, cut at 80 characters. */
export function shown(value: unknown): string {
    if (value === undefined) {
        return "nothing";
    }
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Throws the problems of `component`'s arguments as one error: `InputPropertyError` for one (the
 * engine prints its property), `InputPropertiesError` for several (printed per property, with a
 * message listing them all); returns when there are none.
 */
export function throwArgProblems(component: string, problems: readonly ArgProblem[]): void {
    if (problems.length === 1) {
        throw new pulumi.InputPropertyError(problems[0]);
    }
    if (problems.length > 1) {
        throw new pulumi.InputPropertiesError({
            message: `${component}: ${problems.length} invalid arguments: ${problems.map((p) => `${p.propertyPath}: ${p.reason}`).join("; ")}`,
            errors: [...problems],
        });
    }
}
