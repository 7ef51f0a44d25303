/**
 * Pure helpers of the DOKS component: tags in DigitalOcean's form, the version prefix of a pinned
 * minor, the control-plane firewall's addresses, node pool arguments per role, and the exec-plugin
 * kubeconfig (doctl). Everything here is plain data and tested without a cloud.
 */
import type { NodePoolSpec } from "../types";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../contract";
import { execKubeconfig } from "../kubeconfig";

/** DigitalOcean tag grammar: letters, digits, `:`, `-`, `_` and `.`, at most 255 characters. */
const TAG_CHARS = /[^a-zA-Z0-9:_.-]/g;

/**
 * DigitalOcean tags are plain strings, not key/value pairs: `{owner: "platform team"}` becomes
 * `owner:platform-team` (characters outside the tag grammar replaced by `-`), sorted.
 */
export function doTags(tags: Record<string, string>): string[] {
    return Object.entries(tags)
        .map(([k, v]) => `${k}:${v}`.replace(TAG_CHARS, "-").slice(0, 255))
        .sort();
}

/** The `getKubernetesVersions` prefix of a pinned minor: `"1.36"` -> `"1.36."` (so 1.3 never matches 1.36). */
export function versionPrefix(minor: string): string {
    if (!/^1\.\d{2}$/.test(minor)) {
        throw new Error(`kubernetesVersion ${JSON.stringify(minor)} is not a minor version such as "1.36"`);
    }
    return `${minor}.`;
}

/**
 * Addresses the control-plane firewall admits besides the worker nodes: the VPC range, the
 * configured runner/VPN ranges, and the public-access ranges when the stack opens the endpoint.
 * Deduplicated, in that order.
 */
export function firewallAllowedAddresses(
    vpcCidr: string,
    controlPlaneAllowedCidrs: readonly string[],
    endpoint: { publicAccess: boolean; publicAccessCidrs: string[] },
): string[] {
    return [...new Set([vpcCidr, ...controlPlaneAllowedCidrs, ...(endpoint.publicAccess ? endpoint.publicAccessCidrs : [])])];
}

/** One DOKS node pool's arguments (the cluster's default pool and separate pools take the same). */
export interface DoksPoolArgs {
    name: string;
    size: string;
    autoScale: true;
    minNodes: number;
    maxNodes: number;
    labels: Record<string, string>;
    taints: { key: string; value: string; effect: "NoSchedule" }[];
    tags: string[];
}

/**
 * Node pool arguments for a role: the droplet size, autoscaling between the pool's min and max
 * (no `nodeCount`: with autoscaling on, DOKS starts at the minimum and a count would fight the
 * autoscaler), the role label, and the dedicated-role taint on every pool but `system`.
 */
export function poolArgs(pool: NodePoolSpec, tags: string[]): DoksPoolArgs {
    return {
        name: pool.role,
        size: pool.instanceType,
        autoScale: true,
        minNodes: pool.minNodes,
        maxNodes: pool.maxNodes,
        labels: { [NODE_ROLE_LABEL]: pool.role },
        taints: pool.role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: pool.role, effect: "NoSchedule" }],
        tags: [...tags, `role:${pool.role}`],
    };
}

/**
 * The kubeconfig of a DOKS cluster: the API endpoint and CA, credentials from `doctl kubernetes
 * cluster kubeconfig exec-credential` (doctl's own login or `DIGITALOCEAN_ACCESS_TOKEN`), so the
 * file holds no token that expires in state (DOKS's own kubeconfig carries a 7-day token).
 */
export function buildDoksKubeconfig(a: {
    clusterName: string;
    clusterId: string;
    endpoint: string;
    certificateAuthorityData: string;
}): Record<string, unknown> {
    return execKubeconfig({
        name: `do-${a.clusterName}`,
        server: a.endpoint,
        certificateAuthorityData: a.certificateAuthorityData,
        exec: {
            command: "doctl",
            args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", a.clusterId],
            installHint:
                "Install doctl (https://docs.digitalocean.com/reference/doctl/how-to/install/) and run `doctl auth init`, or set DIGITALOCEAN_ACCESS_TOKEN.",
        },
    });
}
