/**
 * The last check of a stack file: the components' own validators (components/<cloud>/args.ts,
 * components/platform/args.ts) run on the arguments config/componentArgs.ts maps the stack onto,
 * and every problem they find is reported under the stack-file key it comes from. So a stack the
 * config checker accepts is one every component accepts, and a component's rule is written once,
 * in the component: the program fails before it registers any resource, never halfway (a cluster
 * registered, then the platform refusing its arguments).
 *
 * Runs only on a configuration with no problem so far: the mapping needs complete values, and a
 * key already reported is not reported again.
 */
import { eksClusterArgProblems } from "../components/aws/args";
import { aksClusterArgProblems } from "../components/azure/args";
import type { ClusterTarget } from "../components/contract";
import { doksClusterArgProblems } from "../components/digitalocean/args";
import { existingClusterArgProblems } from "../components/existing/args";
import { gkeClusterArgProblems } from "../components/gcp/args";
import { platformArgProblems } from "../components/platform/args";
import type { ArgProblem } from "../components/validation";
import { aksClusterArgs, doksClusterArgs, eksClusterArgs, existingClusterArgs, gkeClusterArgs, platformArgs } from "./componentArgs";
import type { Reader } from "./reader";
import type { StackConfig } from "./types";

/** Stands in for the cluster the platform is installed on: it is not built while the config is checked. */
const NOT_BUILT_YET = { provider: {} } as unknown as ClusterTarget;

/**
 * Where an argument comes from when the stack file names it differently, by the argument's first
 * path segment: a key (the rest of the path is kept: `adminPrincipalArns[0]` ->
 * `aws.adminPrincipalArns[0]`), or `{ whole }` for an argument derived from a whole section.
 */
type Renames = Record<string, string | { whole: string }>;

/** Per cloud, the cluster arguments the stack file names differently. */
const CLUSTER_KEYS: Record<StackConfig["cloud"], Renames> = {
    aws: { adminPrincipalArns: "aws.adminPrincipalArns" },
    // The control-plane range is fixed; it clashes only with a network range the stack chose.
    gcp: { project: "gcp.project", masterCidr: { whole: "network" } },
    azure: { location: "region", adminGroupObjectIds: "azure.adminGroupObjectIds", tier: "azure.tier", kubeloginMode: "azure.kubeloginMode" },
    digitalocean: { controlPlaneAllowedCidrs: "digitalocean.controlPlaneAllowedCidrs", spacesRegion: "digitalocean.spacesRegion" },
    existing: {
        kubeconfig: "existing.kubeconfig",
        kubeconfigPath: "existing.kubeconfigPath",
        context: "existing.context",
        storageClass: "existing.storageClass",
        objectStore: "existing.objectStore",
        maxNodes: "existing.maxNodes",
        renderYamlToDirectory: "existing.renderYamlToDirectory",
    },
};

/** The platform's arguments that come from the `platform` section (the rest are top-level keys of the same name). */
const PLATFORM_SECTION = ["domain", "acmeEmail", "issuer", "jamie", "scarlet", "addons", "chartMirror", "agentEgressCidrs"];

/** The stack-file key an argument path (`nodePools[1].diskSizeGb`, `adminPrincipalArns[0]`) comes from. */
export function stackKey(propertyPath: string, renames: Renames, cfg: Pick<StackConfig, "nodePools">): string {
    const pool = /^nodePools\[(\d+)\](.*)$/.exec(propertyPath);
    if (pool) {
        const role = cfg.nodePools[Number(pool[1])]?.role;
        return role ? `nodePools.${role}${pool[2]}` : "nodePools";
    }
    const head = /^[^.[]+/.exec(propertyPath)?.[0] ?? propertyPath;
    const renamed = renames[head];
    if (renamed === undefined) {
        return propertyPath;
    }
    return typeof renamed === "string" ? `${renamed}${propertyPath.slice(head.length)}` : renamed.whole;
}

/** Every problem the cluster component and the platform find with the arguments `cfg` maps onto. */
export function componentProblems(cfg: StackConfig): { key: string; reason: string }[] {
    let cluster: ArgProblem[];
    switch (cfg.cloud) {
        case "aws":
            cluster = eksClusterArgProblems(eksClusterArgs(cfg));
            break;
        case "gcp":
            cluster = gkeClusterArgProblems(gkeClusterArgs(cfg));
            break;
        case "azure":
            cluster = aksClusterArgProblems(aksClusterArgs(cfg));
            break;
        case "digitalocean":
            cluster = doksClusterArgProblems(doksClusterArgs(cfg));
            break;
        case "existing":
            cluster = existingClusterArgProblems(existingClusterArgs(cfg));
            break;
    }
    // The cluster's ranges the platform excepts from agent egress are the stack's network.
    const platformRenames: Renames = { ...Object.fromEntries(PLATFORM_SECTION.map((k) => [k, `platform.${k}`])), clusterCidrs: { whole: "network" } };
    return [
        ...cluster.map((p) => ({ key: stackKey(p.propertyPath, CLUSTER_KEYS[cfg.cloud], cfg), reason: p.reason })),
        ...platformArgProblems(platformArgs(cfg, NOT_BUILT_YET)).map((p) => ({ key: stackKey(p.propertyPath, platformRenames, cfg), reason: p.reason })),
    ];
}

/** Records on `r` every problem the components find, under the stack-file key; values of secret keys are not echoed. */
export function checkComponentArgs(r: Reader, cfg: StackConfig): void {
    for (const p of componentProblems(cfg)) {
        if (r.hasProblem(p.key)) {
            continue;
        }
        r.fail(p.key, r.isSecret(p.key) ? "a secret value the component does not accept (not shown); see the component's argument docs" : p.reason);
    }
}
