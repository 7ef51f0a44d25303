/**
 * Named, reasoned exemptions: a rule that is wrong for one kind of object (a leader-elected
 * operator that is highly available at 2 replicas, a controller with no readiness endpoint) lists
 * that object by Kubernetes `namespace/name` with the reason next to it. Never a namespace-wide
 * exemption; docs/policies.md prints every entry with its reason (generated from the defaults).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { glob } from "./util";

/** One exempted workload: `namespace/name` (`*` wildcards) and why. */
export interface ReasonedExemption {
    /** Kubernetes `namespace/name` of the workload; `*` matches any run of characters. */
    workload: string;
    /** Why the rule does not apply to it (shown in docs/policies.md). */
    reason: string;
}

/** The JSON schema of a list of `ReasonedExemption`s plus extra required properties. */
export function reasonedExemptionSchema(
    description: string,
    defaults: object[],
    extra: Record<string, object> = {},
): NonNullable<PolicyConfigSchema["properties"]>[string] {
    return {
        type: "array",
        description,
        default: defaults,
        items: {
            type: "object",
            properties: {
                workload: { type: "string", minLength: 3, description: "namespace/name; * wildcards" },
                reason: { type: "string", minLength: 10, description: "why the rule does not apply" },
                ...extra,
            },
            required: ["workload", "reason", ...Object.keys(extra)],
            additionalProperties: false,
        },
    };
}

/** The first exemption matching `namespace/name`, if any. */
export function findExemption<E extends ReasonedExemption>(list: readonly E[] | undefined, namespace: string, name: string): E | undefined {
    return (list ?? []).find((e) => glob(e.workload, `${namespace}/${name}`));
}

/** An exemption for one container of a workload. */
export interface ContainerExemption extends ReasonedExemption {
    /** Container name inside the workload's pod. */
    container: string;
}

/** The exemptions in `list` for container `container` of the workload `namespace/name`. */
export function containerExemptions<E extends ContainerExemption>(list: readonly E[] | undefined, namespace: string, name: string, container: string): E[] {
    return (list ?? []).filter((e) => e.container === container && glob(e.workload, `${namespace}/${name}`));
}
