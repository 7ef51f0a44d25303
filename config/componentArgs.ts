/**
 * The stack's mapper: turns a validated `StackConfig` (config/parse.ts) into the components'
 * arguments, the way a platform team's own program would write them. The components own their API
 * (components/<cloud>/args.ts, components/platform/args.ts); this module only decides which stack
 * value goes where. Type imports only: loading it loads no cloud SDK.
 */
import type { EksClusterArgs } from "../components/aws/args";
import type { AksClusterArgs } from "../components/azure/args";
import type { ClusterArgsBase } from "../components/clusterArgs";
import { DR_OFF } from "../components/defaults";
import type { ClusterTarget } from "../components/contract";
import type { DoksClusterArgs } from "../components/digitalocean/args";
import type { ExistingClusterArgs } from "../components/existing/args";
import type { GkeClusterArgs } from "../components/gcp/args";
import type { PlatformArgs } from "../components/platform/args";
import type { StackConfig, StackConfigOf } from "./types";

/** The name every stack's components derive their resource names from: `agents-<stack>`. */
export function componentName(c: Pick<StackConfig, "stack">): string {
    return `agents-${c.stack}`;
}

/** The arguments every managed cluster shares; tags gain `managed-by: pulumi` and `stack: <stack>`. */
export function clusterArgs(c: StackConfig): Required<ClusterArgsBase> {
    return {
        environment: c.environment,
        zones: c.zones,
        kubernetesVersion: c.kubernetesVersion,
        nodePools: c.nodePools,
        network: c.network,
        endpoint: c.endpoint,
        retention: c.retention,
        protectStateful: c.protectStateful,
        tags: { ...c.tags, "managed-by": "pulumi", stack: c.stack },
    };
}

/** `EksCluster`'s arguments for an AWS stack. */
export function eksClusterArgs(c: StackConfigOf<"aws">): EksClusterArgs {
    return { ...clusterArgs(c), region: c.region, drRegion: c.drRegion ?? DR_OFF, adminPrincipalArns: c.aws.adminPrincipalArns };
}

/** `GkeCluster`'s arguments for a GCP stack. */
export function gkeClusterArgs(c: StackConfigOf<"gcp">): GkeClusterArgs {
    return { ...clusterArgs(c), project: c.gcp.project, region: c.region, drRegion: c.drRegion ?? DR_OFF };
}

/** `AksCluster`'s arguments for an Azure stack. */
export function aksClusterArgs(c: StackConfigOf<"azure">): AksClusterArgs {
    return {
        ...clusterArgs(c),
        location: c.region,
        drRegion: c.drRegion ?? DR_OFF,
        adminGroupObjectIds: c.azure.adminGroupObjectIds,
        tier: c.azure.tier,
        kubeloginMode: c.azure.kubeloginMode,
    };
}

/** `DoksCluster`'s arguments for a DigitalOcean stack. */
export function doksClusterArgs(c: StackConfigOf<"digitalocean">): DoksClusterArgs {
    return { ...clusterArgs(c), region: c.region, ...c.digitalocean };
}

/** `ExistingCluster`'s arguments for a stack on an existing cluster (its `existing` section and `zones`). */
export function existingClusterArgs(c: StackConfigOf<"existing">): ExistingClusterArgs {
    return { ...c.existing, zones: c.zones };
}

/** `Platform`'s arguments: the `platform` section (but `thirdPartyCharts`, which is no argument) and the stack-wide settings. */
export function platformArgs(c: StackConfig, target: ClusterTarget): PlatformArgs {
    const p = c.platform;
    return {
        target,
        domain: p.domain,
        acmeEmail: p.acmeEmail,
        issuer: p.issuer,
        jamie: p.jamie,
        scarlet: p.scarlet,
        addons: p.addons,
        chartMirror: p.chartMirror,
        agentEgressCidrs: p.agentEgressCidrs,
        clusterCidrs: p.clusterCidrs,
        retention: c.retention,
        environment: c.environment,
        protectStateful: c.protectStateful,
        alerting: c.alerting,
        passwordRotationDays: c.passwordRotationDays,
    };
}
