/**
 * Weekly configuration backups (issue 14 part 3): the `velero` add-on's chart values under mocks,
 * per kind of object store: the weekly Schedule and its TTL from `retention.configBackupWeeks`,
 * what it backs up, where it writes (`config/` of the cluster's store) and through which identity.
 * Velero's chart is not in the chart mirror, so nothing here is rendered; the values were checked
 * against the chart's templates at 12.1.0 (components/platform/velero.ts).
 */
import * as assert from "assert";
import type { ObjectStoreKind } from "../../components/contract";
import { ADDON_FLOWS, ADDON_LAYOUT } from "../../components/platform/addons";
import { addonNamespace } from "../../components/platform/platform";
import { CHARTS, chartArchiveName, missingFromMirror } from "../../components/platform/charts";
import { Foundation } from "../../components/platform/foundation";
import { LAYOUT } from "../../components/platform/layout";
import { BACKUP_ALERT_GROUP } from "../../components/platform/observability/backupAlerts";
import { NO_ADDONS } from "../../components/platform/args";
import { ConfigurationBackups, VELERO_IMAGES, VELERO_SCHEDULE, VELERO_SCHEDULE_CRON, VELERO_STORE_SECRET, veleroTtl } from "../../components/platform/velero";
import { OBJECT_STORE_PREFIXES, retentionRules } from "../../components/retention";
import { DEFAULT_RETENTION } from "../../components/defaults";
import { runWithMocks, RunResult } from "../../preview/harness";
import { testMirror } from "../support/charts";
import { sharedRun } from "../support/stacks";
import { STATIC_ACCESS_KEY, STATIC_SECRET_KEY, targetWithStore } from "./data/fixtures";
import { fakeRoleArn, FakeBinding } from "./fakeTarget";
import { leakedSecrets, meta, ofType, one, thirdPartyChartsSwitched } from "./helpers";

const CHART = "kubernetes:helm.sh/v4:Chart";
type Values = Record<string, any>;

async function build(store: ObjectStoreKind | "none", configBackupWeeks = 12): Promise<{ run: RunResult; bindings: FakeBinding[]; warnings: string[] }> {
    let bindings: FakeBinding[] = [];
    let warnings: string[] = [];
    const run = await thirdPartyChartsSwitched(true, () =>
        runWithMocks(() => {
            const fake = targetWithStore(store);
            bindings = fake.bindings;
            const f = new Foundation(
                "t",
                {
                    target: fake.target,
                    namespaces: [addonNamespace("velero", "prod", 27)],
                    flows: [],
                },
                { provider: fake.target.provider },
            );
            const c = new ConfigurationBackups(
                "t-config-backups",
                { target: fake.target, environment: "prod", namespace: f.namespaces.velero, configBackupWeeks, monitorLabels: { release: "monitoring" } },
                { provider: fake.target.provider },
            );
            warnings = c.warnings;
            return { location: c.location };
        }),
    );
    return { run, bindings, warnings };
}

function values(run: RunResult): Values {
    return one(run, CHART, "t-config-backups-velero").inputs.values as Values;
}

describe("velero add-on: weekly configuration backups (issue 14 part 3)", function () {
    describe("on an S3 store (EKS)", () => {
        let run: RunResult;
        let bindings: FakeBinding[];
        before(async () => {
            ({ run, bindings } = await build("s3"));
        });

        it("installs the pinned chart into the velero namespace as release velero", () => {
            const c = one(run, CHART, "t-config-backups-velero");
            assert.deepStrictEqual([c.inputs.chart, c.inputs.version, c.inputs.namespace, c.inputs.name], ["velero", "12.1.0", "velero", "velero"]);
            assert.deepStrictEqual(c.inputs.repositoryOpts, { repo: "https://vmware-tanzu.github.io/helm-charts" });
        });

        it("schedules one backup every Sunday at 03:00 UTC, kept 12 weeks (TTL 2016h)", () => {
            const schedules = values(run).schedules;
            assert.deepStrictEqual(Object.keys(schedules), ["weekly"]);
            assert.strictEqual(VELERO_SCHEDULE, "velero-weekly", "the chart names it <release>-<key>");
            assert.strictEqual(schedules.weekly.schedule, "0 3 * * 0");
            assert.strictEqual(schedules.weekly.schedule, VELERO_SCHEDULE_CRON);
            assert.strictEqual(schedules.weekly.disabled, false);
            assert.strictEqual(schedules.weekly.template.ttl, "2016h0m0s");
            assert.strictEqual(schedules.weekly.useOwnerReferencesInBackup, false, "backups outlive the Schedule");
        });

        it("backs up every object of every namespace, Secrets and cluster-scoped objects included, and no volume data", () => {
            const t = values(run).schedules.weekly.template;
            assert.deepStrictEqual(t.includedNamespaces, ["*"]);
            assert.deepStrictEqual(t.includedResources, ["*"]);
            assert.strictEqual(t.includeClusterResources, true);
            assert.deepStrictEqual(t.excludedResources, ["events", "events.events.k8s.io"]);
            assert.ok(!t.excludedResources.includes("secrets"));
            assert.strictEqual(t.snapshotVolumes, false);
            assert.strictEqual(t.defaultVolumesToFsBackup, false);
            const v = values(run);
            assert.strictEqual(v.snapshotsEnabled, false);
            assert.strictEqual(v.deployNodeAgent, false, "no node agent: no host access");
            assert.deepStrictEqual(v.configuration.volumeSnapshotLocation, []);
        });

        it("writes to config/ of the cluster's bucket, the prefix whose lifecycle rule expires at the same age", async () => {
            const v = values(run);
            assert.deepStrictEqual(v.configuration.backupStorageLocation, [
                {
                    name: "default",
                    provider: "aws",
                    bucket: "agents-test-backups",
                    prefix: "config",
                    default: true,
                    accessMode: "ReadWrite",
                    config: { region: "eu-west-1" },
                },
            ]);
            assert.strictEqual(v.schedules.weekly.template.storageLocation, "default");
            assert.strictEqual(`${v.configuration.backupStorageLocation[0].prefix}/`, OBJECT_STORE_PREFIXES.config);
            const rule = retentionRules(DEFAULT_RETENTION).find((r) => r.prefix === OBJECT_STORE_PREFIXES.config)!;
            assert.strictEqual(rule.days * 24, Number(/^(\d+)h/.exec(v.schedules.weekly.template.ttl)![1]), "lifecycle days = TTL");
        });

        it("reaches the store as its own cloud identity: a read-write binding for velero/velero, annotated on the chart's ServiceAccount", () => {
            assert.deepStrictEqual(bindings, [
                { name: "t-config-backups-identity", namespace: "velero", serviceAccount: "velero", objectStoreAccess: "readWrite" },
            ]);
            const v = values(run);
            assert.deepStrictEqual(v.serviceAccount, {
                server: { create: true, name: "velero", annotations: { "eks.amazonaws.com/role-arn": fakeRoleArn("t-config-backups-identity") } },
            });
            assert.deepStrictEqual(v.credentials, { useSecret: false }, "no static credentials");
            assert.deepStrictEqual(v.podLabels, {});
            assert.strictEqual(ofType(run, "kubernetes:core/v1:Secret").length, 0);
        });

        it("loads the AWS plugin, pinned, and runs restricted as a numeric non-root user", () => {
            const v = values(run);
            assert.deepStrictEqual(v.image, { repository: "docker.io/velero/velero", tag: "v1.18.3", pullPolicy: "IfNotPresent" });
            assert.strictEqual(v.initContainers.length, 1);
            assert.strictEqual(v.initContainers[0].image, VELERO_IMAGES.aws);
            assert.strictEqual(v.initContainers[0].image, "docker.io/velero/velero-plugin-for-aws:v1.14.3");
            assert.deepStrictEqual(v.initContainers[0].volumeMounts, [{ mountPath: "/target", name: "plugins" }]);
            assert.strictEqual(v.initContainers[0].securityContext.runAsNonRoot, true);
            assert.deepStrictEqual(v.podSecurityContext, {
                runAsNonRoot: true,
                runAsUser: 65532,
                runAsGroup: 65532,
                fsGroup: 65532,
                seccompProfile: { type: "RuntimeDefault" },
            });
            assert.strictEqual(v.containerSecurityContext.readOnlyRootFilesystem, true);
            assert.strictEqual(v.upgradeCRDs, false);
            assert.deepStrictEqual(v.metrics, {
                enabled: true,
                serviceMonitor: { autodetect: false, enabled: true, additionalLabels: { release: "monitoring" } },
            });
        });

        it("the velero namespace is restricted and Prometheus may reach the metrics port", () => {
            const ns = one(run, "kubernetes:core/v1:Namespace", "t-velero");
            assert.strictEqual(meta(ns).labels?.["pod-security.kubernetes.io/enforce"], "restricted");
            assert.deepStrictEqual(ADDON_FLOWS.velero, [{ from: "monitoring", to: "velero", port: "metrics" }]);
            assert.strictEqual(ADDON_LAYOUT.velero.ports.metrics, 8085);
        });
    });

    it("takes the TTL from retention.configBackupWeeks, and refuses a count that is not whole weeks", async () => {
        const { run } = await build("s3", 4);
        assert.strictEqual(values(run).schedules.weekly.template.ttl, "672h0m0s");
        assert.strictEqual(veleroTtl(12), "2016h0m0s");
        for (const bad of [0, -1, 1.5, Number.NaN]) {
            assert.throws(() => veleroTtl(bad), /^Error: configuration backups are kept a whole number of weeks >= 1, got/);
        }
    });

    it("GCS: the GCP plugin, with the Google service account it must name under Workload Identity", async () => {
        const { run, bindings } = await build("gcs");
        const v = values(run);
        assert.strictEqual(v.initContainers[0].image, "docker.io/velero/velero-plugin-for-gcp:v1.14.3");
        assert.deepStrictEqual(v.configuration.backupStorageLocation[0].provider, "gcp");
        // The fake binder's principal is its role ARN: whatever the binder says the identity is.
        assert.deepStrictEqual(v.configuration.backupStorageLocation[0].config, { serviceAccount: fakeRoleArn("t-config-backups-identity") });
        assert.strictEqual(bindings[0].objectStoreKey, undefined, "Velero needs no key: it uses the identity");
    });

    it("Azure Blob: the Azure plugin with the account's endpoint and Entra ID (the workload identity's token), no key", async () => {
        const { run } = await build("azureBlob");
        const v = values(run);
        assert.strictEqual(v.initContainers[0].name, "velero-plugin-for-microsoft-azure");
        assert.strictEqual(v.initContainers[0].image, "docker.io/velero/velero-plugin-for-microsoft-azure:v1.14.3");
        assert.deepStrictEqual(v.configuration.backupStorageLocation[0], {
            name: "default",
            provider: "azure",
            bucket: "agents-test-backups",
            prefix: "config",
            default: true,
            accessMode: "ReadWrite",
            config: { storageAccount: "agentsteststore", useAAD: "true" },
        });
        assert.deepStrictEqual(v.credentials, { useSecret: false });
    });

    it("an S3-compatible store: the storage location's own credential, a Secret whose values are Pulumi secrets", async () => {
        const { run } = await build("s3Compatible");
        const v = values(run);
        const bsl = v.configuration.backupStorageLocation[0];
        assert.deepStrictEqual(bsl.config, { region: "us-east-1", s3Url: "https://minio.example.internal:9000", s3ForcePathStyle: "true" });
        assert.deepStrictEqual(bsl.credential, { name: VELERO_STORE_SECRET, key: "cloud" });
        assert.deepStrictEqual(v.credentials, { useSecret: false }, "no credentials-file variables on the pod");
        const secret = one(run, "kubernetes:core/v1:Secret", "t-config-backups-store-credentials");
        assert.deepStrictEqual(meta(secret), { name: "velero-store-credentials", namespace: "velero" });
        assert.strictEqual(
            (secret.inputs.stringData as Values).cloud,
            `[default]\naws_access_key_id=${STATIC_ACCESS_KEY}\naws_secret_access_key=${STATIC_SECRET_KEY}\n`,
        );
        assert.strictEqual(secret.redactedInputs.stringData, "[secret]");
        assert.deepStrictEqual(leakedSecrets(run), []);
        assert.ok(one(run, CHART, "t-config-backups-velero").opts.dependsOn.includes(secret.urn));
    });

    it("without an object store: no chart, no identity, a warning", async () => {
        const { run, bindings, warnings } = await build("none");
        assert.strictEqual(ofType(run, CHART).length, 0);
        assert.deepStrictEqual(bindings, []);
        assert.deepStrictEqual(warnings, [
            "no object store on this cluster: configuration backups (Velero) disabled (give the cluster an object store to enable them)",
        ]);
    });

    it("the ConfigurationBackupTooOld alert watches the schedule the chart creates", () => {
        const rule = BACKUP_ALERT_GROUP.rules.find((r) => r.alert === "ConfigurationBackupTooOld")!;
        assert.ok(rule.measure.includes(`schedule="${VELERO_SCHEDULE}"`), rule.measure);
    });

    describe("through the stack program", function () {
        this.timeout(300_000);

        it("is off by default: no velero namespace, no chart", async () => {
            assert.strictEqual(NO_ADDONS.velero, false);
            const run = await sharedRun({ stack: "aws-prod" });
            assert.ok(!run.resources.some((r) => r.type === CHART && r.inputs.chart === "velero"));
            assert.ok(!run.resources.some((r) => r.type === "kubernetes:core/v1:Namespace" && meta(r).name === "velero"));
        });

        it("platform.addons.velero: true installs it with the stack's retention and the cluster's bucket and IRSA role", async () => {
            const run = await sharedRun({ stack: "aws-prod", overrides: { "platform.addons.velero": true } });
            const chart = run.resources.find((r) => r.type === CHART && r.inputs.chart === "velero")!;
            assert.ok(chart, "the velero chart");
            const v = chart.inputs.values as Values;
            assert.strictEqual(v.schedules.weekly.template.ttl, `${DEFAULT_RETENTION.configBackupWeeks * 7 * 24}h0m0s`);
            assert.ok(typeof run.outputs.backupBucket === "string" && run.outputs.backupBucket.length > 0);
            assert.strictEqual(v.configuration.backupStorageLocation[0].bucket, run.outputs.backupBucket);
            assert.strictEqual(v.configuration.backupStorageLocation[0].config.region, "eu-west-1");
            assert.match(v.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::\d{12}:role\/.*config-backups-identity/);
            const role = run.resources.find((r) => r.type === "aws:iam/role:Role" && r.name.endsWith("config-backups-identity"))!;
            const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
            assert.deepStrictEqual(
                Object.values(trust.Statement[0].Condition.StringEquals).filter((x) => String(x).startsWith("system:")),
                ["system:serviceaccount:velero:velero"],
            );
            const ns = run.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && meta(r).name === "velero")!;
            assert.strictEqual(meta(ns).labels?.["pod-security.kubernetes.io/enforce"], "restricted");
            // Prometheus (monitoring) may reach Velero's metrics port, and Velero may reach the API server.
            const policies = run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && meta(r).namespace === "velero");
            const text = JSON.stringify(policies.map((p) => p.inputs.spec));
            assert.ok(text.includes(`"kubernetes.io/metadata.name":"${LAYOUT.monitoring.namespace}"`) && text.includes("8085"), text);
        });
    });

    describe("the chart mirror", () => {
        it("../shared/charts has no velero chart: asked for only with the add-on on, named as the archive the pinned row needs", () => {
            assert.strictEqual(chartArchiveName("velero"), `velero-${CHARTS.velero.version}.tgz`);
            assert.deepStrictEqual(missingFromMirror(testMirror(), { ...NO_ADDONS }), []);
            assert.deepStrictEqual(
                missingFromMirror(testMirror(), { ...NO_ADDONS, velero: true }).map((m) => m.key),
                ["velero"],
            );
        });
    });
});
