/**
 * Config keys outside the project's namespace. A Pulumi stack file may hold keys for the engine
 * (`pulumi:`) and for providers (`aws:region`); every other key is read by nothing, and its value
 * would be silently ignored (`agent-platfrom:retention` leaves the default retention in force).
 *
 * Rules, each an error naming the key:
 * - a namespace that is neither the project's, the engine's nor a provider's is unknown; when it
 *   is a small edit away from one of them, the message names the key meant
 *   (`agent-platform:retention`);
 * - a provider key must be one the provider declares (its SDK's `config/vars.d.ts`), for a
 *   provider the stack's cloud uses;
 * - a provider key that repeats a project setting must agree with it: `aws:region`,
 *   `gcp:region` and `azure-native:location` with `region`, `gcp:project` with `gcp.project`
 *   (otherwise resources go to one region while zones and ARNs assume another);
 * - `kubernetes:` keys configure the default Kubernetes provider, which the program never uses
 *   (every Kubernetes resource gets the cluster's own provider).
 */
import * as fs from "fs";
import * as path from "path";
import type { Reader } from "./reader";
import { nearest } from "./reader";
import type { Cloud } from "../components/types";

/** The provider namespaces a cloud's program reads, with the npm package declaring their keys. */
export const PROVIDER_NAMESPACES: Readonly<Record<string, { pkg: string; clouds: readonly Cloud[] }>> = {
    aws: { pkg: "@pulumi/aws", clouds: ["aws"] },
    gcp: { pkg: "@pulumi/gcp", clouds: ["gcp"] },
    "azure-native": { pkg: "@pulumi/azure-native", clouds: ["azure"] },
};

/** Namespaces the engine or no provider of this program reads; explained rather than guessed at. */
const NOT_READ: Readonly<Record<string, string>> = {
    kubernetes:
        "the default Kubernetes provider is never used: every Kubernetes resource gets the cluster's own provider (for an existing cluster set existing.kubeconfigPath, existing.kubeconfig or existing.context instead); remove it",
    random: "the random provider has no configuration; remove it",
};

const keyCache = new Map<string, string[]>();

/** The config keys a provider SDK declares (the `export declare const` names of config/vars.d.ts). */
export function providerKeys(pkg: string): string[] {
    let keys = keyCache.get(pkg);
    if (!keys) {
        const file = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), "config", "vars.d.ts");
        const text = fs.readFileSync(file, "utf8");
        keys = [...text.matchAll(/^export declare const (\w+)\s*:/gm)].map((m) => m[1]).sort();
        keyCache.set(pkg, keys);
    }
    return keys;
}

/** What the namespace checks compare provider keys with. */
export interface NamespaceContext {
    project: string;
    /** The stack's cloud (undefined when invalid: only unknown namespaces are then reported). */
    cloud?: Cloud;
    /** `region` as configured (empty when absent or invalid). */
    region: string;
    /** `gcp.project` as configured. */
    gcpProject?: string;
    /** Every key of the project's namespace, for suggestions. */
    projectKeys: readonly string[];
}

/** Checks every key outside the project namespace (`other`: full key -> decoded value). */
export function checkNamespaces(r: Reader, other: Record<string, unknown>, ctx: NamespaceContext): void {
    const known = ["pulumi", ctx.project, ...Object.keys(PROVIDER_NAMESPACES), ...Object.keys(NOT_READ)];
    for (const [fullKey, value] of Object.entries(other)) {
        const colon = fullKey.indexOf(":");
        const ns = colon > 0 ? fullKey.slice(0, colon) : "";
        const key = fullKey.slice(colon + 1);
        const head = key.split(/[.[]/)[0];
        if (ns === "pulumi") {
            // The engine's own keys (pulumi:disable-default-providers, ...) pass; a project key
            // moved here by mistake does not.
            if ((ctx.projectKeys as readonly string[]).includes(head)) {
                r.fail(fullKey, `the engine does not read ${head}; did you mean ${ctx.project}:${key}?`);
            }
            continue;
        }
        const provider = PROVIDER_NAMESPACES[ns];
        if (provider) {
            const keys = providerKeys(provider.pkg);
            if (!keys.includes(head)) {
                const near = nearest(head, keys);
                const meant = near ? `${ns}:${near}` : (ctx.projectKeys as readonly string[]).includes(head) ? `${ctx.project}:${key}` : undefined;
                r.fail(fullKey, `unknown ${ns} provider key${meant ? ` (did you mean ${meant}?)` : ""}; the ${ns} provider would ignore it`);
                continue;
            }
            if (ctx.cloud === undefined) {
                continue;
            }
            if (!provider.clouds.includes(ctx.cloud)) {
                r.fail(fullKey, `read only by the ${ns} provider, which a stack with cloud ${ctx.cloud} does not use; remove it`);
                continue;
            }
            agree(r, fullKey, value, ctx);
            continue;
        }
        if (NOT_READ[ns]) {
            r.fail(fullKey, `not read: ${NOT_READ[ns]}`);
            continue;
        }
        const nearNs = nearest(ns, known);
        let hint = "";
        if (nearNs === ctx.project) {
            const nearKey = ctx.projectKeys.includes(head) ? head : nearest(head, ctx.projectKeys);
            hint = ` (did you mean ${ctx.project}:${nearKey ? key.replace(head, nearKey) : key}?)`;
        } else if (nearNs && nearNs !== "pulumi") {
            hint = ` (did you mean ${nearNs}:${key}?)`;
        }
        r.fail(fullKey, `unknown namespace ${JSON.stringify(ns)}${hint}; no program or provider reads this key, so its value would be ignored`);
    }
}

/** Provider keys that repeat a project setting must agree with it. */
function agree(r: Reader, fullKey: string, value: unknown, ctx: NamespaceContext): void {
    const pairs: Record<string, { want: string | undefined; key: string }> = {
        "aws:region": { want: ctx.region, key: "region" },
        "gcp:region": { want: ctx.region, key: "region" },
        "azure-native:location": { want: ctx.region, key: "region" },
        "gcp:project": { want: ctx.gcpProject, key: "gcp.project" },
    };
    const pair = pairs[fullKey];
    if (!pair || !pair.want || value === pair.want) {
        return;
    }
    r.fail(
        fullKey,
        `found ${r.show(fullKey, value)} but ${ctx.project}:${pair.key} is ${r.show(pair.key, pair.want)}; the provider would deploy to one while the cluster's zones, names and policies assume the other: set both to the same value`,
    );
}
