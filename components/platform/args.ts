/**
 * The API of `Platform`: its arguments, their defaults (resolved once by `resolvePlatformArgs` at
 * the top of the constructor) and their validation (`platformArgProblems`, pure: every problem at
 * once, naming the argument, the value found and what is allowed).
 */
import { cidrReason, definedOnly, environmentProblem, retentionProblems } from "../clusterArgs";
import type { ClusterTarget } from "../contract";
import { DEFAULT_ENVIRONMENT, DEFAULT_RETENTION } from "../defaults";
import type { AgentImage, AlertingConfig, Environment, IssuerName, OptionalAddons, RetentionConfig } from "../types";
import { ADDON_NAMES, ISSUERS } from "../types";
import { ArgProblem, ProblemList, shown, throwArgProblems } from "../validation";
import { DEFAULT_AGENT_EGRESS_CIDRS, egressDestinationDefect } from "./egress";

/**
 * Arguments of `Platform`. Required: `target`, `domain`, `acmeEmail`, `jamie` and `scarlet`;
 * everything else has a default.
 */
export interface PlatformArgs {
    /** The cluster to install onto: the `target` of any cluster component (EksCluster, GkeCluster, AksCluster, DoksCluster, ExistingCluster). */
    target: ClusterTarget;
    /** Base DNS domain, lower case; Jamie is `jamie.<domain>`, Grafana `grafana.<domain>`. */
    domain: string;
    /** Contact e-mail for Let's Encrypt (expiry notices). */
    acmeEmail: string;
    /** Jamie's image (repository and pinned tag). */
    jamie: AgentImage;
    /** Scarlet's image (repository and pinned tag). */
    scarlet: AgentImage;
    /**
     * Issuer of the public hostnames' certificates.
     * @default "letsencrypt-prod"
     */
    issuer?: IssuerName;
    /**
     * Optional add-ons to switch on; the ones left out stay off.
     * @default all off (REQUIREMENTS.md: off by default)
     */
    addons?: Partial<OptionalAddons>;
    /**
     * Where third-party charts come from instead of their public repositories, at their pinned
     * versions: a folder of `helm pull` archives (`<chart>-<version>.tgz`, as `npm run charts:mirror`
     * writes it), an OCI prefix (`oci://registry.example.com/charts`) or an HTTP(S) chart repository
     * (components/platform/charts.ts `ChartMirrorKind`). For air-gapped and regulated sites.
     * @default each chart's public repository
     */
    chartMirror?: string;
    /**
     * Where Jamie, Scarlet and Ollama may open HTTPS (TCP 443) connections: canonical IPv4 CIDRs. The
     * metadata endpoint, private, shared, loopback and the cluster's ranges are always excepted
     * (components/platform/egress.ts).
     * @default ["0.0.0.0/0"]
     */
    agentEgressCidrs?: string[];
    /**
     * The cluster's own ranges (VPC, pods, services), excepted from agent egress.
     * @default [] (the private ranges they usually sit in are excepted anyway)
     */
    clusterCidrs?: string[];
    /**
     * `prod` gets production replicas, budgets and storage sizes; `dev` the seed's minimum.
     * @default "prod"
     */
    environment?: Environment;
    /**
     * Retention figures (backups, metrics, logs, traces, conversations); keys left out take their default.
     * @default components/defaults.ts `DEFAULT_RETENTION` (REQUIREMENTS.md "Data protection and recovery")
     */
    retention?: Partial<RetentionConfig>;
    /**
     * Protect stateful resources (volumes, database clusters) from `pulumi destroy`.
     * @default true
     */
    protectStateful?: boolean;
    /**
     * Alertmanager receivers; secrets stay Pulumi secrets inside the `monitoring/alertmanager-config`
     * Secret.
     * @default {} (every alert ends at the `null` receiver, with a warning in prod)
     */
    alerting?: AlertingConfig;
    /**
     * Generated passwords are replaced on the first `pulumi up` of each period of this many days
     * (components/platform/data/common.ts `rotationKeepers`), 1 to 3650.
     * @default 90
     */
    passwordRotationDays?: number;
}

/** Default password rotation period in days (NIST SP 800-63B does not require periodic rotation; 90 days is the seed's figure). */
export const DEFAULT_PASSWORD_ROTATION_DAYS = 90;

/** Every add-on off. */
export const NO_ADDONS: Readonly<OptionalAddons> = { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false };

/** `PlatformArgs` with every default filled in. */
export interface ResolvedPlatformArgs {
    target: ClusterTarget;
    domain: string;
    acmeEmail: string;
    jamie: AgentImage;
    scarlet: AgentImage;
    issuer: IssuerName;
    addons: OptionalAddons;
    chartMirror?: string;
    agentEgressCidrs: string[];
    clusterCidrs: string[];
    environment: Environment;
    retention: RetentionConfig;
    protectStateful: boolean;
    alerting: AlertingConfig;
    passwordRotationDays: number;
}

/** Fills in every default. */
export function resolvePlatformArgs(args: PlatformArgs): ResolvedPlatformArgs {
    return {
        target: args.target,
        domain: args.domain,
        acmeEmail: args.acmeEmail,
        jamie: args.jamie,
        scarlet: args.scarlet,
        issuer: args.issuer ?? "letsencrypt-prod",
        addons: { ...NO_ADDONS, ...definedOnly(args.addons) },
        chartMirror: args.chartMirror,
        agentEgressCidrs: args.agentEgressCidrs ?? [...DEFAULT_AGENT_EGRESS_CIDRS],
        clusterCidrs: args.clusterCidrs ?? [],
        environment: args.environment ?? DEFAULT_ENVIRONMENT,
        retention: { ...DEFAULT_RETENTION, ...definedOnly(args.retention) },
        protectStateful: args.protectStateful ?? true,
        alerting: args.alerting ?? {},
        passwordRotationDays: args.passwordRotationDays ?? DEFAULT_PASSWORD_ROTATION_DAYS,
    };
}

/** A lower-case DNS name with at least two labels, e.g. `agents.example.com`. */
export const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** An e-mail address. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** A pinned image tag: not `latest`, at most 128 characters. */
export const IMAGE_TAG = /^(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/**
 * An image repository without a tag: registry host[:port] then path components. No alternative can
 * match the same text twice, so a long string that fails is rejected in linear time.
 */
export const IMAGE_REPO = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
/** SMTP relay `host:port`. */
export const SMARTHOST = /^[A-Za-z0-9.-]+:\d{1,5}$/;
/** A Slack channel, e.g. `#platform-alerts`. */
export const SLACK_CHANNEL = /^#[a-z0-9_-]{1,80}$/;

/** Every problem with `args` (after defaults); empty when they are usable. */
export function platformArgProblems(args: PlatformArgs): ArgProblem[] {
    const a = resolvePlatformArgs(args);
    const { fail, problems } = new ProblemList();
    if (!a.target || typeof a.target !== "object" || !a.target.provider) {
        fail(
            "target",
            `found ${a.target ? "an object without a provider" : "nothing"}; the ClusterTarget of a cluster component (EksCluster.target, GkeCluster.target, ...)`,
        );
    }
    if (typeof a.domain !== "string" || !DNS_NAME.test(a.domain)) {
        fail("domain", `found ${shown(a.domain)}; must be a lower-case DNS name such as agents.example.com`);
    }
    if (typeof a.acmeEmail !== "string" || !EMAIL.test(a.acmeEmail)) {
        fail("acmeEmail", `found ${shown(a.acmeEmail)}; must be an e-mail address`);
    }
    for (const agent of ["jamie", "scarlet"] as const) {
        const image = a[agent];
        if (!image || typeof image !== "object") {
            fail(agent, `found ${shown(image)}; an object with repository and tag (not latest)`);
            continue;
        }
        if (typeof image.repository !== "string" || image.repository.length > 255 || !IMAGE_REPO.test(image.repository)) {
            fail(`${agent}.repository`, `found ${shown(image.repository)}; must be an image repository such as ghcr.io/acme/${agent} (no tag)`);
        }
        if (typeof image.tag !== "string" || !IMAGE_TAG.test(image.tag)) {
            fail(`${agent}.tag`, `found ${shown(image.tag)}; must be a pinned image tag such as 1.4.2 (latest is not allowed)`);
        }
    }
    if (!ISSUERS.includes(a.issuer)) {
        fail("issuer", `found ${shown(a.issuer)}; allowed: ${ISSUERS.join(", ")}`);
    }
    for (const [k, v] of Object.entries(a.addons)) {
        if (!(ADDON_NAMES as readonly string[]).includes(k)) {
            fail(`addons.${k}`, `unknown add-on; allowed: ${ADDON_NAMES.join(", ")}`);
        } else if (typeof v !== "boolean") {
            fail(`addons.${k}`, `found ${shown(v)}; must be true or false`);
        }
    }
    if (a.chartMirror !== undefined && (typeof a.chartMirror !== "string" || a.chartMirror === "")) {
        fail("chartMirror", `found ${shown(a.chartMirror)}; a folder of helm pull archives, an oci:// prefix or an https:// chart repository`);
    }
    // Each list a list of canonical CIDRs; returns the entries that are, by index.
    const cidrs = (key: "clusterCidrs" | "agentEgressCidrs"): Map<number, string> => {
        const list = a[key];
        const ok = new Map<number, string>();
        if (!Array.isArray(list)) {
            fail(key, `found ${shown(list)}; must be a list of IPv4 CIDRs`);
            return ok;
        }
        list.forEach((c, i) => {
            const why = cidrReason(c);
            if (why) {
                fail(`${key}[${i}]`, why);
            } else {
                ok.set(i, c);
            }
        });
        return ok;
    };
    const cluster = [...cidrs("clusterCidrs").values()];
    if (Array.isArray(a.agentEgressCidrs) && a.agentEgressCidrs.length === 0) {
        fail("agentEgressCidrs", "found none; at least one destination, e.g. 0.0.0.0/0 or your services' published ranges");
    }
    for (const [i, c] of cidrs("agentEgressCidrs")) {
        if (a.agentEgressCidrs.indexOf(c) !== i) {
            fail(`agentEgressCidrs[${i}]`, `found ${JSON.stringify(c)} twice; list each destination once`);
            continue;
        }
        const why = egressDestinationDefect(c, cluster);
        if (why) {
            fail(`agentEgressCidrs[${i}]`, `found ${JSON.stringify(c)}; ${why}. Allowed: public IPv4 ranges (e.g. 140.82.112.0/20) or 0.0.0.0/0`);
        }
    }
    environmentProblem(a.environment, fail);
    retentionProblems(a.retention, fail);
    if (typeof a.protectStateful !== "boolean") {
        fail("protectStateful", `found ${shown(a.protectStateful)}; must be true or false`);
    }
    if (!Number.isInteger(a.passwordRotationDays) || a.passwordRotationDays < 1 || a.passwordRotationDays > 3650) {
        fail("passwordRotationDays", `found ${shown(a.passwordRotationDays)}; must be a whole number of days from 1 to 3650`);
    }
    alertingProblems(a.alerting, fail);
    return problems;
}

/**
 * The alert receivers' settings that are not secret (secrets are not read here: the stack program
 * checks them before they become Pulumi secrets): e-mail needs a sender and a relay, a Slack channel
 * needs the webhook.
 */
function alertingProblems(al: AlertingConfig, fail: (propertyPath: string, reason: string) => void): void {
    const text = (k: "slackChannel" | "emailTo" | "emailFrom" | "smtpSmarthost", pattern: RegExp, describe: string): void => {
        const v = al[k];
        if (v !== undefined && (typeof v !== "string" || !pattern.test(v))) {
            fail(`alerting.${k}`, `found ${shown(v)}; must be ${describe}`);
        }
    };
    text("slackChannel", SLACK_CHANNEL, "a Slack channel such as #platform-alerts");
    text("emailTo", EMAIL, "an e-mail address");
    text("emailFrom", EMAIL, "an e-mail address");
    text("smtpSmarthost", SMARTHOST, "host:port of an SMTP relay such as smtp.example.com:587");
    if (al.emailTo !== undefined) {
        for (const k of ["emailFrom", "smtpSmarthost"] as const) {
            if (al[k] === undefined) {
                fail(`alerting.${k}`, "missing; e-mail alerts (alerting.emailTo) need alerting.emailFrom and alerting.smtpSmarthost");
            }
        }
    } else {
        for (const k of ["emailFrom", "smtpSmarthost", "smtpUsername", "smtpPassword"] as const) {
            if (al[k] !== undefined) {
                fail(`alerting.${k}`, "found, but alerting.emailTo is not set; set emailTo or remove it");
            }
        }
    }
    if (al.slackChannel !== undefined && al.slackWebhookUrl === undefined) {
        fail("alerting.slackChannel", "found, but alerting.slackWebhookUrl is not set; set the webhook (secret) or remove it");
    }
}

/** Whether the alerting settings name at least one receiver (Slack, PagerDuty or e-mail). */
export function hasReceiver(a: AlertingConfig): boolean {
    return a.slackWebhookUrl !== undefined || a.pagerDutyRoutingKey !== undefined || a.emailTo !== undefined;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validatePlatformArgs(args: PlatformArgs): void {
    throwArgProblems("Platform", platformArgProblems(args));
}
