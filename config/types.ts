/**
 * The typed, validated shape of one stack's configuration: what a `Pulumi.<stack>.yaml` file says,
 * after config/parse.ts has checked every key and filled every default. It is the stack program's
 * own shape, not the components' API: config/componentArgs.ts maps it onto the components'
 * arguments (the domain types below come from components/types.ts).
 *
 * `config/index.ts` is the only module that reads `pulumi.Config`; it hands the raw values to
 * `parseStackConfig` (config/parse.ts), which returns a `StackConfig` or throws one
 * `StackConfigError` listing every problem at once.
 */
import type { ExistingClusterArgs } from "../components/existing/args";
import type { ResolvedClusterArgs } from "../components/clusterArgs";
import type { AgentImage, AlertingConfig, Cloud, IssuerName, OptionalAddons } from "../components/types";

/** The stack file's `platform` section, defaults filled in. */
export interface PlatformConfig {
    /** Base DNS domain; Jamie is `jamie.<domain>`, Grafana `grafana.<domain>`. */
    domain: string;
    /** Contact e-mail for Let's Encrypt. */
    acmeEmail: string;
    /** Issuer for the public hostnames. @default "letsencrypt-prod" */
    issuer: IssuerName;
    jamie: AgentImage;
    scarlet: AgentImage;
    /** Optional add-ons. @default all off */
    addons: OptionalAddons;
    /**
     * Install third-party charts (cert-manager, the gateway, databases, observability). Off only for
     * runs that cannot fetch charts and have no chart mirror (the offline end-to-end run); the local
     * charts always install. Not a component argument: the stack program switches the charts off
     * with components/platform/charts.ts `setThirdPartyCharts`. @default true
     */
    thirdPartyCharts: boolean;
    /** Where third-party charts come from (PlatformArgs.chartMirror). Absent: each chart's public repository. */
    chartMirror?: string;
    /** Where Jamie, Scarlet and Ollama may open HTTPS connections (PlatformArgs.agentEgressCidrs). @default ["0.0.0.0/0"] */
    agentEgressCidrs: string[];
    /** The cluster's own ranges (VPC, pods, services), from `network`; excepted from agent egress. Filled by the config parser. */
    clusterCidrs: string[];
}

/** AWS specifics (the `aws` section). */
export interface AwsConfig {
    /** IAM principals (role/user ARNs) given cluster-admin through EKS access entries. */
    adminPrincipalArns: string[];
}

/** Google Cloud specifics (the `gcp` section). */
export interface GcpConfig {
    /** Project ID. */
    project: string;
}

/** Azure specifics (the `azure` section). */
export interface AzureConfig {
    /** Entra ID group object IDs that get cluster-admin through Azure RBAC. */
    adminGroupObjectIds: string[];
    /** AKS pricing tier: Standard (financially backed SLA) or Premium (LTS). @default "Standard" */
    tier: "Standard" | "Premium";
    /**
     * How the exported kubeconfig's `kubelogin get-token --login <mode>` gets a token: `azurecli`
     * (a person after `az login`), `workloadidentity`, `msi` or `spn` (CI).
     * @default "azurecli"
     */
    kubeloginMode: "azurecli" | "workloadidentity" | "msi" | "spn";
}

/** DigitalOcean specifics (the `digitalocean` section). */
export interface DigitalOceanConfig {
    /** CIDRs besides the VPC allowed through the DOKS control-plane firewall. @default [] */
    controlPlaneAllowedCidrs: string[];
    /** Spaces region of the object store. @default `region` */
    spacesRegion: string;
}

/** An existing cluster reached by kubeconfig (the `existing` section): ExistingClusterArgs but the zones, which are the stack's `zones`. */
export type ExistingClusterConfig = Omit<ExistingClusterArgs, "zones">;

/** What every stack has, whatever its cloud: the cluster arguments every cloud shares, defaults filled in, and the rest. */
export interface StackConfigBase extends ResolvedClusterArgs {
    /** The Pulumi stack name. */
    stack: string;
    /** Cloud region / location (empty for `existing`). */
    region: string;
    platform: PlatformConfig;
    /**
     * Region (Azure: the paired region) holding the cross-region copy of the backup store; absent
     * when the copy is off (`drRegion: none`, dev by default, DigitalOcean and existing clusters).
     * Default in prod: `DR_PAIRS` in config/operations.ts.
     */
    drRegion?: string;
    /** Alertmanager receivers. Default: none (a prod stack without one gets an advisory). */
    alerting: AlertingConfig;
    /** Days after which generated passwords are replaced on the next `pulumi up`. @default 90 */
    passwordRotationDays: number;
}

/**
 * The whole, validated stack configuration, keyed by cloud: `cloud` says which one section is
 * there (`aws`, `gcp`, `azure`, `digitalocean` or `existing`), so a `switch (cfg.cloud)` reaches
 * its section without a non-null assertion.
 */
export type StackConfig =
    | (StackConfigBase & { cloud: "aws"; aws: AwsConfig })
    | (StackConfigBase & { cloud: "gcp"; gcp: GcpConfig })
    | (StackConfigBase & { cloud: "azure"; azure: AzureConfig })
    | (StackConfigBase & { cloud: "digitalocean"; digitalocean: DigitalOceanConfig })
    | (StackConfigBase & { cloud: "existing"; existing: ExistingClusterConfig });

/** The stack configuration of one cloud. */
export type StackConfigOf<C extends Cloud> = Extract<StackConfig, { cloud: C }>;
