/**
 * The API of `DoksCluster`: its arguments, their defaults (resolved once by `resolveDoksClusterArgs`
 * at the top of the constructor) and their validation (`doksClusterArgProblems`, pure: every problem
 * at once, naming the argument, the value found and what is allowed).
 */
import {
    cidrReason,
    ClusterArgsBase,
    endpointProblems,
    environmentProblems,
    networkProblems,
    nodePoolProblems,
    resolveClusterArgs,
    ResolvedClusterArgs,
    retentionProblems,
    tagProblems,
} from "../clusterArgs";
import { ArgProblem, ProblemList, shown, throwArgProblems } from "../validation";

/**
 * Arguments of `DoksCluster`. Required: `region`; everything else has a default (`ClusterArgsBase`
 * and below). `zones` must stay empty: a DigitalOcean region is one datacenter without zones.
 */
export interface DoksClusterArgs extends ClusterArgsBase {
    /** Region slug, e.g. `fra1`. */
    region: string;
    /**
     * Addresses (IPv4 CIDRs) besides the VPC allowed through the DOKS control-plane firewall: the
     * egress addresses of whatever runs `pulumi up` and `kubectl` (a CI runner, a VPN). DOKS has no
     * private API endpoint; the firewall is what keeps the API off the internet. Never 0.0.0.0/0.
     * @default [] (only the nodes and the VPC)
     */
    controlPlaneAllowedCidrs?: string[];
    /**
     * Spaces region of the object store (Spaces exists in fewer regions than DOKS), e.g. `fra1`.
     * @default `region`
     */
    spacesRegion?: string;
}

/** `DoksClusterArgs` with every default filled in. */
export interface ResolvedDoksClusterArgs extends ResolvedClusterArgs {
    region: string;
    controlPlaneAllowedCidrs: string[];
    spacesRegion: string;
}

/** Fills in every default (components/defaults.ts and the ones above). */
export function resolveDoksClusterArgs(args: DoksClusterArgs): ResolvedDoksClusterArgs {
    return {
        ...resolveClusterArgs("digitalocean", args),
        region: args.region,
        controlPlaneAllowedCidrs: args.controlPlaneAllowedCidrs ?? [],
        // An empty string counts as absent (the stack file's declared default).
        spacesRegion: args.spacesRegion || args.region,
    };
}

/** A DigitalOcean region slug, e.g. `fra1`. */
export const DO_REGION = /^[a-z]{3}\d$/;

/** Every problem with `args` (after defaults); empty when they are usable. */
export function doksClusterArgProblems(args: DoksClusterArgs): ArgProblem[] {
    const a = resolveDoksClusterArgs(args);
    const { fail, problems } = new ProblemList();
    if (a.zones.length > 0) {
        fail("zones", `found ${JSON.stringify(a.zones)}; a DigitalOcean region has no availability zones, pass []`);
    }
    if (typeof a.region !== "string" || !DO_REGION.test(a.region)) {
        fail("region", `found ${shown(a.region)}; a DigitalOcean region slug such as fra1`);
    }
    // Checked only when given: by default it is `region`, checked above.
    if (args.spacesRegion && !DO_REGION.test(String(a.spacesRegion))) {
        fail("spacesRegion", `found ${shown(a.spacesRegion)}; a Spaces region slug such as fra1`);
    }
    const roles = a.nodePools.map((p) => p.role);
    if (a.nodePools.length > 0 && !roles.includes("system")) {
        fail("nodePools", `found roles ${JSON.stringify(roles)}; a system pool is required (it becomes the cluster's default pool)`);
    }
    nodePoolProblems(a.nodePools, fail, "a system pool is required (it becomes the cluster's default pool)");
    a.nodePools.forEach((p, i) => {
        // DOKS pools cannot scale to zero.
        if (Number.isInteger(p.minNodes) && p.minNodes < 1) {
            fail(`nodePools[${i}].minNodes`, `found ${p.minNodes}; a DOKS pool keeps at least 1 node, allowed: 1 or more`);
        }
    });
    networkProblems(a.network, fail, ["cidr", "podCidr", "serviceCidr"]);
    endpointProblems(a.endpoint, fail);
    a.controlPlaneAllowedCidrs.forEach((c, i) => {
        const why = c === "0.0.0.0/0" ? 'found "0.0.0.0/0"; the whole internet is not allowed, list your runner or VPN egress ranges' : cidrReason(c);
        if (why) {
            fail(`controlPlaneAllowedCidrs[${i}]`, why);
        }
    });
    environmentProblems(a, fail);
    retentionProblems(a.retention, fail);
    tagProblems(a.tags, fail);
    return problems;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validateDoksClusterArgs(args: DoksClusterArgs): void {
    throwArgProblems("DoksCluster", doksClusterArgProblems(args));
}
