import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    ExistingCluster,
    ExistingClusterArgs,
    NO_OBJECT_STORE_WARNING,
    OPERATOR_DUTIES_WARNING,
    resolveKubeconfigPath,
    StaticCredentialsBinder,
} from "../../components/existing";
import { runWithMocks, RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";
import { OFFLINE_SECRET_PLACEHOLDER } from "../../preview/stackFile";
import { at, inventory, one, only, thrown } from "../contract/records";

const COMPONENT = "agent-platform:existing:ExistingCluster";
const PROVIDER = "pulumi:providers:kubernetes";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters:\n- name: kind-agents\n  cluster:\n    server: https://127.0.0.1:6443\n";

async function build(args: ExistingClusterArgs): Promise<RunResult> {
    return runWithMocks(() => {
        const c = new ExistingCluster("t", args);
        const t = c.target;
        const wi = t.workloadIdentity.bind("t-postgres", { namespace: "data-postgres", serviceAccount: "postgres", objectStoreAccess: "readWrite" });
        return {
            kubeconfig: c.kubeconfig,
            cloud: t.cloud,
            clusterName: t.clusterName,
            zones: t.zones,
            ssdStorageClass: t.ssdStorageClass,
            storeKind: t.objectStore?.kind,
            storeBucket: t.objectStore?.bucket,
            storeEndpoint: t.objectStore?.endpoint,
            storeRegion: t.objectStore?.region,
            storeUrl: t.objectStore?.url("backups/postgres"),
            accessKeyId: t.objectStore?.staticCredentials?.accessKeyId,
            secretAccessKey: t.objectStore?.staticCredentials?.secretAccessKey,
            annotations: wi.serviceAccountAnnotations,
            podLabels: wi.podLabels,
            readyCount: t.readyResources.length,
            warnings: t.warnings,
        };
    });
}

describe("ExistingCluster", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "existing-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("reaches a cluster by kubeconfig file and context, creating no cloud resource", async () => {
        const file = path.join(dir, "config");
        fs.writeFileSync(file, KUBECONFIG);
        const run = await build({ kubeconfigPath: file, context: "kind-agents", storageClass: "standard", zones: ["zone-a"] });
        assert.deepStrictEqual(inventory(run), { "pulumi:pulumi:Stack": 1, [COMPONENT]: 1, [PROVIDER]: 1 });
        const p = one(run.resources, PROVIDER, "t-k8s");
        assert.strictEqual(p.parent, only(run.resources, COMPONENT).urn);
        assert.strictEqual(at(p, "kubeconfig"), file);
        assert.strictEqual(at(p, "context"), "kind-agents");
        assert.strictEqual(at(p, "enableServerSideApply"), "true");
        assert.strictEqual(run.outputs.kubeconfig, KUBECONFIG);
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        assert.strictEqual(run.outputs.cloud, "existing");
        assert.strictEqual(run.outputs.clusterName, "kind-agents");
        assert.deepStrictEqual(run.outputs.zones, ["zone-a"]);
        assert.strictEqual(run.outputs.ssdStorageClass, "standard");
        assert.strictEqual(run.outputs.readyCount, 0);
    });

    it("says, never silently, that backups are disabled without an object store", async () => {
        const file = path.join(dir, "config");
        fs.writeFileSync(file, KUBECONFIG);
        const run = await build({ kubeconfigPath: file, storageClass: "standard", zones: ["zone-a"] });
        assert.strictEqual(run.outputs.storeKind, undefined);
        assert.deepStrictEqual(run.outputs.warnings, [OPERATOR_DUTIES_WARNING, NO_OBJECT_STORE_WARNING]);
        assert.match(NO_OBJECT_STORE_WARNING, /backups .*DISABLED/);
    });

    it("takes an inline kubeconfig as a secret, for the provider too", async () => {
        const run = await build({ kubeconfig: KUBECONFIG, storageClass: "premium-rwo", zones: ["a", "b", "c"] });
        const p = one(run.resources, PROVIDER, "t-k8s");
        assert.strictEqual(at(p, "kubeconfig"), KUBECONFIG);
        assert.strictEqual(p.redactedInputs.kubeconfig, "[secret]");
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        assert.strictEqual(run.outputs.clusterName, "t");
    });

    it("offers an S3-compatible object store with secret static credentials and no cloud identity", async () => {
        const run = await build({
            kubeconfig: KUBECONFIG,
            storageClass: "ceph-ssd-encrypted",
            zones: ["a", "b", "c"],
            objectStore: {
                endpoint: "https://s3.storage.example.net",
                bucket: "agents-backups",
                region: "us-east-1",
                accessKeyId: "AKIAEXAMPLE",
                secretAccessKey: "very-secret",
            },
        });
        assert.strictEqual(run.outputs.storeKind, "s3Compatible");
        assert.strictEqual(run.outputs.storeBucket, "agents-backups");
        assert.strictEqual(run.outputs.storeEndpoint, "https://s3.storage.example.net");
        assert.strictEqual(run.outputs.storeRegion, "us-east-1");
        assert.strictEqual(run.outputs.storeUrl, "s3://agents-backups/backups/postgres");
        assert.strictEqual(run.outputs.accessKeyId, "AKIAEXAMPLE");
        assert.strictEqual(run.redactedOutputs.accessKeyId, "[secret]");
        assert.strictEqual(run.redactedOutputs.secretAccessKey, "[secret]");
        assert.deepStrictEqual(run.outputs.warnings, [OPERATOR_DUTIES_WARNING]);
        assert.deepStrictEqual(run.outputs.annotations, {});
        assert.deepStrictEqual(run.outputs.podLabels, {});
        assert.deepStrictEqual(inventory(run), { "pulumi:pulumi:Stack": 1, [COMPONENT]: 1, [PROVIDER]: 1 });
    });

    it("passes renderYamlToDirectory to the provider and says nothing is applied", async () => {
        const out = path.join(dir, "manifests");
        const run = await build({ kubeconfig: KUBECONFIG, storageClass: "standard", zones: ["zone-a"], renderYamlToDirectory: out });
        const p = one(run.resources, PROVIDER, "t-k8s");
        assert.strictEqual(at(p, "renderYamlToDirectory"), out);
        // The real provider refuses kubeconfig or context beside renderYamlToDirectory.
        assert.strictEqual(at(p, "kubeconfig"), undefined);
        assert.strictEqual(at(p, "context"), undefined);
        assert.strictEqual(at(p, "enableServerSideApply"), undefined);
        assert.ok(
            (run.outputs.warnings as string[]).includes(
                `manifests are written to ${out} instead of being applied (renderYamlToDirectory); no cluster is contacted`,
            ),
        );
    });

    it("warns when the kubeconfig file is not readable here", async () => {
        const missing = path.join(dir, "nope");
        const run = await build({ kubeconfigPath: missing, storageClass: "standard", zones: ["zone-a"] });
        assert.strictEqual(run.outputs.kubeconfig, "");
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        assert.ok(
            (run.outputs.warnings as string[]).includes(
                `kubeconfig file ${missing} is not readable here: the exported kubeconfig is empty and a real run cannot reach the cluster`,
            ),
        );
    });

    it("rejects both or neither kubeconfig source, no zones, and a plain-HTTP store", async () => {
        const both = await thrown(() => build({ kubeconfig: KUBECONFIG, kubeconfigPath: "/x", storageClass: "s", zones: ["a"] }));
        assert.deepStrictEqual([both.propertyPath, both.message], ["kubeconfig", "set exactly one of kubeconfig (secret contents) and kubeconfigPath"]);
        const neither = await thrown(() => build({ storageClass: "s", zones: ["a"] }));
        assert.deepStrictEqual([neither.propertyPath, neither.message], ["kubeconfig", "set exactly one of kubeconfig (secret contents) and kubeconfigPath"]);
        const zones = await thrown(() => build({ kubeconfig: KUBECONFIG, storageClass: "s", zones: [] }));
        assert.deepStrictEqual([zones.propertyPath, zones.message], ["zones", "found none; list the zone labels of the cluster's nodes"]);
        const http = await thrown(() =>
            build({
                kubeconfig: KUBECONFIG,
                storageClass: "s",
                zones: ["a"],
                objectStore: { endpoint: "http://minio:9000", bucket: "b", region: "r", accessKeyId: "a", secretAccessKey: "s" },
            }),
        );
        assert.deepStrictEqual([http.propertyPath, http.message], ["objectStore.endpoint", 'found "http://minio:9000"; must be an https:// URL']);
    });
});

describe("StaticCredentialsBinder", () => {
    it("binds with no cloud identity, and refuses an object-store key (the store's static credentials serve every tool)", () => {
        const binder = new StaticCredentialsBinder();
        assert.deepStrictEqual(
            binder.bind("t-postgres", { namespace: "data-postgres", serviceAccount: "postgres", objectStoreAccess: "readWrite" }).podLabels,
            {},
        );
        assert.throws(
            () => binder.bind("t-mongodb", { namespace: "data-mongodb", serviceAccount: "mongodb-db", objectStoreAccess: "readWrite", objectStoreKey: true }),
            /^Error: t-mongodb: an object-store key was asked for, but this cluster's store has static credentials \(target\.objectStore\.staticCredentials\): use those$/,
        );
    });
});

describe("resolveKubeconfigPath", () => {
    it("expands ~ and resolves relative paths", () => {
        assert.strictEqual(resolveKubeconfigPath("~/.kube/config", "/home/ops"), "/home/ops/.kube/config");
        assert.strictEqual(resolveKubeconfigPath("~", "/home/ops"), "/home/ops");
        assert.strictEqual(resolveKubeconfigPath("/etc/k/config", "/home/ops"), "/etc/k/config");
        assert.strictEqual(resolveKubeconfigPath("k/config", "/home/ops"), path.resolve("k/config"));
    });
});

describe("the local stack (stacks/Pulumi.local.yaml) through index.ts", () => {
    let run: RunResult;
    before(async () => {
        run = await sharedRun({ stack: "local" });
    });

    it("creates no cloud resource", () => {
        const cloudTypes = run.resources.filter((r) => /^(aws|gcp|azure-native):/.test(r.type)).map((r) => r.type);
        assert.deepStrictEqual(cloudTypes, []);
        assert.strictEqual(only(run.resources, COMPONENT).name, "agents-local");
    });

    it("points the provider at the kind context of ~/.kube/config", () => {
        const p = one(run.resources, PROVIDER, "agents-local-k8s");
        assert.strictEqual(at(p, "kubeconfig"), path.join(os.homedir(), ".kube/config"));
        assert.strictEqual(at(p, "context"), "kind-agents");
    });

    it("exports the warnings the preview report shows, the backups one included", () => {
        const warnings = run.outputs.warnings as string[];
        assert.ok(warnings.includes(NO_OBJECT_STORE_WARNING));
        assert.ok(warnings.includes(OPERATOR_DUTIES_WARNING));
        assert.strictEqual(run.outputs.backupBucket, undefined);
        assert.strictEqual(run.outputs.storageClass, "standard");
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
    });

    it("keeps an encrypted inline kubeconfig secret end to end", async () => {
        const inline = await sharedRun({ stack: "local", overrides: { "existing.kubeconfigPath": undefined, "existing.kubeconfig": { secure: "v1:AAAA" } } });
        const p = one(inline.resources, PROVIDER, "agents-local-k8s");
        assert.strictEqual(at(p, "kubeconfig"), OFFLINE_SECRET_PLACEHOLDER);
        assert.strictEqual(p.redactedInputs.kubeconfig, "[secret]");
        assert.strictEqual(inline.redactedOutputs.kubeconfig, "[secret]");
    });
});
