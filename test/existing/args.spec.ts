/**
 * ExistingCluster's own API (components/existing/args.ts): the pure validator, one problem per
 * case, every problem at once.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster, existingClusterArgProblems, ExistingClusterArgs } from "../../components/existing";
import { runWithMocks } from "../../preview/harness";
import { thrown } from "../contract/records";

const minimal = (): ExistingClusterArgs => ({ kubeconfigPath: "~/.kube/config", storageClass: "standard", zones: ["zone-a"] });
const problemsWith = (over: Partial<ExistingClusterArgs>) => existingClusterArgProblems({ ...minimal(), ...over });
const store = { endpoint: "https://minio.example.internal:9000", bucket: "backups", region: "us-east-1", accessKeyId: "id", secretAccessKey: "key" };

describe("existing/args: existingClusterArgProblems", () => {
    it("accepts a kubeconfig path, a StorageClass and zones; or inline contents with an S3-compatible store", () => {
        assert.deepStrictEqual(existingClusterArgProblems(minimal()), []);
        assert.deepStrictEqual(
            existingClusterArgProblems({ kubeconfig: "apiVersion: v1", storageClass: "ssd.encrypted", zones: ["a", "b"], objectStore: store }),
            [],
        );
    });

    const cases: { title: string; over: Partial<ExistingClusterArgs>; path: string; reason: string }[] = [
        {
            title: "both kubeconfig sources",
            over: { kubeconfig: "apiVersion: v1" },
            path: "kubeconfig",
            reason: "set exactly one of kubeconfig (secret contents) and kubeconfigPath",
        },
        {
            title: "neither kubeconfig source",
            over: { kubeconfigPath: undefined },
            path: "kubeconfig",
            reason: "set exactly one of kubeconfig (secret contents) and kubeconfigPath",
        },
        {
            title: "an empty kubeconfig path",
            over: { kubeconfigPath: "" },
            path: "kubeconfigPath",
            reason: 'found ""; the path of a kubeconfig file, e.g. ~/.kube/config',
        },
        {
            title: "an empty context",
            over: { context: "" },
            path: "context",
            reason: 'found ""; the name of a context in the kubeconfig, or leave it out for the current one',
        },
        { title: "no StorageClass", over: { storageClass: "" }, path: "storageClass", reason: "found nothing; name the cluster's encrypted SSD StorageClass" },
        {
            title: "a StorageClass name Kubernetes refuses",
            over: { storageClass: "Fast_SSD" },
            path: "storageClass",
            reason: `found "Fast_SSD"; must be a StorageClass name (lower-case letters, digits, '-' and '.')`,
        },
        { title: "no zones", over: { zones: [] }, path: "zones", reason: "found none; list the zone labels of the cluster's nodes" },
        { title: "an empty zone", over: { zones: ["zone-a", ""] }, path: "zones[1]", reason: 'found ""; a zone label value such as zone-a' },
        { title: "a zone twice", over: { zones: ["zone-a", "zone-a"] }, path: "zones", reason: "found duplicates in [zone-a, zone-a]; each zone once" },
        {
            title: "a store over plain HTTP",
            over: { objectStore: { ...store, endpoint: "http://minio:9000" } },
            path: "objectStore.endpoint",
            reason: 'found "http://minio:9000"; must be an https:// URL',
        },
        {
            title: "a store without a bucket",
            over: { objectStore: { ...store, bucket: "" } },
            path: "objectStore.bucket",
            reason: 'found ""; a non-empty string',
        },
        {
            title: "a store without credentials",
            over: { objectStore: { ...store, secretAccessKey: "" } },
            path: "objectStore.secretAccessKey",
            reason: "found nothing; the store's static credentials (kept a Pulumi secret)",
        },
        { title: "an empty render folder", over: { renderYamlToDirectory: "" }, path: "renderYamlToDirectory", reason: 'found ""; a folder path' },
    ];
    for (const c of cases) {
        it(`rejects ${c.title}, naming the argument, the value and what is allowed`, () => {
            assert.deepStrictEqual(problemsWith(c.over), [{ propertyPath: c.path, reason: c.reason }]);
        });
    }

    it("reports every problem at once, and the constructor throws them as one InputPropertiesError", async () => {
        const bad: ExistingClusterArgs = { storageClass: "", zones: [], objectStore: { ...store, endpoint: "http://minio:9000" } };
        assert.deepStrictEqual(
            existingClusterArgProblems(bad).map((p) => p.propertyPath),
            ["kubeconfig", "storageClass", "zones", "objectStore.endpoint"],
        );
        const e = await thrown(() => runWithMocks(() => new ExistingCluster("m", bad)));
        assert.ok(pulumi.InputPropertiesError.isInstance(e));
        assert.match(e.message, /^ExistingCluster: 4 invalid arguments: kubeconfig: set exactly one of/);
    });
});
