/**
 * Issue 14 parts 3 and 4: the Velero objects are valid against Velero's CRDs, strictly. Velero's
 * chart is not in the chart mirror, so its CRDs are taken from Velero's own source at the version
 * the add-on runs (github.com/vmware-tanzu/velero v1.18.3, `config/crd/v1/bases`, through the Go
 * module proxy as scripts/validate-manifests.ts takes the other CRDs), and the objects are:
 * - the Schedule and BackupStorageLocation the chart makes from the program's values, per kind of
 *   object store, built here as the chart's templates at 12.1.0 build them
 *   (`templates/schedule.yaml`, `templates/backupstoragelocation.yaml`: `spec.template` is the
 *   schedule's `template` as given; the location's fields one to one);
 * - the `Restore` of docs/data.md ("Configuration backups").
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { ObjectStoreKind } from "../../components/contract";
import { addonNamespace } from "../../components/platform/platform";
import { Foundation } from "../../components/platform/foundation";
import { ConfigurationBackups, VELERO_RELEASE } from "../../components/platform/velero";
import { runWithMocks } from "../../preview/harness";
import { PROJECT_ROOT } from "../../preview/stackFile";
import { moduleDir, validateAgainstCrds } from "../../scripts/validate-manifests";
import { targetWithStore } from "../platform/data/fixtures";
import { one, thirdPartyChartsSwitched } from "../platform/helpers";

type Obj = Record<string, any>;

/** Velero's CRDs at the server version the add-on pins. */
function veleroCrds(): Obj[] {
    const dir = path.join(moduleDir("github.com/vmware-tanzu/velero", "v1.18.3"), "config", "crd", "v1", "bases");
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), "utf8")).map((d) => d.toJS() as Obj))
        .filter((o) => o?.kind === "CustomResourceDefinition");
}

/** The chart values the program passes for a store kind (under mocks). */
async function chartValues(store: ObjectStoreKind): Promise<Obj> {
    const run = await thirdPartyChartsSwitched(true, () =>
        runWithMocks(() => {
            const fake = targetWithStore(store);
            const f = new Foundation(
                "t",
                {
                    target: fake.target,
                    namespaces: [addonNamespace("velero", "prod", 27)],
                    flows: [],
                },
                { provider: fake.target.provider },
            );
            new ConfigurationBackups(
                "t-config-backups",
                { target: fake.target, environment: "prod", namespace: f.namespaces.velero, configBackupWeeks: 12, monitorLabels: {} },
                { provider: fake.target.provider },
            );
            return {};
        }),
    );
    return one(run, "kubernetes:helm.sh/v4:Chart", "t-config-backups-velero").inputs.values as Obj;
}

/** The chart's objects for those values (templates at 12.1.0; the fields the platform sets). */
function chartObjects(values: Obj): Obj[] {
    const ns = "velero";
    const schedules = Object.entries(values.schedules as Record<string, Obj>).map(([key, s]) => ({
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        metadata: { name: `${VELERO_RELEASE}-${key}`, namespace: ns },
        spec: { ...(s.useOwnerReferencesInBackup ? { useOwnerReferencesInBackup: true } : {}), schedule: s.schedule, template: s.template },
    }));
    const locations = (values.configuration.backupStorageLocation as Obj[]).map((l) => ({
        apiVersion: "velero.io/v1",
        kind: "BackupStorageLocation",
        metadata: { name: l.name, namespace: ns },
        spec: {
            ...(l.credential ? { credential: l.credential } : {}),
            provider: l.provider,
            accessMode: l.accessMode,
            ...(l.default ? { default: l.default } : {}),
            objectStorage: { bucket: l.bucket, prefix: l.prefix },
            // The template quotes every config value.
            config: Object.fromEntries(Object.entries(l.config as Obj).map(([k, v]) => [k, String(v)])),
        },
    }));
    return [...schedules, ...locations];
}

/** The Kubernetes objects in the YAML blocks of docs/data.md's configuration-backups section. */
function docObjects(): Obj[] {
    const md = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "data.md"), "utf8");
    const start = md.indexOf("\n## Configuration backups");
    assert.ok(start >= 0, 'docs/data.md has a "## Configuration backups" section');
    const end = md.indexOf("\n## ", start + 1);
    const section = md.slice(start, end < 0 ? undefined : end);
    return [...section.matchAll(/^```yaml\n([\s\S]*?)^```/gm)]
        .flatMap((m) => YAML.parseAllDocuments(m[1]).map((d) => d.toJS() as Obj))
        .filter((o) => o?.apiVersion && o.kind);
}

describe("issue 14: the Velero objects against Velero's CRDs (v1.18.3)", function () {
    this.timeout(600_000);
    let crds: Obj[] = [];
    before(() => {
        crds = veleroCrds();
    });

    it("takes Schedule, BackupStorageLocation and Restore from Velero's source", () => {
        const kinds = crds.map((c) => c.spec.names.kind);
        for (const k of ["Schedule", "BackupStorageLocation", "Restore", "Backup"]) {
            assert.ok(kinds.includes(k), k);
        }
    });

    for (const store of ["s3", "gcs", "azureBlob", "s3Compatible"] as const) {
        it(`${store}: the weekly Schedule and the storage location the chart makes from the program's values are valid, strictly`, async () => {
            const objects = chartObjects(await chartValues(store));
            assert.deepStrictEqual(
                objects.map((o) => `${o.kind} ${o.metadata.name}`),
                ["Schedule velero-weekly", "BackupStorageLocation default"],
            );
            const results = validateAgainstCrds(objects, crds);
            assert.deepStrictEqual(
                results.map((r) => `${r.object}: ${r.status} ${r.msg}`.trim()),
                ["Schedule velero/velero-weekly: valid", "BackupStorageLocation velero/default: valid"],
            );
        });
    }

    it("the documented Restore names the weekly schedule's backup and is valid, strictly", () => {
        const objects = docObjects();
        assert.deepStrictEqual(
            objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`),
            ["velero.io/v1 Restore jamie-config-20261130"],
        );
        assert.match(objects[0].spec.backupName, /^velero-weekly-\d{14}$/, "Velero names a scheduled backup <schedule>-<yyyyMMddHHmmss>");
        const results = validateAgainstCrds(objects, crds);
        assert.deepStrictEqual(
            results.map((r) => r.status),
            ["valid"],
            JSON.stringify(results),
        );
    });

    it("the validation is not vacuous: a misspelt template field, a wrong type and an unknown enum value are refused", async () => {
        const [schedule, location] = chartObjects(await chartValues("s3"));
        const misspelt = structuredClone(schedule);
        misspelt.spec.template.includeNamespaces = ["*"];
        const wrongType = structuredClone(schedule);
        wrongType.spec.schedule = 7;
        const badMode = structuredClone(location);
        badMode.spec.accessMode = "WriteOnly";
        const results = validateAgainstCrds([misspelt, wrongType, badMode], crds);
        assert.deepStrictEqual(
            results.map((r) => r.status),
            ["invalid", "invalid", "invalid"],
            JSON.stringify(results),
        );
        assert.match(results[0].msg, /includeNamespaces/);
    });
});
