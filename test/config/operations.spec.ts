import * as assert from "assert";
import { parseStackConfig, StackConfigError } from "../../config";
import { DR_PAIRS } from "../../config/operations";
import { goodAws } from "./fixtures";

function parse(raw: Record<string, unknown>, secretKeys: string[] = []) {
    return parseStackConfig("t", raw, new Set(secretKeys));
}

function problem(raw: Record<string, unknown>, key = "drRegion", secretKeys: string[] = []): string {
    try {
        parse(raw, secretKeys);
    } catch (e) {
        assert.ok(e instanceof StackConfigError, String(e));
        const hit = e.problems.find((p) => p.key === key);
        assert.ok(hit, `no problem for ${key}: ${JSON.stringify(e.problems)}`);
        return hit.message;
    }
    return assert.fail(`expected ${key} to be rejected`);
}

/** goodAws() turned into another cloud's stack (its own section instead of aws). */
function other(changes: Record<string, unknown>): Record<string, unknown> {
    const { aws: _aws, ...rest } = goodAws();
    void _aws;
    return { ...rest, ...changes };
}

const GCP = {
    cloud: "gcp",
    environment: "prod",
    region: "europe-west4",
    zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
    gcp: { project: "acme-agents-prod" },
};
const AZURE = {
    cloud: "azure",
    environment: "prod",
    region: "westeurope",
    zones: ["1", "2", "3"],
    azure: { adminGroupObjectIds: ["00000000-0000-4000-8000-000000000001"] },
};
const SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";

describe("stack config: drRegion (cross-region copy of the backup store)", () => {
    it("defaults to the region's pair in prod and to off in dev", () => {
        assert.strictEqual(parse(goodAws()).drRegion, DR_PAIRS.aws["eu-west-1"]);
        assert.strictEqual(parse({ ...goodAws(), environment: "dev" }).drRegion, undefined);
        assert.strictEqual(parse(other({ ...GCP })).drRegion, "europe-west1");
        assert.strictEqual(parse(other({ ...AZURE })).drRegion, "northeurope");
    });
    it('"none" switches it off (the policy pack, not the config, rejects that in prod)', () => {
        assert.strictEqual(parse({ ...goodAws(), drRegion: "none" }).drRegion, undefined);
    });
    it("takes another region, also in dev", () => {
        assert.strictEqual(parse({ ...goodAws(), environment: "dev", drRegion: "eu-central-1" }).drRegion, "eu-central-1");
    });
    it("refuses the cluster's own region, a malformed region, a non-pair on Azure and a cross-continent dual-region on GCP, naming the key", () => {
        assert.match(problem({ ...goodAws(), drRegion: "eu-west-1" }), /the cluster's own region/);
        assert.match(problem({ ...goodAws(), drRegion: "Frankfurt" }), /must be a aws region name/);
        assert.match(problem(other({ ...AZURE, drRegion: "francecentral" })), /allowed: northeurope/);
        assert.match(problem(other({ ...GCP, drRegion: "us-central1" })), /EU, US or ASIA/);
    });
    it("asks for a region in prod where no pair is known, and refuses it on DigitalOcean", () => {
        assert.match(problem({ ...goodAws(), region: "me-south-1", zones: ["me-south-1a", "me-south-1b", "me-south-1c"] }), /no default pair/);
        assert.match(
            problem({ cloud: "digitalocean", environment: "prod", region: "fra1", drRegion: "ams3", platform: goodAws().platform }, "drRegion"),
            /Spaces has no cross-region replication/,
        );
    });
});

describe("stack config: alerting and passwordRotationDays", () => {
    it("takes secret receivers and plain addresses", () => {
        const cfg = parse(
            {
                ...goodAws(),
                alerting: {
                    slackWebhookUrl: SLACK,
                    slackChannel: "#ops",
                    pagerDutyRoutingKey: "a".repeat(32),
                    emailTo: "ops@example.com",
                    emailFrom: "am@example.com",
                    smtpSmarthost: "smtp.example.com:587",
                },
            },
            ["alerting.slackWebhookUrl", "alerting.pagerDutyRoutingKey"],
        );
        assert.deepStrictEqual(cfg.alerting, {
            slackWebhookUrl: SLACK,
            slackChannel: "#ops",
            pagerDutyRoutingKey: "a".repeat(32),
            emailTo: "ops@example.com",
            emailFrom: "am@example.com",
            smtpSmarthost: "smtp.example.com:587",
        });
    });
    it("refuses a plaintext Slack webhook, PagerDuty key or SMTP password, naming the key and never echoing it", () => {
        for (const [k, v] of [
            ["slackWebhookUrl", SLACK],
            ["pagerDutyRoutingKey", "b".repeat(32)],
        ] as const) {
            const m = problem({ ...goodAws(), alerting: { [k]: v } }, `alerting.${k}`);
            assert.match(m, /plain value.*--secret --path alerting\./);
            assert.ok(!m.includes(v), m);
        }
        assert.match(
            problem({ ...goodAws(), alerting: { emailTo: "a@b.co", emailFrom: "c@b.co", smtpSmarthost: "h:25", smtpPassword: "pw" } }, "alerting.smtpPassword"),
            /plain value/,
        );
    });
    it("refuses a webhook that is not Slack's, an e-mail without its relay, and unknown keys", () => {
        assert.match(
            problem({ ...goodAws(), alerting: { slackWebhookUrl: "https://example.com/x" } }, "alerting.slackWebhookUrl", ["alerting.slackWebhookUrl"]),
            /\[secret\].*hooks\.slack\.com/,
        );
        assert.match(
            problem({ ...goodAws(), alerting: { emailTo: "ops@example.com" } }, "alerting.smtpSmarthost"),
            /need alerting.emailFrom and alerting.smtpSmarthost/,
        );
        assert.match(problem({ ...goodAws(), alerting: { slack: SLACK } }, "alerting.slack"), /unknown key/);
    });
    it("rotates every 90 days by default; takes a number (also as CLI text) from 1 to 3650", () => {
        assert.strictEqual(parse(goodAws()).passwordRotationDays, 90);
        assert.strictEqual(parse({ ...goodAws(), passwordRotationDays: "30" }).passwordRotationDays, 30);
        assert.match(problem({ ...goodAws(), passwordRotationDays: 0 }, "passwordRotationDays"), /out of range, allowed 1 to 3650/);
        assert.match(problem({ ...goodAws(), passwordRotationDays: "soon" }, "passwordRotationDays"), /whole number/);
    });
});
