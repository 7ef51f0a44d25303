/**
 * Issue 14 part 4: the restore objects docs/data.md documents ("Restore drill") are valid against
 * the CustomResourceDefinitions of the pinned charts (cloudnative-pg, psmdb-operator,
 * plugin-barman-cloud, as the platform installs them from ../shared/charts), and name what the
 * program really creates. The objects are the YAML blocks of that section, read from the file
 * itself, so the docs cannot drift from what is tested. The configuration restore (Velero) is
 * documented in its own section and checked against Velero's CRDs in ./veleroObjects.spec.ts.
 *
 * Validation is kubeconform's, strict (unknown fields and wrong types rejected), through
 * scripts/validate-manifests.ts; CEL rules are not evaluated there, so the one the restore relies on
 * (the PITR date format) is checked here by its own regular expression from the CRD.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { BARMAN_PLUGIN, PG_CLUSTER, PG_IMAGE, PG_OBJECT_STORE } from "../../components/platform/data/postgres";
import { MONGO_CLUSTER, MONGO_STORAGE } from "../../components/platform/data/mongodb";
import { PROJECT_ROOT } from "../../preview/stackFile";
import { validateAgainstCrds } from "../../scripts/validate-manifests";
import { renderStack } from "../support/charts";

type Obj = Record<string, any>;

/** The YAML blocks of docs/data.md's "Restore drill" section that hold Kubernetes objects. */
function drillObjects(markdown: string): Obj[] {
    const start = markdown.indexOf("\n## Restore drill");
    assert.ok(start >= 0, 'docs/data.md has no "## Restore drill" section');
    const end = markdown.indexOf("\n## ", start + 1);
    const section = markdown.slice(start, end < 0 ? undefined : end);
    const out: Obj[] = [];
    for (const m of section.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)) {
        const indent = m[1].length;
        const text = m[2]
            .split("\n")
            .map((l) => l.slice(indent))
            .join("\n");
        for (const doc of YAML.parseAllDocuments(text)) {
            assert.deepStrictEqual(
                doc.errors.map((e) => e.message),
                [],
                `a YAML block of the drill does not parse:\n${text}`,
            );
            const o = doc.toJS() as Obj | null;
            if (o && o.apiVersion && o.kind) {
                out.push(o);
            }
        }
    }
    return out;
}

const DOCS = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "data.md"), "utf8");

function byName(objects: Obj[], kind: string, name: string): Obj {
    const found = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
    assert.strictEqual(found.length, 1, `one ${kind} ${name} in the drill; found ${found.length}`);
    return found[0];
}

describe("issue 14: the restore drill's objects (docs/data.md)", function () {
    this.timeout(600_000);
    const objects = drillObjects(DOCS);
    let crds: Obj[] = [];
    let program: Obj[] = [];

    before(async () => {
        const rs = await renderStack("aws-prod");
        const fromCharts = ["cloudnative-pg", "psmdb-operator", "plugin-barman-cloud"];
        crds = rs.renders
            .filter((r) => fromCharts.some((c) => path.basename(r.chart).startsWith(`${c}-`)))
            .flatMap((r) => r.objects)
            .filter((o) => o.kind === "CustomResourceDefinition") as Obj[];
        program = rs.run.resources.map((r) => r.inputs as Obj);
    });

    it("documents the PostgreSQL recovery clusters and backup, the MongoDB restores and backup", () => {
        assert.deepStrictEqual(
            objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`),
            [
                "postgresql.cnpg.io/v1 Cluster pg",
                "postgresql.cnpg.io/v1 Backup pg-after-restore-20261120",
                "postgresql.cnpg.io/v1 Cluster pg-restore",
                "psmdb.percona.com/v1 PerconaServerMongoDBRestore restore-20261120",
                "psmdb.percona.com/v1 PerconaServerMongoDBBackup after-restore-20261120",
                "psmdb.percona.com/v1 PerconaServerMongoDBRestore restore-from-store-20261120",
            ],
        );
    });

    it("takes the CRDs from the pinned charts: Cluster, Backup, ObjectStore, the Percona restore and backup", () => {
        const kinds = crds.map((c) => `${c.spec.group} ${c.spec.names.kind}`);
        for (const k of [
            "postgresql.cnpg.io Cluster",
            "postgresql.cnpg.io Backup",
            "barmancloud.cnpg.io ObjectStore",
            "psmdb.percona.com PerconaServerMongoDBRestore",
            "psmdb.percona.com PerconaServerMongoDBBackup",
        ]) {
            assert.ok(kinds.includes(k), `${k} among the charts' CRDs`);
        }
    });

    it("every object is valid against its CRD, strictly", () => {
        const results = validateAgainstCrds(objects, crds);
        assert.deepStrictEqual(
            results.filter((r) => r.status !== "valid").map((r) => `${r.object}: ${r.status} ${r.msg}`),
            [],
        );
        assert.strictEqual(results.length, objects.length);
    });

    it("the validation is not vacuous: an unknown field, a wrong type and a missing CRD are each refused", () => {
        const unknown = structuredClone(byName(objects, "Cluster", "pg-restore"));
        unknown.spec.bootstrap.recovery.targetTime = "2026-11-20 08:00:00+00"; // belongs under recoveryTarget
        const wrongType = structuredClone(byName(objects, "PerconaServerMongoDBRestore", "restore-20261120"));
        wrongType.spec.pitr = "2026-11-20 08:00:00";
        const noCrd = {
            apiVersion: "velero.io/v1",
            kind: "Restore",
            metadata: { name: "config", namespace: "velero" },
            spec: { backupName: "platform-weekly" },
        };
        const results = validateAgainstCrds([unknown, wrongType, noCrd], crds);
        assert.deepStrictEqual(
            results.map((r) => r.status),
            ["invalid", "invalid", "error"],
            JSON.stringify(results),
        );
        assert.match(results[0].msg, /targetTime/);
    });

    it("the in-place recovery cluster is the program's pg (aws-prod) with a recovery bootstrap from pg's own archive", () => {
        const doc = byName(objects, "Cluster", PG_CLUSTER);
        const live = program.find((o) => o.kind === "Cluster" && o.metadata?.name === PG_CLUSTER);
        assert.ok(live, "the program creates the pg Cluster");
        const strip = (spec: Obj): Obj => {
            const rest = structuredClone(spec);
            for (const k of ["bootstrap", "externalClusters", "serviceAccountTemplate"]) {
                delete rest[k];
            }
            return rest;
        };
        assert.deepStrictEqual(
            strip(doc.spec),
            strip(live.spec),
            "every field but bootstrap, externalClusters and the role annotation as the program writes it",
        );
        assert.deepStrictEqual(
            Object.keys(doc.spec.serviceAccountTemplate.metadata.annotations),
            Object.keys(live.spec.serviceAccountTemplate.metadata.annotations),
        );
        assert.deepStrictEqual(doc.metadata.annotations, { "cnpg.io/skipEmptyWalArchiveCheck": "enabled" });
        assert.strictEqual(doc.spec.bootstrap.recovery.source, "origin");
        assert.deepStrictEqual(doc.spec.externalClusters, [
            { name: "origin", plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: PG_OBJECT_STORE, serverName: PG_CLUSTER } } },
        ]);
    });

    it("the side-by-side copy reads pg's archive under pg's identity and never archives", () => {
        const copy = byName(objects, "Cluster", "pg-restore");
        assert.strictEqual(copy.spec.serviceAccountName, PG_CLUSTER);
        assert.strictEqual(copy.spec.imageName, PG_IMAGE);
        assert.strictEqual(copy.spec.plugins, undefined);
        assert.strictEqual(copy.spec.serviceAccountTemplate, undefined, "serviceAccountName and serviceAccountTemplate are mutually exclusive");
        assert.deepStrictEqual(copy.spec.externalClusters[0].plugin.parameters, { barmanObjectName: PG_OBJECT_STORE, serverName: PG_CLUSTER });
        const store = program.find((o) => o.kind === "ObjectStore" && o.metadata?.name === PG_OBJECT_STORE);
        assert.ok(store, `the program creates the ObjectStore ${PG_OBJECT_STORE} the recovery reads`);
        const backup = byName(objects, "Backup", "pg-after-restore-20261120");
        assert.deepStrictEqual(backup.spec, { cluster: { name: PG_CLUSTER }, method: "plugin", pluginConfiguration: { name: BARMAN_PLUGIN } });
    });

    it("the MongoDB restores name the program's replica set and storage, and the PITR date has the format the CRD's rule requires", () => {
        const restoreCrd = crds.find((c) => c.spec.names.kind === "PerconaServerMongoDBRestore")!;
        const pitrSchema = restoreCrd.spec.versions.find((v: Obj) => v.name === "v1").schema.openAPIV3Schema.properties.spec.properties.pitr;
        const rule = (pitrSchema["x-kubernetes-validations"] as { rule: string }[]).map((v) => /matches\('([^']+)'\)/.exec(v.rule)?.[1]).find(Boolean);
        assert.ok(rule, "the CRD still constrains the PITR date with a regular expression");
        for (const o of objects.filter((x) => x.kind.startsWith("PerconaServerMongoDB"))) {
            assert.strictEqual(o.spec.clusterName, MONGO_CLUSTER, o.metadata.name);
            if (o.spec.storageName !== undefined) {
                assert.strictEqual(o.spec.storageName, MONGO_STORAGE, o.metadata.name);
            }
            if (o.spec.pitr) {
                assert.match(o.spec.pitr.date, new RegExp(rule!), o.metadata.name);
            }
        }
        const psmdb = program.find((o) => o.kind === "PerconaServerMongoDB");
        assert.ok(psmdb?.spec.backup.storages[MONGO_STORAGE], "the program's replica set has the storage the restores name");
    });
});
