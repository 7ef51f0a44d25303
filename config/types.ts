/**
 * The typed, validated shape of one stack's configuration.
 *
 * `config/index.ts` is the only module that reads `pulumi.Config`; it hands the raw values to
 * `parseStackConfig` (config/parse.ts), which returns a `StackConfig` or throws one
 * `StackConfigError` listing every problem at once. Components never see raw config.
 */

/** Where the cluster runs. `existing` is any conformant cluster reached by kubeconfig. */
export type Cloud = "aws" | "gcp" | "azure" | "digitalocean" | "existing";
export const CLOUDS: readonly Cloud[] = ["aws", "gcp", "azure", "digitalocean", "existing"];

/** `prod` gets the full production sizes and mandatory sizing policies; `dev` may be smaller. */
export type Environment = "prod" | "dev";
export const ENVIRONMENTS: readonly Environment[] = ["prod", "dev"];

/** The workload roles a node pool can serve (REQUIREMENTS.md "Workload pools sized per role"). */
export type NodeRole = "system" | "agents" | "data" | "monitoring";
export const NODE_ROLES: readonly NodeRole[] = ["system", "agents", "data", "monitoring"];

/** One node pool: a machine type, autoscaler bounds and a root disk. */
export interface NodePoolSpec {
    /** Workload role; becomes the `platform.agents.io/role` node label (and a taint for non-system roles). */
    role: NodeRole;
    /** Cloud machine type: `m6i.xlarge`, `e2-standard-4`, `custom-4-16384`, `Standard_D4s_v5`, a droplet slug `gd-4vcpu-16gb`. */
    instanceType: string;
    /** Autoscaler minimum for the whole pool (all zones together). */
    minNodes: number;
    /** Autoscaler maximum for the whole pool. */
    maxNodes: number;
    /** Initial size; between min and max. */
    desiredNodes: number;
    /** Root/OS disk size in GB (SSD). On DigitalOcean the droplet size fixes it (the catalogue's figure). */
    diskSizeGb: number;
}

/** The cluster's network. */
export interface NetworkConfig {
    /** Address space of the VPC / VNet, e.g. `10.40.0.0/16`. */
    cidr: string;
    /** Pod address range (GKE secondary range, AKS overlay pod CIDR). */
    podCidr: string;
    /** Service address range. */
    serviceCidr: string;
    /** One NAT gateway per zone (prod) or a single shared one (dev, cheaper, not zone-redundant). */
    natGateways: "perZone" | "single";
}

/** Access to the Kubernetes API server. */
export interface EndpointConfig {
    /** Whether the API server has a public endpoint. Must be false in prod. */
    publicAccess: boolean;
    /** CIDRs allowed to reach the public endpoint (required when publicAccess is true). */
    publicAccessCidrs: string[];
}

/** Retention figures (REQUIREMENTS.md "Retention"), in days unless named otherwise. */
export interface RetentionConfig {
    /** Database backups (daily), days. */
    backupDays: number;
    /** Configuration backups (weekly), weeks. */
    configBackupWeeks: number;
    /** Prometheus metrics, days. */
    metricsDays: number;
    /** Operation logs (Loki), days. */
    logsDays: number;
    /** Traces (Tempo), days. */
    tracesDays: number;
    /** Control-plane audit logs, days. */
    auditLogDays: number;
    /** Agent conversation history, days. */
    conversationDays: number;
}

/** An image reference for an in-house agent. */
export interface AgentImage {
    /** Repository, e.g. `ghcr.io/acme/jamie`. */
    repository: string;
    /** Tag; never `latest`. */
    tag: string;
}

/** Which certificate issuer public hostnames use. */
export type IssuerName = "letsencrypt-prod" | "letsencrypt-staging" | "private-ca";
export const ISSUERS: readonly IssuerName[] = ["letsencrypt-prod", "letsencrypt-staging", "private-ca"];

/** Optional add-ons, each off by default. */
export interface OptionalAddons {
    argocd: boolean;
    istio: boolean;
    falco: boolean;
    externalSecrets: boolean;
}

/** Settings of the platform layer (components/platform). */
export interface PlatformConfig {
    /** Base DNS domain; Jamie is `jamie.<domain>`, Grafana `grafana.<domain>`. */
    domain: string;
    /** Contact e-mail for Let's Encrypt. */
    acmeEmail: string;
    /** Issuer for the public hostnames. */
    issuer: IssuerName;
    jamie: AgentImage;
    scarlet: AgentImage;
    /** Optional add-ons. */
    addons: OptionalAddons;
    /**
     * Install third-party charts (cert-manager, the gateway, databases, observability). Off only for
     * runs that cannot fetch charts (the offline end-to-end run); the local charts always install.
     */
    thirdPartyCharts: boolean;
    /**
     * Where third-party charts come from instead of their public repositories, at their pinned
     * versions: a folder of `helm pull` archives (`<chart>-<version>.tgz`, as `npm run charts:mirror`
     * writes it), an OCI prefix (`oci://registry.example.com/charts`) or an HTTP(S) chart repository.
     * For air-gapped and regulated sites. Absent: each chart's public repository.
     */
    chartMirror?: string;
}

/** AWS specifics. */
export interface AwsConfig {
    /** IAM principals (role/user ARNs) given cluster-admin through EKS access entries. */
    adminPrincipalArns: string[];
}

/** Google Cloud specifics. */
export interface GcpConfig {
    /** Project ID. */
    project: string;
}

/** Azure specifics. */
export interface AzureConfig {
    /** Entra ID group object IDs that get cluster-admin through Azure RBAC. */
    adminGroupObjectIds: string[];
    /** AKS pricing tier: Standard (financially backed SLA) or Premium (LTS). */
    tier: "Standard" | "Premium";
    /**
     * How the exported kubeconfig's `kubelogin get-token --login <mode>` gets a token: `azurecli`
     * (a person after `az login`), `workloadidentity`, `msi` or `spn` (CI).
     * @default "azurecli"
     */
    kubeloginMode: "azurecli" | "workloadidentity" | "msi" | "spn";
}

/** DigitalOcean specifics. */
export interface DigitalOceanConfig {
    /**
     * Addresses (CIDRs) besides the VPC allowed through the DOKS control-plane firewall: the egress
     * addresses of whatever runs `pulumi up` and `kubectl` (a CI runner, a VPN). DOKS has no private
     * API endpoint; the firewall is what keeps the API off the internet. Default: none.
     */
    controlPlaneAllowedCidrs: string[];
    /** Spaces region of the object store (Spaces exists in fewer regions than DOKS). Default: `region`. */
    spacesRegion: string;
}

/** An S3-compatible object store for an existing cluster. */
export interface S3CompatibleStore {
    endpoint: string;
    bucket: string;
    region: string;
    /** Access key ID (secret). */
    accessKeyId: string;
    /** Secret access key (secret). */
    secretAccessKey: string;
}

/** An existing cluster reached by kubeconfig. */
export interface ExistingClusterConfig {
    /** Inline kubeconfig (a secret config value); or use kubeconfigPath. */
    kubeconfig?: string;
    /** Path to a kubeconfig file; or use kubeconfig. */
    kubeconfigPath?: string;
    /** Context inside the kubeconfig; default: its current context. */
    context?: string;
    /** Name of an existing StorageClass on that cluster that provisions encrypted SSD volumes. */
    storageClass: string;
    /** Object store for backups, logs and traces; absent means backups are disabled (with a warning). */
    objectStore?: S3CompatibleStore;
    /**
     * Write manifests to this directory instead of applying them (`renderYamlToDirectory`), for
     * offline end-to-end runs. No cluster is contacted.
     */
    renderYamlToDirectory?: string;
}

/**
 * Who hears the alerts (Alertmanager receivers). Credentials (the Slack webhook, the PagerDuty
 * routing key, the SMTP password) must be `secure:` config values; config/operations.ts refuses
 * plaintext ones (exit 2, naming the key).
 */
export interface AlertingConfig {
    /** Slack incoming-webhook URL (secret). */
    slackWebhookUrl?: string;
    /** Slack channel, e.g. `#platform-alerts` (default: the webhook's own channel). */
    slackChannel?: string;
    /** PagerDuty Events API v2 routing (integration) key (secret). */
    pagerDutyRoutingKey?: string;
    /** E-mail recipient of alerts. */
    emailTo?: string;
    /** Sender address (required with emailTo). */
    emailFrom?: string;
    /** SMTP relay `host:port` (required with emailTo). */
    smtpSmarthost?: string;
    /** SMTP user name. */
    smtpUsername?: string;
    /** SMTP password (secret). */
    smtpPassword?: string;
    /**
     * Dead-man's-switch URL (secret): Alertmanager posts the always-firing `Watchdog` alert there
     * every 5 minutes; the service pages when the posts stop (Prometheus or Alertmanager is down).
     */
    heartbeatUrl?: string;
}

/** The whole, validated stack configuration. */
export interface StackConfig {
    /** The Pulumi stack name. */
    stack: string;
    cloud: Cloud;
    environment: Environment;
    /** Cloud region / location (empty for `existing`). */
    region: string;
    /** Zones the cluster spans. */
    zones: string[];
    /** Kubernetes minor version, e.g. `1.33`. */
    kubernetesVersion: string;
    nodePools: NodePoolSpec[];
    network: NetworkConfig;
    endpoint: EndpointConfig;
    retention: RetentionConfig;
    /** Protect stateful resources (keys, buckets, volumes) from `pulumi destroy`. */
    protectStateful: boolean;
    /** Tags / labels put on every cloud resource. */
    tags: Record<string, string>;
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
    aws?: AwsConfig;
    gcp?: GcpConfig;
    azure?: AzureConfig;
    digitalocean?: DigitalOceanConfig;
    existing?: ExistingClusterConfig;
}
