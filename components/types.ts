/**
 * The domain types every component shares: environments, node pools and their roles, network and
 * endpoint layout, retention figures, agent images, issuers, add-ons and alert receivers. Pure
 * types and their allowed values; no Pulumi. Each component's own arguments live next to it
 * (components/aws/eksCluster.ts `EksClusterArgs`, components/platform/platform.ts `PlatformArgs`,
 * ...); the stack program's config/ maps a stack file onto them and is never imported from here.
 */

/** Where a cluster runs. `existing` is any conformant cluster reached by kubeconfig. */
export type Cloud = "aws" | "gcp" | "azure" | "digitalocean" | "existing";
export const CLOUDS: readonly Cloud[] = ["aws", "gcp", "azure", "digitalocean", "existing"];

/**
 * `prod` gets the production sizes (REQUIREMENTS.md "Cluster": at least 3 nodes over 3 zones, 4 vCPU
 * / 16 GiB / 100 GB per node) and the policy pack's mandatory sizing rules; `dev` the seed's minimum
 * viable environment (two 2 vCPU / 8 GiB nodes), allowed only where the sizing rules are advisory.
 */
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
    /** Autoscaler minimum for the whole pool (all zones together), nodes. */
    minNodes: number;
    /** Autoscaler maximum for the whole pool, nodes. */
    maxNodes: number;
    /** Initial size, nodes; between min and max. */
    desiredNodes: number;
    /** Root/OS disk size in GB (SSD). On DigitalOcean the droplet size fixes it (the catalogue's figure). */
    diskSizeGb: number;
}

/** How private nodes reach the internet: a NAT gateway per zone (zone-redundant) or one shared (cheaper, not zone-redundant). */
export type NatGatewayLayout = "perZone" | "single";

/** The cluster's network. */
export interface NetworkConfig {
    /** Address space of the VPC / VNet, an IPv4 CIDR such as `10.40.0.0/16`. */
    cidr: string;
    /** Pod address range (GKE secondary range, AKS overlay pod CIDR, DOKS cluster subnet; unused on EKS). */
    podCidr: string;
    /** Service address range. */
    serviceCidr: string;
    /** One NAT gateway per zone (prod) or a single shared one (dev, cheaper, not zone-redundant). */
    natGateways: NatGatewayLayout;
}

/** Access to the Kubernetes API server. */
export interface EndpointConfig {
    /** Whether the API server has a public endpoint. Must be false in prod (the policy pack rejects it). */
    publicAccess: boolean;
    /** IPv4 CIDRs allowed to reach the public endpoint (required when publicAccess is true; never 0.0.0.0/0). */
    publicAccessCidrs: string[];
}

/** Retention figures (REQUIREMENTS.md "Data protection and recovery"), in days unless named otherwise. */
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
    /** Repository without a tag, e.g. `ghcr.io/acme/jamie`. */
    repository: string;
    /** Pinned tag such as `1.4.2`; never `latest`. */
    tag: string;
}

/** Which certificate issuer public hostnames use. */
export type IssuerName = "letsencrypt-prod" | "letsencrypt-staging" | "private-ca";
export const ISSUERS: readonly IssuerName[] = ["letsencrypt-prod", "letsencrypt-staging", "private-ca"];

/** Optional add-ons (REQUIREMENTS.md: off by default, switchable per stack). */
export interface OptionalAddons {
    /** Argo CD (GitOps). */
    argocd: boolean;
    /** Istio in ambient mode (mTLS between the platform's services). */
    istio: boolean;
    /** Falco (runtime threat detection). */
    falco: boolean;
    /** External Secrets Operator. */
    externalSecrets: boolean;
    /** Velero: weekly configuration backups (Kubernetes objects and Secrets) to the object store, kept `retention.configBackupWeeks`. */
    velero: boolean;
}
export const ADDON_NAMES: readonly (keyof OptionalAddons)[] = ["argocd", "istio", "falco", "externalSecrets", "velero"];

/**
 * Who hears the alerts (Alertmanager receivers). Credentials (the Slack webhook, the PagerDuty
 * routing key, the SMTP password, the heartbeat URL) should be Pulumi secrets; they stay secrets
 * inside the `monitoring/alertmanager-config` Secret.
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
