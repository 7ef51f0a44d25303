/**
 * Builders for the pack's two policy shapes. Each rule file declares its types, config schema and a
 * check; these wrap it into a `ResourceValidationPolicy` / `StackValidationPolicy` with the type
 * filter first (cheap), then exemptions, then the check, so a rule costs nothing on other types.
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { EXEMPTION_SCHEMA, Exemptions, isExempt } from "./util";

/** Property schema map of a policy's configSchema. */
export type SchemaProps = NonNullable<PolicyConfigSchema["properties"]>;

/** Which area of the pack a rule belongs to (the first part of its name and its folder). */
export type Area = "nodes" | "tls" | "secrets" | "workloads" | "audit" | "data";

interface RuleBase {
    /** `<area>-<resource>-<verb>-<noun>`. */
    name: string;
    /** One sentence. */
    description: string;
    /** Default enforcement level (stack policy config may override). */
    enforcementLevel?: EnforcementLevel;
    /** Tunables with defaults (exemptions are added automatically when `exemptions` is true). */
    config?: SchemaProps;
    /** Whether the rule accepts exemptNames/exemptNamespaces. @default true */
    exemptions?: boolean;
}

/** A per-resource rule. */
export interface ResourceRuleSpec<C> extends RuleBase {
    /** Type tokens the rule inspects; other types are skipped at once. */
    types: readonly string[];
    /** A config key (array of type tokens) naming extra types the rule also applies to. */
    extraTypesKey?: keyof C & string;
    /** Reports violations for one resource of one of `types`. */
    check: (r: ResourceValidationArgs, cfg: C, report: ReportViolation) => void;
}

/** A stack rule (joins or sums across resources). */
export interface StackRuleSpec<C> extends RuleBase {
    /** Reports violations over all resources (exempt ones already removed). */
    check: (resources: PolicyResource[], cfg: C, report: ReportViolation, args: StackValidationArgs) => void;
}

/**
 * The schema's defaults. The CLI fills them in before calling the pack, but a bare `getConfig()`
 * (another client of the analyzer, or a call before Configure) returns only what was configured,
 * so every rule overlays its configuration on these.
 */
function defaultsOf(s: PolicyConfigSchema): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) {
        if (v && typeof v === "object" && "default" in v) {
            out[k] = (v as { default: unknown }).default;
        }
    }
    return out;
}

function schema(spec: RuleBase): PolicyConfigSchema {
    const properties: SchemaProps = { ...(spec.config ?? {}), ...(spec.exemptions === false ? {} : EXEMPTION_SCHEMA) };
    return { properties };
}

/** Builds a resource policy. */
export function resourceRule<C>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
    const types = new Set(spec.types);
    const exemptions = spec.exemptions !== false;
    const configSchema = schema(spec);
    const defaults = defaultsOf(configSchema);
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        configSchema,
        validateResource: (args, report) => {
            if (!types.has(args.type) && !spec.extraTypesKey) {
                return;
            }
            const cfg = { ...defaults, ...args.getConfig<object>() } as C & Exemptions;
            if (!types.has(args.type) && !((cfg as Record<string, unknown>)[spec.extraTypesKey!] as string[] | undefined)?.includes(args.type)) {
                return;
            }
            if (exemptions && isExempt(cfg, args)) {
                return;
            }
            spec.check(args, cfg, report);
        },
    };
}

/** Builds a stack policy. */
export function stackRule<C>(spec: StackRuleSpec<C>): StackValidationPolicy {
    const exemptions = spec.exemptions !== false;
    const configSchema = schema(spec);
    const defaults = defaultsOf(configSchema);
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        configSchema,
        validateStack: (args, report) => {
            const cfg = { ...defaults, ...args.getConfig<object>() } as C & Exemptions;
            const resources = exemptions ? args.resources.filter((r) => !isExempt(cfg, r)) : args.resources;
            spec.check(resources, cfg, report, args);
        },
    };
}
