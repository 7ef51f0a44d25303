/**
 * Runs the pack's policies in-process over resource records, the way the Pulumi engine's analyzer
 * does: every resource policy sees every resource (type, props, URN, name, options), stack policies
 * see them all at once, configuration is the schema defaults overlaid with the policy config file.
 * Used by the offline preview and the tests.
 */
import { isUnknownError } from "./lib/util";
import type { EnforcementLevel, Policies, PolicyPackConfig, PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

/** One registered resource as the engine would show it to a policy. */
export interface ResourceRecord {
    /** Type token, e.g. `aws:eks/cluster:Cluster`. */
    type: string;
    name: string;
    urn: string;
    /** Parent URN (the stack for top-level resources). */
    parent?: string;
    /** Whether this is a custom (provider) resource rather than a component. */
    custom: boolean;
    /** Inputs with secrets in plain text, as the engine gives them to policies. */
    inputs: Record<string, unknown>;
    /** Resource options the engine passes to policies. */
    opts: { protect: boolean; retainOnDelete: boolean; ignoreChanges: string[]; additionalSecretOutputs: string[]; dependsOn: string[]; provider?: string };
}

/** One violation reported by a policy. */
export interface Violation {
    policy: string;
    enforcement: EnforcementLevel;
    urn?: string;
    message: string;
}

/** Resolves a policy's enforcement level and config: pack config over schema defaults over the policy's own level. */
export function resolvePolicyConfig(
    policy: Policies[number],
    packConfig: PolicyPackConfig,
    packDefault: EnforcementLevel = "advisory",
): { enforcement: EnforcementLevel; config: Record<string, unknown> } {
    const defaults: Record<string, unknown> = {};
    for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema && typeof schema === "object" && "default" in schema) {
            defaults[k] = (schema as { default: unknown }).default;
        }
    }
    const given = packConfig[policy.name] ?? packConfig["all"];
    let enforcement: EnforcementLevel = policy.enforcementLevel ?? packDefault;
    let config = defaults;
    if (typeof given === "string") {
        enforcement = given;
    } else if (given && typeof given === "object") {
        const { enforcementLevel, ...rest } = given as { enforcementLevel?: EnforcementLevel };
        if (enforcementLevel) {
            enforcement = enforcementLevel;
        }
        config = { ...defaults, ...rest };
    }
    return { enforcement, config };
}

class NotApplicable extends Error {}

/** The message the engine reports (advisory) when a rule reads a value unknown during preview. */
export function cannotRunMessage(policy: string, e: Error): string {
    return `can't run policy '${policy}' during preview: ${e.message}`;
}

function policyResource(r: ResourceRecord, byUrn: Map<string, PolicyResource>): PolicyResource {
    let dependencies: PolicyResource[] | undefined;
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.inputs,
        opts: {
            protect: r.opts.protect,
            ignoreChanges: r.opts.ignoreChanges,
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: r.opts.additionalSecretOutputs,
            parent: r.parent,
        },
        get parent() {
            return r.parent ? byUrn.get(r.parent) : undefined;
        },
        // As the engine gives stack policies: the resources this one depends on.
        get dependencies() {
            dependencies ??= r.opts.dependsOn.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
            return dependencies;
        },
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    } as unknown as PolicyResource;
}

/** Runs `policies` over `records` with `packConfig`; returns every violation, disabled policies skipped. */
export async function runPolicies(policies: Policies, records: ResourceRecord[], packConfig: PolicyPackConfig = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    const byUrn = new Map<string, PolicyResource>();
    const resources = records.filter((r) => r.custom || r.type.startsWith("kubernetes:"));
    for (const r of records) {
        byUrn.set(r.urn, policyResource(r, byUrn));
    }
    // One args object per resource, shared by every policy (only getConfig changes): building it
    // per policy and resource dominated the cost on large stacks.
    const stackTags = new Map<string, string>();
    const perResource = resources.map((r) => {
        const pr = byUrn.get(r.urn)!;
        return {
            urn: r.urn,
            args: {
                type: pr.type,
                name: pr.name,
                urn: pr.urn,
                props: pr.props,
                opts: pr.opts,
                provider: undefined,
                stackTags,
                isType: pr.isType,
                asType: pr.asType,
                getConfig: undefined as unknown,
                notApplicable: undefined as unknown,
            } as unknown as ResourceValidationArgs & { getConfig: unknown; notApplicable: unknown },
        };
    });
    const stackResources = resources.map((r) => byUrn.get(r.urn)!);
    for (const policy of policies) {
        const { enforcement, config } = resolvePolicyConfig(policy, packConfig);
        if (enforcement === "disabled") {
            continue;
        }
        const getConfig = <T>(): T => config as T;
        const notApplicable = (reason?: string): never => {
            throw new NotApplicable(reason);
        };
        if ("validateResource" in policy && policy.validateResource) {
            const validators = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
            for (const r of perResource) {
                const args = r.args;
                args.getConfig = getConfig;
                args.notApplicable = notApplicable;
                for (const validate of validators) {
                    try {
                        const result = validate(args, (message: string, urn?: string) =>
                            violations.push({ policy: policy.name, enforcement, urn: urn ?? r.urn, message }),
                        );
                        if (result && typeof (result as Promise<void>).then === "function") {
                            await result;
                        }
                    } catch (e) {
                        if (isUnknownError(e)) {
                            violations.push({ policy: policy.name, enforcement: "advisory", urn: r.urn, message: cannotRunMessage(policy.name, e as Error) });
                        } else if (!(e instanceof NotApplicable)) {
                            throw e;
                        }
                    }
                }
            }
        }
        if ("validateStack" in policy && policy.validateStack) {
            const args = { resources: stackResources, stackTags, getConfig, notApplicable } as unknown as StackValidationArgs;
            try {
                await policy.validateStack(args, (message: string, urn?: string) => violations.push({ policy: policy.name, enforcement, urn, message }));
            } catch (e) {
                if (isUnknownError(e)) {
                    violations.push({ policy: policy.name, enforcement: "advisory", message: cannotRunMessage(policy.name, e as Error) });
                } else if (!(e instanceof NotApplicable)) {
                    throw e;
                }
            }
        }
    }
    return violations;
}
