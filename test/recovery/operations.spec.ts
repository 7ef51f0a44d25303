/** Backup-age alerts, Alertmanager receivers and routes, password rotation (issue 14). */
import * as assert from "assert";
import * as YAML from "yaml";
import { passwordRotation, rotationPeriod } from "../../components/platform/data/common";
import { alertExpr } from "../../components/platform/observability/alertRules";
import { BACKUP_AGE_LIMITS, BACKUP_ALERT_GROUP } from "../../components/platform/observability/backupAlerts";
import { alertmanagerConfig, RECEIVERS } from "../../components/platform/observability/values";
import { alertingWarnings } from "../../components/platform/platform";
import { OFFLINE_SECRET } from "../../config/operations";
import { sharedRun } from "../support/stacks";
import { OFFLINE_SECRET_PLACEHOLDER } from "../../preview/stackFile";

const SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXX";
const PD = "0123456789abcdef0123456789abcdef";

describe("recovery-point alerts", () => {
    const byName = new Map(BACKUP_ALERT_GROUP.rules.map((r) => [r.alert, r]));
    it("fires when the WAL archive is older than the 1 h RPO and daily backups older than 26 h, naming the store", () => {
        assert.strictEqual(BACKUP_AGE_LIMITS.walSeconds, 3600);
        assert.strictEqual(alertExpr(byName.get("PostgresWalArchiveTooOld")!), "min by (namespace) (cnpg_pg_stat_archiver_seconds_since_last_archival) > 3600");
        assert.strictEqual(
            alertExpr(byName.get("PostgresBaseBackupTooOld")!),
            "time() - max by (namespace) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp) > 93600",
        );
        assert.strictEqual(
            alertExpr(byName.get("MongoBackupTooOld")!),
            "time() - max by (namespace) (kube_customresource_mongodb_backup_completed_timestamp) > 93600",
        );
        for (const [name, store] of [
            ["PostgresWalArchiveTooOld", "PostgreSQL"],
            ["PostgresBaseBackupTooOld", "PostgreSQL"],
            ["MongoBackupTooOld", "MongoDB"],
            ["ConfigurationBackupTooOld", "Configuration backup"],
        ]) {
            assert.ok(byName.get(name)!.summary.startsWith(store), name);
        }
    });
});

describe("Alertmanager receivers and routes from stack config", () => {
    it("without receivers every route ends at null, and a prod stack is warned (receiver and dead-man's switch)", () => {
        const c = alertmanagerConfig({}) as any;
        assert.strictEqual(c.route.receiver, RECEIVERS.none);
        assert.deepStrictEqual(
            c.receivers.map((r: any) => Object.keys(r)),
            [["name"], ["name"], ["name"], ["name"]],
        );
        assert.strictEqual(alertingWarnings("prod", {}).length, 2);
        assert.deepStrictEqual(alertingWarnings("dev", {}), []);
        assert.deepStrictEqual(alertingWarnings("prod", { slackWebhookUrl: SLACK, heartbeatUrl: "https://hc-ping.com/x" }), []);
    });
    it("pages PagerDuty only for critical alerts, sends warnings to Slack and e-mail, and Watchdog to the heartbeat every 5 minutes", () => {
        const c = alertmanagerConfig({
            slackWebhookUrl: SLACK,
            slackChannel: "#ops",
            pagerDutyRoutingKey: PD,
            emailTo: "ops@example.com",
            emailFrom: "am@example.com",
            smtpSmarthost: "smtp.example.com:587",
            heartbeatUrl: "https://hc-ping.com/x",
        }) as any;
        const receiver = (n: string) => c.receivers.find((r: any) => r.name === n);
        assert.deepStrictEqual(Object.keys(receiver("critical")).sort(), ["email_configs", "name", "pagerduty_configs", "slack_configs"]);
        assert.strictEqual(receiver("critical").pagerduty_configs[0].routing_key, PD);
        assert.deepStrictEqual(Object.keys(receiver("warning")).sort(), ["email_configs", "name", "slack_configs"]);
        assert.strictEqual(receiver("warning").slack_configs[0].api_url, SLACK);
        assert.strictEqual(receiver("warning").slack_configs[0].channel, "#ops");
        assert.strictEqual(receiver("heartbeat").webhook_configs[0].url, "https://hc-ping.com/x");
        assert.strictEqual(c.route.receiver, "warning");
        assert.deepStrictEqual(
            c.route.routes.map((r: any) => [r.matchers[0], r.receiver]),
            [
                ['alertname = "Watchdog"', "heartbeat"],
                ['alertname = "InfoInhibitor"', "null"],
                ['severity = "critical"', "critical"],
                ['severity = "warning"', "warning"],
            ],
        );
        assert.strictEqual(c.route.routes[0].repeat_interval, "5m");
        for (const r of c.route.routes) {
            assert.ok(
                c.receivers.some((x: any) => x.name === r.receiver),
                `route to an undefined receiver ${r.receiver}`,
            );
        }
    });
    it("aws-prod with a Slack webhook as a secret: it lands only in the monitoring/alertmanager-config Secret, as a Pulumi secret", async function () {
        this.timeout(60_000);
        // Offline, an encrypted value arrives as the preview's placeholder (the config accepts it as any secret's shape).
        assert.strictEqual(OFFLINE_SECRET, OFFLINE_SECRET_PLACEHOLDER);
        const run = await sharedRun({ stack: "aws-prod", overrides: { "alerting.slackWebhookUrl": { secure: "v1:c2VjcmV0" } } });
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as any)?.name === "alertmanager-config")!;
        assert.strictEqual(secret.redactedInputs.stringData, "[secret]");
        const config = YAML.parse((secret.inputs.stringData as Record<string, string>)["alertmanager.yaml"]);
        assert.strictEqual(config.receivers.find((r: any) => r.name === "warning").slack_configs[0].api_url, OFFLINE_SECRET);
        assert.strictEqual(config.route.receiver, "warning");
        const elsewhere = run.resources.filter((r) => r !== secret && JSON.stringify(r.inputs).includes(OFFLINE_SECRET));
        assert.deepStrictEqual(
            elsewhere.map((r) => r.name),
            [],
        );
    });
});

describe("password rotation", () => {
    it("names the period a date falls in, and changes it exactly at the period boundary", () => {
        const period = rotationPeriod(90, new Date("2026-11-30T12:00:00Z"));
        assert.match(period, /^\d{4}-\d{2}-\d{2}\+90d$/);
        const start = new Date(`${period.slice(0, 10)}T00:00:00Z`).getTime();
        assert.ok(start <= Date.parse("2026-11-30T12:00:00Z") && Date.parse("2026-11-30T12:00:00Z") < start + 90 * 86_400_000);
        assert.strictEqual(rotationPeriod(90, new Date(start + 90 * 86_400_000 - 1)), period, "the last millisecond of the period");
        assert.notStrictEqual(rotationPeriod(90, new Date(start + 90 * 86_400_000)), period, "the next period starts at day 90");
        assert.notStrictEqual(rotationPeriod(90, new Date(start - 1)), period);
        assert.strictEqual(rotationPeriod(1, new Date("2026-11-30T23:00:00Z")), "2026-11-30+1d");
        assert.throws(() => rotationPeriod(0, new Date()), /whole number of days/);
    });
    it("the transformation adds the keeper to RandomPasswords only", () => {
        const t = passwordRotation(30, new Date("2026-11-30T00:00:00Z"));
        const out = t({ type: "random:index/randomPassword:RandomPassword", name: "p", props: { length: 32 }, opts: {}, resource: undefined as any });
        assert.deepStrictEqual(out?.props, { length: 32, keepers: { rotation: rotationPeriod(30, new Date("2026-11-30T00:00:00Z")) } });
        assert.strictEqual(t({ type: "kubernetes:core/v1:Secret", name: "s", props: {}, opts: {}, resource: undefined as any }), undefined);
    });
    it("every generated password of aws-prod carries the stack's rotation keeper", async function () {
        this.timeout(60_000);
        const before = rotationPeriod(30, new Date());
        const run = await sharedRun({ stack: "aws-prod", overrides: { passwordRotationDays: 30 } });
        const after = rotationPeriod(30, new Date());
        const passwords = run.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
        assert.ok(passwords.length >= 8, `${passwords.length} passwords`);
        const keepers = new Set(passwords.map((p) => JSON.stringify(p.inputs.keepers)));
        assert.strictEqual(keepers.size, 1, "one schedule for every password");
        assert.ok([before, after].includes(JSON.parse([...keepers][0]).rotation), [...keepers][0]);
        const pg = run.resources.find((r) => r.type === "kubernetes:postgresql.cnpg.io/v1:Cluster")!;
        assert.deepStrictEqual((pg.inputs.spec as any).managed.roles[0].passwordSecret, { name: "pg-app-credentials" });
    });
});
