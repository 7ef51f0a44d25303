/**
 * The platform layer: everything the agents need on any ClusterTarget. `Platform` composes the
 * parts; each part is exported for programs that compose differently.
 */
export { Platform, platformNamespaces, alertingWarnings } from "./platform";
export {
    DEFAULT_PASSWORD_ROTATION_DAYS,
    DNS_NAME,
    EMAIL,
    hasReceiver,
    IMAGE_REPO,
    IMAGE_TAG,
    NO_ADDONS,
    platformArgProblems,
    resolvePlatformArgs,
    SLACK_CHANNEL,
    SMARTHOST,
    validatePlatformArgs,
    type PlatformArgs,
    type ResolvedPlatformArgs,
} from "./args";
export { Foundation, type FoundationArgs, type NamespaceSpec } from "./foundation";
export { CertManager, type CertManagerArgs, ISSUER_NAMES } from "./certManager";
export { Edge, GatewayController, type EdgeArgs, type GatewayControllerArgs, type PublicRoute } from "./edge";
export { Agents, type AgentsArgs } from "./agents";
export { Addons, type AddonsArgs, ADDON_LAYOUT } from "./addons";
export { CHARTS, chartTable, skippedCharts, installChart, setThirdPartyCharts, thirdPartyChartsInstalled, type ChartKey, type ChartSpec } from "./charts";
export { LAYOUT, FLOWS, publicHostnames, serviceHost } from "./layout";
export { DataServices } from "./data";
export { Observability } from "./observability";
