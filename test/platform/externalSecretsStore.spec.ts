/**
 * Issue 14 part 6: External Secrets, when switched on, reads the cloud's secret manager as its own
 * workload identity through one ClusterSecretStore (components/platform/addons.ts), with a read
 * grant scoped to the cluster's secrets (the per-cloud binders). Checked on the shipped production
 * stacks with the add-on switched on (the whole program under mocks): the store and its auth wiring
 * per cloud, the grant and its scope, and no store (with a warning) on DigitalOcean and an existing
 * cluster. The stores are validated strictly against External Secrets' ClusterSecretStore CRD
 * (kubeconform, scripts/validate-manifests.ts), and a store with a wrong field must fail.
 *
 * The CRD: the mirror's external-secrets-2.8.0.tgz was packaged from git and carries no CRDs (the
 * release process generates them), and the Go module proxy does not serve External Secrets 2.x (its
 * module path has no /v2), so the CRD is read from the newest version the proxy serves, v1.3.2
 * (`config/crds/bases`). Compared with the 2.8.0 tag's file, the `v1` schema of the three providers
 * the store uses differs only by additions in 2.8.0 (aws: customSessionTags, sessionTagsPolicy,
 * service CertificateManager; gcpsm: workloadIdentityFederation.gcpServiceAccountEmail; azurekv: a
 * description); both serve and store `v1` only.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { StaticCredentialsBinder } from "../../components/existing";
import { CLUSTER_SECRET_STORE, clusterSecretStoreSpec, NO_SECRET_STORE_WARNING } from "../../components/platform/addons";
import { runWithMocks, type RecordedResource, type RunResult } from "../../preview/harness";
import { CloudIdentityBinder } from "../../components/workloadIdentity";
import { projectNumber } from "../../preview/mocks/gcp";
import { PROJECT_ROOT } from "../../preview/stackFile";
import { moduleDir, validateAgainstCrds } from "../../scripts/validate-manifests";
import { stackRun } from "../support/stacks";

type Obj = Record<string, any>;

const STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const ON = { "platform.addons.externalSecrets": true };
const SA = { name: "external-secrets", namespace: "external-secrets" };

/** One of External Secrets' CRDs (see the header for the version), by plural. */
function esoCrd(plural: string): Obj {
    const file = path.join(
        moduleDir("github.com/external-secrets/external-secrets", "v1.3.2"),
        "config",
        "crds",
        "bases",
        `external-secrets.io_${plural}.yaml`,
    );
    return YAML.parse(fs.readFileSync(file, "utf8")) as Obj;
}

/** The ExternalSecret of docs/platform.md's External Secrets section. */
function documentedExternalSecret(): Obj {
    const md = fs.readFileSync(path.join(PROJECT_ROOT, "docs", "platform.md"), "utf8");
    const start = md.indexOf("\n## External Secrets: the cluster secret store");
    assert.ok(start >= 0, "docs/platform.md has its External Secrets section");
    const section = md.slice(start, md.indexOf("\n## ", start + 1));
    const blocks = [...section.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => YAML.parse(m[1]) as Obj);
    const found = blocks.filter((o) => o?.kind === "ExternalSecret");
    assert.strictEqual(found.length, 1, "one ExternalSecret in the section");
    return found[0];
}

function only(run: RunResult, type: string, suffix: string): RecordedResource {
    const found = run.resources.filter((r) => r.type === type && r.name.endsWith(suffix));
    assert.strictEqual(found.length, 1, `one ${type} named *${suffix}; found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

function storeOf(run: RunResult): Obj {
    const stores = run.resources.filter((r) => r.type === STORE);
    assert.strictEqual(stores.length, 1, "one ClusterSecretStore");
    return { apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", ...stores[0].inputs };
}

/** The cluster's name as the stack's run recorded it. */
function clusterName(run: RunResult): string {
    return String(run.outputs.clusterName);
}

describe("issue 14: External Secrets reads the cloud's secret manager through workload identity", function () {
    this.timeout(600_000);
    const stores: Obj[] = [];

    it("aws-prod: a Secrets Manager store authenticated by the operator's IRSA token; read of <cluster>/* only", async () => {
        const run = await stackRun("aws-prod", ON);
        const store = storeOf(run);
        stores.push(store);
        assert.strictEqual(store.metadata.name, CLUSTER_SECRET_STORE);
        assert.deepStrictEqual(store.spec, {
            provider: { aws: { service: "SecretsManager", region: "eu-west-1", auth: { jwt: { serviceAccountRef: SA } } } },
        });
        const grant = JSON.parse(String(only(run, "aws:iam/rolePolicy:RolePolicy", "external-secrets-identity-secrets-read").inputs.policy));
        assert.deepStrictEqual(grant.Statement, [
            {
                Sid: "ReadClusterSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${clusterName(run)}/*`,
            },
        ]);
        // The grant is on the role the operator's ServiceAccount names, and on no other role.
        const role = only(run, "aws:iam/role:Role", "external-secrets-identity");
        assert.match(String(role.inputs.assumeRolePolicy), /system:serviceaccount:external-secrets:external-secrets/);
        assert.strictEqual(run.resources.filter((r) => r.name.endsWith("-secrets-read")).length, 1);
        assert.ok(!(run.outputs.warnings as string[]).includes(NO_SECRET_STORE_WARNING));
    });

    it("gcp-prod: a Secret Manager store through GKE Workload Identity; secretAccessor limited to IDs <cluster>-*", async () => {
        const run = await stackRun("gcp-prod", ON);
        const store = storeOf(run);
        stores.push(store);
        const name = clusterName(run);
        assert.deepStrictEqual(store.spec, {
            provider: {
                gcpsm: {
                    projectID: "acme-agents-prod",
                    auth: { workloadIdentity: { clusterLocation: "europe-west4", clusterName: name, serviceAccountRef: SA } },
                },
            },
        });
        const grant = only(run, "gcp:projects/iAMMember:IAMMember", "external-secrets-identity-secrets-read");
        assert.strictEqual(grant.inputs.role, "roles/secretmanager.secretAccessor");
        assert.strictEqual(grant.inputs.project, "acme-agents-prod");
        const gsa = only(run, "gcp:serviceaccount/account:Account", "external-secrets-identity");
        assert.strictEqual(grant.inputs.member, `serviceAccount:${String(gsa.inputs.accountId)}@acme-agents-prod.iam.gserviceaccount.com`);
        assert.strictEqual(
            (grant.inputs.condition as Obj).expression,
            `resource.name.startsWith("projects/${projectNumber("acme-agents-prod")}/secrets/${name}-")`,
        );
    });

    it("azure-prod: a Key Vault store with Azure Workload Identity; Key Vault Secrets User on the cluster's own secrets vault", async () => {
        const run = await stackRun("azure-prod", ON);
        const store = storeOf(run);
        stores.push(store);
        const vault = only(run, "azure-native:keyvault:Vault", "-secrets-kv");
        const vaults = run.resources.filter((r) => r.type === "azure-native:keyvault:Vault");
        assert.strictEqual(vaults.length, 2, "the KMS vault and the secrets vault");
        assert.strictEqual(new Set(vaults.map((r) => r.inputs.vaultName)).size, 2, "the secrets vault is not the KMS vault");
        assert.deepStrictEqual(store.spec, {
            provider: {
                azurekv: { authType: "WorkloadIdentity", vaultUrl: `https://${String(vault.inputs.vaultName)}.vault.azure.net/`, serviceAccountRef: SA },
            },
        });
        assert.strictEqual(at(vault.inputs, "properties.enableRbacAuthorization"), true);
        assert.strictEqual(at(vault.inputs, "properties.enablePurgeProtection"), true);
        const grant = only(run, "azure-native:authorization:RoleAssignment", "external-secrets-identity-secrets-read");
        assert.match(String(grant.inputs.roleDefinitionId), /\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
        assert.match(String(grant.inputs.scope), new RegExp(`/providers/Microsoft\\.KeyVault/vaults/${String(vault.inputs.vaultName)}$`));
        // The operator's pods carry the webhook's label, its ServiceAccount the identity's client ID.
        const chart = run.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === "external-secrets");
        assert.ok(chart, "the external-secrets chart");
        const v = chart.inputs.values as Obj;
        assert.deepStrictEqual(v.podLabels, { "azure.workload.identity/use": "true" });
        assert.ok(v.serviceAccount.annotations["azure.workload.identity/client-id"]);
    });

    for (const stack of ["do-prod", "onprem-prod"]) {
        it(`${stack}: no store and no grant, and the report's warnings say so`, async () => {
            const run = await stackRun(stack, ON);
            assert.strictEqual(run.resources.filter((r) => r.type === STORE).length, 0);
            assert.strictEqual(run.resources.filter((r) => r.name.endsWith("-secrets-read")).length, 0);
            assert.ok((run.outputs.warnings as string[]).includes(NO_SECRET_STORE_WARNING), "the warning is in the stack's warnings");
            assert.ok(
                run.resources.some((r) => r.type === "kubernetes:helm.sh/v4:Chart" && String(r.inputs.chart).endsWith("external-secrets")),
                "the operator still runs",
            );
        });
    }

    it("the add-on off: no store, no grant, no warning", async () => {
        for (const stack of ["aws-prod", "do-prod"]) {
            const run = await stackRun(stack);
            assert.strictEqual(run.resources.filter((r) => r.type === STORE).length, 0);
            assert.strictEqual(run.resources.filter((r) => r.name.endsWith("-secrets-read")).length, 0);
            assert.ok(!(run.outputs.warnings as string[]).includes(NO_SECRET_STORE_WARNING));
        }
    });

    it("a binder without a secret manager refuses a read grant (DOKS, existing, and any cloud that adds none)", async () => {
        const ask = {
            namespace: "external-secrets",
            serviceAccount: "external-secrets",
            objectStoreAccess: "none" as const,
            secretManagerAccess: "read" as const,
        };
        assert.throws(
            () => new StaticCredentialsBinder().bind("t-eso", ask),
            /t-eso: secretManagerAccess read asked for, but this cluster has no secret manager/,
        );
        class NoSecretsBinder extends CloudIdentityBinder<string> {
            constructor(parent: pulumi.Resource) {
                super(parent, false);
            }
            protected createIdentity(name: string): string {
                return name;
            }
            protected grantObjectStore(): void {}
            protected serviceAccountAnnotations(): pulumi.Output<Record<string, string>> {
                return pulumi.output<Record<string, string>>({});
            }
            protected principal(id: string): pulumi.Output<string> {
                return pulumi.output(id);
            }
        }
        const run = await runWithMocks(() => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "p");
            try {
                new NoSecretsBinder(parent).bind("t-eso", ask);
                return { error: "" };
            } catch (e) {
                return { error: (e as Error).message };
            }
        });
        assert.strictEqual(run.outputs.error, "t-eso: secretManagerAccess read asked for, but this cluster has no secret manager");
    });

    it("a secret manager missing what its kind needs is refused, naming the field", () => {
        assert.throws(() => clusterSecretStoreSpec({ kind: "azureKeyVault", namePrefix: undefined as never }, "ns", "sa"), /azureKeyVault has no vaultUrl/);
        assert.throws(
            () => clusterSecretStoreSpec({ kind: "awsSecretsManager", namePrefix: undefined as never }, "ns", "sa"),
            /awsSecretsManager has no region/,
        );
        // Every field is checked when the spec is asked for, not later inside an Output.
        const clusterName = pulumi.output("c");
        assert.throws(
            () =>
                clusterSecretStoreSpec({ kind: "gcpSecretManager", namePrefix: undefined as never, clusterName, clusterLocation: "europe-west1" }, "ns", "sa"),
            /gcpSecretManager has no project/,
        );
        assert.throws(
            () => clusterSecretStoreSpec({ kind: "gcpSecretManager", namePrefix: undefined as never, clusterName, project: "p" }, "ns", "sa"),
            /gcpSecretManager has no clusterLocation/,
        );
    });

    describe("against External Secrets' ClusterSecretStore CRD (strict)", () => {
        let crd: Obj;
        before(function () {
            assert.strictEqual(stores.length, 3, "the three clouds' stores were built above");
            crd = esoCrd("clustersecretstores");
            const served = (crd.spec.versions as Obj[]).filter((v) => v.served).map((v) => v.name);
            assert.deepStrictEqual(served, ["v1"], "the CRD serves external-secrets.io/v1");
        });

        it("each cloud's store is valid", () => {
            const results = validateAgainstCrds(stores, [crd]);
            assert.deepStrictEqual(
                results.map((r) => `${r.object}: ${r.status} ${r.msg}`.trim()),
                stores.map(() => `ClusterSecretStore ${CLUSTER_SECRET_STORE}: valid`),
            );
        });

        it("the documented ExternalSecret is valid and names the store the platform creates", () => {
            const es = documentedExternalSecret();
            assert.deepStrictEqual(es.spec.secretStoreRef, { kind: "ClusterSecretStore", name: CLUSTER_SECRET_STORE });
            const [result] = validateAgainstCrds([es], [esoCrd("externalsecrets")]);
            assert.strictEqual(`${result.status} ${result.msg}`.trim(), "valid");
            const broken = JSON.parse(JSON.stringify(es)) as Obj;
            broken.spec.data[0].remoteRef.name = broken.spec.data[0].remoteRef.key;
            assert.strictEqual(validateAgainstCrds([broken], [esoCrd("externalsecrets")])[0].status, "invalid");
        });

        it("a wrong field, a wrong enum value or a wrong type fails", () => {
            const [aws, gcp, azure] = stores.map((s) => JSON.parse(JSON.stringify(s)) as Obj);
            aws.spec.provider.aws.auth.jwt.serviceAccount = aws.spec.provider.aws.auth.jwt.serviceAccountRef;
            delete aws.spec.provider.aws.auth.jwt.serviceAccountRef;
            gcp.spec.provider.gcpsm.projectId = gcp.spec.provider.gcpsm.projectID;
            delete gcp.spec.provider.gcpsm.projectID;
            azure.spec.provider.azurekv.authType = "Workload";
            const wrongType = JSON.parse(JSON.stringify(stores[0])) as Obj;
            wrongType.spec.provider.aws.region = 42;
            const results = validateAgainstCrds([aws, gcp, azure, wrongType], [crd]);
            assert.deepStrictEqual(
                results.map((r) => r.status),
                ["invalid", "invalid", "invalid", "invalid"],
                results.map((r) => r.msg).join("\n"),
            );
            assert.match(results[0].msg, /serviceAccount/);
            assert.match(results[1].msg, /projectId/);
            assert.match(results[2].msg, /authType/);
        });
    });
});

function at(obj: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (o as Obj | undefined)?.[k], obj);
}
