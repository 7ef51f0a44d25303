/**
 * The platform layer: everything the agents need on any ClusterTarget. `Platform` composes the
 * parts; each part is exported for programs that compose differently.
 */
export { Platform, platformNamespaces, type PlatformArgs } from "./platform";
export { Foundation, type FoundationArgs, type NamespaceSpec } from "./foundation";
export { CertManager, type CertManagerArgs, ISSUER_NAMES } from "./certManager";
export { Edge, GatewayController, type EdgeArgs, type GatewayControllerArgs, type PublicRoute } from "./edge";
export { Agents, type AgentsArgs } from "./agents";
export { Addons, type AddonsArgs, ADDON_LAYOUT } from "./addons";
export { CHARTS, chartTable, skippedCharts, installChart, type ChartKey, type ChartSpec } from "./charts";
export { LAYOUT, FLOWS, publicHostnames, serviceHost } from "./layout";
export { DataServices } from "./data";
export { Observability } from "./observability";
