/**
 * Operations settings of a stack (issue 14): where the backup store's cross-region copy lives
 * (`drRegion`), who hears the alerts (`alerting`) and how often generated passwords rotate
 * (`passwordRotationDays`). Pure: `parseOperations` judges the raw values with the shared Reader
 * and records every problem, naming the key.
 */
import { gcsMultiRegion } from "../components/gcp/helpers";
import { DEFAULT_PASSWORD_ROTATION_DAYS, EMAIL, SLACK_CHANNEL, SMARTHOST } from "../components/platform/args";
import type { AlertingConfig, Cloud, Environment } from "../components/types";
import { DR_OFF, DR_PAIRS } from "../components/defaults";
import type { Reader } from "./reader";

export { DR_OFF, DR_PAIRS };

/** Keys of the `alerting` section. */
export const ALERTING_KEYS = [
    "slackWebhookUrl",
    "slackChannel",
    "pagerDutyRoutingKey",
    "emailTo",
    "emailFrom",
    "smtpSmarthost",
    "smtpUsername",
    "smtpPassword",
    "heartbeatUrl",
] as const;
/** Keys of `alerting` that hold credentials: plaintext values are refused. */
export const ALERTING_SECRET_KEYS = ["slackWebhookUrl", "pagerDutyRoutingKey", "smtpPassword", "heartbeatUrl"] as const;

const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]+$/;
const PAGERDUTY_KEY = /^[A-Za-z0-9]{32}$/;

/**
 * What the offline preview puts in place of an encrypted value it cannot decrypt
 * (preview/stackFile.ts `OFFLINE_SECRET_PLACEHOLDER`; a test keeps the two equal): accepted
 * wherever a secret's shape is checked, so a stack with real `secure:` receivers previews offline.
 */
export const OFFLINE_SECRET = "offline-preview-placeholder";

/** The validated operations settings. */
export interface OperationsConfig {
    drRegion?: string;
    alerting: AlertingConfig;
    passwordRotationDays: number;
}

/**
 * Validates `drRegion`, `alerting` and `passwordRotationDays`. `drRegion` defaults to the pair of
 * `region` in prod (DR_PAIRS) and to off in dev; `none` switches it off.
 */
export function parseOperations(
    r: Reader,
    raw: { drRegion?: unknown; alerting?: unknown; passwordRotationDays?: unknown },
    ctx: { cloud: Cloud | undefined; environment: Environment | undefined; region: string; regionPattern?: RegExp },
): OperationsConfig {
    return {
        drRegion: parseDrRegion(r, raw.drRegion, ctx),
        alerting: parseAlerting(r, raw.alerting),
        // The CLI hands top-level numbers over as text ("90").
        passwordRotationDays:
            r.integer(
                "passwordRotationDays",
                typeof raw.passwordRotationDays === "string" && /^\d{1,6}$/.test(raw.passwordRotationDays)
                    ? Number(raw.passwordRotationDays)
                    : raw.passwordRotationDays,
                1,
                3650,
            ) ?? DEFAULT_PASSWORD_ROTATION_DAYS,
    };
}

function parseDrRegion(
    r: Reader,
    value: unknown,
    ctx: { cloud: Cloud | undefined; environment: Environment | undefined; region: string; regionPattern?: RegExp },
): string | undefined {
    const { cloud, region } = ctx;
    const prod = ctx.environment === "prod";
    if (cloud === undefined) {
        return undefined;
    }
    if (cloud === "existing" || cloud === "digitalocean") {
        if (value !== undefined && value !== DR_OFF) {
            const why =
                cloud === "existing"
                    ? "an existing cluster's object store is not managed here: replicate it with the store's own tool"
                    : "DigitalOcean Spaces has no cross-region replication (docs/clouds.md)";
            r.fail("drRegion", `found ${r.show("drRegion", value)}; not supported with cloud ${cloud} (${why}), remove it or set "${DR_OFF}"`);
        }
        return undefined;
    }
    const pairs = DR_PAIRS[cloud];
    if (value === undefined) {
        if (!prod) {
            return undefined;
        }
        const pair = pairs[region];
        if (pair === undefined && region) {
            r.fail(
                "drRegion",
                `missing; production stacks copy backups to a second region and ${cloud} region ${region} has no default pair here, set drRegion to a ${cloud} region (or "${DR_OFF}", which the policy pack rejects in prod)`,
            );
        }
        return pair;
    }
    const v = r.string("drRegion", value, { maxLength: 64 });
    if (v === undefined || v === DR_OFF) {
        return undefined;
    }
    if (ctx.regionPattern && !ctx.regionPattern.test(v)) {
        r.fail("drRegion", `found ${r.show("drRegion", v)}; must be a ${cloud} region name or "${DR_OFF}"`);
        return undefined;
    }
    if (v === region) {
        r.fail("drRegion", `found ${r.show("drRegion", v)}, the cluster's own region; a disaster-recovery copy must be in another region`);
        return undefined;
    }
    if (cloud === "azure" && pairs[region] !== v) {
        r.fail(
            "drRegion",
            `found ${r.show("drRegion", v)}; on Azure the copy is geo-zone-redundant storage, which replicates only to the region's pair${pairs[region] ? ` (${region}: ${pairs[region]})` : ` and ${region} has none in the table`}, allowed: ${pairs[region] ?? "(none)"} or "${DR_OFF}"`,
        );
        return undefined;
    }
    if (cloud === "gcp" && (gcsMultiRegion(v) === undefined || gcsMultiRegion(v) !== gcsMultiRegion(region))) {
        r.fail(
            "drRegion",
            `found ${r.show("drRegion", v)}; a configurable dual-region bucket needs both regions in one of the EU, US or ASIA multi-regions, with ${region}${gcsMultiRegion(region) ? ` (${gcsMultiRegion(region)})` : ""}`,
        );
        return undefined;
    }
    return v;
}

function parseAlerting(r: Reader, value: unknown): AlertingConfig {
    const o = r.object("alerting", value) ?? {};
    r.noUnknownKeys("alerting", o, ALERTING_KEYS);
    const key = (k: string): string => `alerting.${k}`;
    for (const k of ALERTING_SECRET_KEYS) {
        if (o[k] !== undefined && !r.isSecret(key(k))) {
            r.fail(key(k), `found a plain value; it is a credential, set it with \`pulumi config set --secret --path ${key(k)} <value>\``);
        }
    }
    const secretString = (k: (typeof ALERTING_SECRET_KEYS)[number], pattern: RegExp, describe: string): string | undefined =>
        o[k] === undefined || !r.isSecret(key(k))
            ? undefined
            : o[k] === OFFLINE_SECRET
              ? OFFLINE_SECRET
              : r.string(key(k), o[k], { secret: true, pattern, describe });
    const out: AlertingConfig = {
        slackWebhookUrl: secretString("slackWebhookUrl", SLACK_WEBHOOK, "a Slack incoming-webhook URL (https://hooks.slack.com/services/...)"),
        slackChannel: r.string(key("slackChannel"), o.slackChannel, { pattern: SLACK_CHANNEL, describe: "a Slack channel such as #platform-alerts" }),
        pagerDutyRoutingKey: secretString("pagerDutyRoutingKey", PAGERDUTY_KEY, "a PagerDuty Events API v2 integration (routing) key: 32 letters and digits"),
        emailTo: r.string(key("emailTo"), o.emailTo, { pattern: EMAIL, describe: "an e-mail address" }),
        emailFrom: r.string(key("emailFrom"), o.emailFrom, { pattern: EMAIL, describe: "an e-mail address" }),
        smtpSmarthost: r.string(key("smtpSmarthost"), o.smtpSmarthost, {
            pattern: SMARTHOST,
            describe: "host:port of an SMTP relay such as smtp.example.com:587",
        }),
        smtpUsername: r.string(key("smtpUsername"), o.smtpUsername, { maxLength: 256 }),
        smtpPassword: secretString("smtpPassword", /^.+$/s, "a password"),
        heartbeatUrl: secretString(
            "heartbeatUrl",
            /^https:\/\/\S+$/,
            "an https:// URL of a dead-man's-switch service (healthchecks.io, Dead Man's Snitch, a PagerDuty or Opsgenie heartbeat)",
        ),
    };
    if (out.emailTo !== undefined) {
        for (const k of ["emailFrom", "smtpSmarthost"] as const) {
            if (o[k] === undefined) {
                r.fail(key(k), `missing; e-mail alerts (alerting.emailTo) need alerting.emailFrom and alerting.smtpSmarthost`);
            }
        }
    } else {
        for (const k of ["emailFrom", "smtpSmarthost", "smtpUsername", "smtpPassword"] as const) {
            if (o[k] !== undefined) {
                r.fail(key(k), "found, but alerting.emailTo is not set; set emailTo or remove it");
            }
        }
    }
    if (out.slackChannel !== undefined && o.slackWebhookUrl === undefined) {
        r.fail(key("slackChannel"), "found, but alerting.slackWebhookUrl is not set; set the webhook (secret) or remove it");
    }
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as AlertingConfig;
}
