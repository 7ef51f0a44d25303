/**
 * The PerconaServerMongoDB each cloud's prod stack registers is valid against the CRD of the pinned
 * psmdb-operator chart (1.22.0, rendered from the chart mirror), and its backup storage carries the
 * credentials the operator and Percona Backup for MongoDB (2.12.0) read at those versions:
 * - S3 (aws-prod): none; PBM's AWS SDK takes the pod's IRSA role.
 * - GCS (gcp-prod): the CRD requires `credentialsSecret`; PBM 2.12 reaches GCS with a service-account
 *   key (`GCS_CLIENT_EMAIL`, `GCS_PRIVATE_KEY`) or HMAC keys, never with workload identity
 *   (pbm/storage/gcs at v2.12.0; the operator's GetPBMStorageGCSConfig at v1.22.0).
 * - Azure (azure-prod): the CRD requires `credentialsSecret`; PBM authenticates with the storage
 *   account's shared key only (`AZURE_STORAGE_ACCOUNT_NAME`, `AZURE_STORAGE_ACCOUNT_KEY`).
 * Validation is kubeconform's, strict, through scripts/validate-manifests.ts.
 */
import * as assert from "assert";
import * as path from "path";
import { MONGO_CLUSTER, MONGO_SERVICE_ACCOUNT, MONGO_STORAGE } from "../../components/platform/data/mongodb";
import type { RecordedResource } from "../../preview/harness";
import { validateAgainstCrds, type ObjectResult } from "../../scripts/validate-manifests";
import { renderStack, type RenderedStack } from "../support/charts";

type Obj = Record<string, any>;

/** The psmdb-operator chart's CRDs as rendered for the stack. */
function psmdbCrds(rs: RenderedStack): Obj[] {
    const crds = rs.renders
        .filter((r) => path.basename(r.chart).startsWith("psmdb-operator-"))
        .flatMap((r) => r.objects)
        .filter((o) => o.kind === "CustomResourceDefinition") as Obj[];
    assert.ok(
        crds.some((c) => c.spec.names.kind === "PerconaServerMongoDB"),
        "the psmdb-operator chart renders the PerconaServerMongoDB CRD",
    );
    return crds;
}

function replicaSet(rs: RenderedStack): Obj {
    const found = rs.run.resources.filter((r) => r.type === "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB").map((r) => r.inputs as Obj);
    assert.strictEqual(found.length, 1, "one PerconaServerMongoDB");
    return found[0];
}

function secretNamed(rs: RenderedStack, namespace: string, name: string): RecordedResource {
    const found = rs.run.resources.filter(
        (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs as Obj).metadata?.name === name && (r.inputs as Obj).metadata?.namespace === namespace,
    );
    assert.strictEqual(found.length, 1, `one Secret ${namespace}/${name} in the program`);
    return found[0];
}

function storageOf(psmdb: Obj): Obj {
    const storage = psmdb.spec.backup.storages[MONGO_STORAGE];
    assert.ok(storage, `storage ${MONGO_STORAGE}`);
    return storage;
}

const STACKS = ["aws-prod", "gcp-prod", "azure-prod"];

let validation: Promise<Map<string, ObjectResult>> | undefined;

/**
 * kubeconform's verdict on each object this spec validates, by label: every stack's
 * PerconaServerMongoDB and two GCS/Azure storages without credentials. One kubeconform run for all
 * of them, since compiling the PerconaServerMongoDB schema (about half a second) is most of a run's
 * cost; the three stacks render the same CRDs (asserted), so one schema set judges them all.
 */
function validated(label: string): Promise<ObjectResult> {
    validation ??= (async () => {
        const rendered = await Promise.all(STACKS.map((s) => renderStack(s)));
        const crds = psmdbCrds(rendered[0]);
        for (const [i, rs] of rendered.entries()) {
            assert.deepStrictEqual(psmdbCrds(rs), crds, `${STACKS[i]} renders the same psmdb-operator CRDs`);
        }
        const gcp = rendered[STACKS.indexOf("gcp-prod")];
        const gcs = structuredClone(replicaSet(gcp));
        delete storageOf(gcs).gcs.credentialsSecret;
        const azure = structuredClone(replicaSet(gcp));
        azure.spec.backup.storages[MONGO_STORAGE] = { main: true, type: "azure", azure: { container: "backups", prefix: "mongodb" } };
        const objects: [string, Obj][] = [
            ...STACKS.map((s, i): [string, Obj] => [s, replicaSet(rendered[i])]),
            ["gcs without credentials", gcs],
            ["azure without credentials", azure],
        ];
        const results = validateAgainstCrds(
            objects.map(([, o]) => o),
            crds,
        );
        return new Map(objects.map(([l], i) => [l, results[i]]));
    })();
    return validation.then((m) => m.get(label)!);
}

describe("issue 14: MongoDB backup storage on every cloud passes the operator's CRD and carries working credentials", function () {
    this.timeout(900_000);

    for (const stack of STACKS) {
        it(`${stack}: the program's PerconaServerMongoDB is valid against the psmdb-operator 1.22.0 CRD, strictly`, async () => {
            const psmdb = replicaSet(await renderStack(stack));
            assert.strictEqual(psmdb.metadata.name, MONGO_CLUSTER);
            const result = await validated(stack);
            assert.deepStrictEqual(`${result.status} ${result.msg}`, "valid ");
        });
    }

    it("the validation is not vacuous: a GCS or Azure storage without credentialsSecret is refused", async () => {
        const results = [await validated("gcs without credentials"), await validated("azure without credentials")];
        assert.deepStrictEqual(
            results.map((r) => r.status),
            ["invalid", "invalid"],
            JSON.stringify(results),
        );
        assert.match(results[0].msg, /credentialsSecret/);
    });

    it("aws-prod: S3 through the pod's IRSA role, no static key", async () => {
        const storage = storageOf(replicaSet(await renderStack("aws-prod")));
        assert.strictEqual(storage.type, "s3");
        assert.strictEqual(storage.s3.credentialsSecret, undefined);
    });

    it("gcp-prod: GCS with a key of the backup's own Google service account, as Pulumi secrets the pack accepts", async () => {
        const rs = await renderStack("gcp-prod");
        const storage = storageOf(replicaSet(rs));
        assert.strictEqual(storage.type, "gcs");
        const secret = secretNamed(rs, "data-mongodb", storage.gcs.credentialsSecret);
        const data = (secret.inputs as Obj).stringData as Record<string, string>;
        assert.deepStrictEqual(Object.keys(data).sort(), ["GCS_CLIENT_EMAIL", "GCS_PRIVATE_KEY"]);
        // The key belongs to the service account the replica set's pods are bound to (its bucket grant).
        const sa = rs.run.resources.find((r) => r.type === "kubernetes:core/v1:ServiceAccount" && (r.inputs as Obj).metadata?.name === MONGO_SERVICE_ACCOUNT);
        assert.strictEqual(data.GCS_CLIENT_EMAIL, (sa!.inputs as Obj).metadata.annotations["iam.gke.io/gcp-service-account"]);
        assert.match(data.GCS_PRIVATE_KEY, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n?$/);
        const keys = rs.run.resources.filter((r) => r.type === "gcp:serviceaccount/key:Key");
        assert.strictEqual(keys.length, 1, "one service-account key: the MongoDB backup's");
        for (const v of Object.values(data)) {
            assert.ok(rs.run.secrets.has(v), "every value is a Pulumi secret");
        }
        assert.deepStrictEqual(
            rs.violations.filter((v) => v.policy === "secrets-kubernetes-disallow-plaintext").map((v) => v.message),
            [],
        );
    });

    it("azure-prod: Azure Blob with the storage account's key, as Pulumi secrets the pack accepts", async () => {
        const rs = await renderStack("azure-prod");
        const storage = storageOf(replicaSet(rs));
        assert.strictEqual(storage.type, "azure");
        const secret = secretNamed(rs, "data-mongodb", storage.azure.credentialsSecret);
        const data = (secret.inputs as Obj).stringData as Record<string, string>;
        assert.deepStrictEqual(Object.keys(data).sort(), ["AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_ACCOUNT_NAME"]);
        const account = rs.run.resources.filter((r) => r.type === "azure-native:storage:StorageAccount");
        assert.strictEqual(account.length, 1);
        assert.strictEqual(data.AZURE_STORAGE_ACCOUNT_NAME, (account[0].inputs as Obj).accountName);
        assert.strictEqual(storage.azure.endpointUrl, `https://${data.AZURE_STORAGE_ACCOUNT_NAME}.blob.core.windows.net`);
        // PBM 2.12 signs with the shared key: the account must accept it (Entra ID stays the default).
        assert.strictEqual((account[0].inputs as Obj).allowSharedKeyAccess, true);
        assert.strictEqual((account[0].inputs as Obj).defaultToOAuthAuthentication, true);
        assert.ok(rs.run.secrets.has(data.AZURE_STORAGE_ACCOUNT_KEY), "the key is a Pulumi secret");
        assert.ok(data.AZURE_STORAGE_ACCOUNT_KEY.length > 40);
        assert.deepStrictEqual(
            rs.violations.filter((v) => v.policy === "secrets-kubernetes-disallow-plaintext").map((v) => v.message),
            [],
        );
    });
});
