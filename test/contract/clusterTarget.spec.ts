/**
 * One contract suite for all five ClusterTarget implementations, each run through index.ts with
 * its shipped stack file: EKS (aws-prod), GKE (gcp-prod), AKS (azure-prod), DOKS (do-prod) and an
 * existing kind cluster (local). Every implementation is read into the same facts (./facts.ts) and
 * held to the same invariants; a guarantee a cloud cannot give must be announced (and each
 * implementation's list of announced gaps is pinned here, so none can grow silently); mutated
 * copies of the records prove each invariant can fail.
 */
import * as assert from "assert";
import type { ClusterGuarantee } from "../../components/contract";
import { NO_OBJECT_STORE_WARNING, OPERATOR_DUTIES_WARNING } from "../../components/existing";
import { RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";
import { ClusterFacts, clusterFacts, contractProblems, PROD_ROLES } from "./facts";

interface Implementation {
    stack: string;
    cloud: ClusterFacts["cloud"];
    /** Provisioner of the target's StorageClass (undefined: the cluster's own, not created here). */
    provisioner?: string;
    /** The guarantees this cloud announces it cannot give (sorted); everything else it must give. */
    unmet: ClusterGuarantee[];
}

const IMPLEMENTATIONS: Implementation[] = [
    { stack: "aws-prod", cloud: "aws", provisioner: "ebs.csi.aws.com", unmet: [] },
    { stack: "gcp-prod", cloud: "gcp", provisioner: "pd.csi.storage.gke.io", unmet: [] },
    { stack: "azure-prod", cloud: "azure", provisioner: "disk.csi.azure.com", unmet: [] },
    {
        stack: "do-prod",
        cloud: "digitalocean",
        provisioner: "dobs.csi.digitalocean.com",
        unmet: ["controlPlaneAuditLogs", "etcdCustomerKey", "nodeDiskCustomerKey", "objectStoreCustomerKey", "objectStoreEncryption", "zoneRedundancy"],
    },
    { stack: "local", cloud: "existing", unmet: [] },
];

const runs = new Map<string, RunResult>();

async function runOf(stack: string): Promise<RunResult> {
    if (!runs.has(stack)) {
        runs.set(stack, await sharedRun({ stack }));
    }
    return runs.get(stack)!;
}

/** A copy of a run with `change` applied to its records and outputs. */
function mutated(run: RunResult, change: (r: RunResult) => void): RunResult {
    const copy = structuredClone({ ...run, secrets: new Set<string>() });
    change(copy);
    return copy;
}

function resource(run: RunResult, type: string): Record<string, any> {
    const r = run.resources.find((x) => x.type === type);
    assert.ok(r, `no ${type} in the run`);
    return r.inputs;
}

for (const impl of IMPLEMENTATIONS) {
    describe(`ClusterTarget contract: ${impl.cloud} (${impl.stack})`, () => {
        let run: RunResult;
        let facts: ClusterFacts;
        before(async () => {
            run = await runOf(impl.stack);
            facts = clusterFacts(run);
        });

        it("holds every invariant", () => {
            assert.deepStrictEqual(contractProblems(facts), []);
        });

        it("reports the cloud that built it", () => {
            assert.strictEqual(facts.cloud, impl.cloud);
        });

        it("announces exactly the guarantees it cannot give", () => {
            assert.deepStrictEqual(facts.unmet, impl.unmet);
        });

        it("exports the kubeconfig as a secret", () => {
            assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
            assert.strictEqual(facts.kubeconfigSecret, true);
        });

        if (impl.cloud === "existing") {
            it("creates no cloud resource and says what it cannot verify", () => {
                assert.deepStrictEqual(
                    run.resources.filter((r) => /^(aws|gcp|azure-native):/.test(r.type)).map((r) => r.type),
                    [],
                );
                assert.strictEqual(facts.verifiable, false);
                assert.ok(facts.warnings.includes(OPERATOR_DUTIES_WARNING));
            });

            it("has no object store and announces that backups are disabled", () => {
                assert.strictEqual(facts.objectStore, undefined);
                assert.ok(facts.warnings.includes(NO_OBJECT_STORE_WARNING));
            });
            return;
        }

        const waived = (g: ClusterGuarantee): boolean => impl.unmet.includes(g);

        it(waived("zoneRedundancy") ? "lists no zones (its nodes carry no zone label), announced" : "spans at least three zones", () => {
            assert.strictEqual(facts.environment, "prod");
            if (waived("zoneRedundancy")) {
                assert.deepStrictEqual(facts.zones, []);
            } else {
                assert.strictEqual(new Set(facts.zones).size, 3);
            }
        });

        it("has a pool per workload role, each meeting its size", () => {
            assert.deepStrictEqual([...new Set(facts.pools.map((p) => p.role))].sort(), [...PROD_ROLES].sort());
            for (const p of facts.pools) {
                assert.ok(p.minTotal >= 3, `${p.role}: min ${p.minTotal}`);
                assert.ok(p.diskGb >= (p.role === "monitoring" ? 200 : 100), `${p.role}: disk ${p.diskGb} GB`);
                assert.strictEqual(p.diskSsd, true, `${p.role}: SSD`);
                assert.strictEqual(p.diskEncrypted, !waived("nodeDiskCustomerKey"), `${p.role}: encrypted`);
            }
        });

        it(
            waived("etcdCustomerKey")
                ? "cannot encrypt Secrets in etcd with a customer-managed key, announced"
                : "encrypts Secrets in etcd with a customer-managed key",
            () => {
                assert.strictEqual(facts.secretsKey !== undefined, !waived("etcdCustomerKey"));
            },
        );

        it(waived("controlPlaneAuditLogs") ? "cannot log control-plane audit events, announced" : "logs control-plane audit events", () => {
            assert.strictEqual(facts.auditLogging, !waived("controlPlaneAuditLogs"));
        });

        it("offers an encrypted, retained SSD StorageClass", () => {
            assert.deepStrictEqual(
                {
                    provisioner: facts.storageClass?.provisioner,
                    ssd: facts.storageClass?.ssd,
                    encrypted: facts.storageClass?.encrypted,
                    reclaimPolicy: facts.storageClass?.reclaimPolicy,
                },
                { provisioner: impl.provisioner, ssd: true, encrypted: true, reclaimPolicy: "Retain" },
            );
        });

        it("offers an object store that is not public, encrypted with a customer-managed key unless announced", () => {
            assert.deepStrictEqual(
                { encrypted: facts.objectStore?.encrypted, customerManagedKey: facts.objectStore?.customerManagedKey, public: facts.objectStore?.public },
                { encrypted: !waived("objectStoreEncryption"), customerManagedKey: !waived("objectStoreCustomerKey"), public: false },
            );
            assert.strictEqual(typeof run.outputs.backupBucket, "string");
        });
    });
}

describe("ClusterTarget contract: every invariant can fail", () => {
    it("fewer than three zones in prod", async () => {
        const run = mutated(await runOf("gcp-prod"), (r) => {
            r.outputs.zones = ["europe-west4-a", "europe-west4-b"];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["zones: 2 distinct (europe-west4-a, europe-west4-b), need at least 3"]);
    });

    it("a kubeconfig exported in the clear", async () => {
        const run = mutated(await runOf("azure-prod"), (r) => {
            r.redactedOutputs.kubeconfig = r.outputs.kubeconfig;
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["kubeconfig: not exported as a secret"]);
    });

    it("an EKS cluster without Secrets encryption", async () => {
        const run = mutated(await runOf("aws-prod"), (r) => {
            resource(r, "aws:eks/cluster:Cluster").encryptionConfig.resources = [];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["secrets encryption: etcd Secrets are not encrypted with a customer-managed key"]);
    });

    it("a GKE cluster with application-layer encryption off", async () => {
        const run = mutated(await runOf("gcp-prod"), (r) => {
            resource(r, "gcp:container/cluster:Cluster").databaseEncryption = { state: "DECRYPTED" };
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["secrets encryption: etcd Secrets are not encrypted with a customer-managed key"]);
    });

    it("an AKS cluster without Key Vault KMS", async () => {
        const run = mutated(await runOf("azure-prod"), (r) => {
            resource(r, "azure-native:containerservice:ManagedCluster").securityProfile.azureKeyVaultKms.enabled = false;
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["secrets encryption: etcd Secrets are not encrypted with a customer-managed key"]);
    });

    it("an AKS cluster whose diagnostic setting drops kube-audit", async () => {
        const run = mutated(await runOf("azure-prod"), (r) => {
            resource(r, "azure-native:monitor:DiagnosticSetting").logs = [{ category: "guard", enabled: true }];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["audit logging: control-plane audit logs are not on"]);
    });

    it("an EKS cluster without the audit log type", async () => {
        const run = mutated(await runOf("aws-prod"), (r) => {
            resource(r, "aws:eks/cluster:Cluster").enabledClusterLogTypes = ["api"];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["audit logging: control-plane audit logs are not on"]);
    });

    it("an under-sized GKE pool (machine, per-zone minimum, disk)", async () => {
        const run = mutated(await runOf("gcp-prod"), (r) => {
            const pool = r.resources.find((x) => x.type === "gcp:container/nodePool:NodePool" && x.name === "agents-gcp-prod-data")!.inputs as Record<
                string,
                any
            >;
            pool.nodeConfig.machineType = "e2-standard-2";
            pool.nodeConfig.diskType = "pd-standard";
            pool.nodeLocations = ["europe-west4-a", "europe-west4-b"];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), [
            "pool data: e2-standard-2 (2 vCPU, 8 GiB), need 4 vCPU and 16 GiB",
            "pool data: autoscaler minimum 2 nodes, need 3",
            "pool data: disk 100 GB, ssd false, encrypted true; need 100 GB SSD, encrypted",
        ]);
    });

    it("an AKS user pool without encryption at host, on a VM without premium storage", async () => {
        const run = mutated(await runOf("azure-prod"), (r) => {
            resource(r, "azure-native:containerservice:ManagedCluster").diskEncryptionSetID = undefined;
            const pool = r.resources.find((x) => x.type === "azure-native:containerservice:AgentPool" && x.name === "agents-azure-prod-monitoring")!
                .inputs as Record<string, any>;
            pool.enableEncryptionAtHost = false;
            pool.vmSize = "Standard_D4_v5";
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["pool monitoring: disk 256 GB, ssd false, encrypted false; need 100 GB SSD, encrypted"]);
    });

    it("a missing role pool in prod", async () => {
        const run = mutated(await runOf("aws-prod"), (r) => {
            r.resources = r.resources.filter((x) => !(x.type === "aws:eks/nodeGroup:NodeGroup" && x.name === "agents-aws-prod-monitoring"));
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), ["pools: no pool for monitoring"]);
    });

    it("a StorageClass that deletes volumes or does not encrypt", async () => {
        const gcp = mutated(await runOf("gcp-prod"), (r) => {
            resource(r, "kubernetes:storage.k8s.io/v1:StorageClass").reclaimPolicy = "Delete";
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(gcp)), [
            "storage class encrypted-ssd: ssd true, encrypted true, reclaimPolicy Delete; need SSD, encrypted, Retain",
        ]);
        const azure = mutated(await runOf("azure-prod"), (r) => {
            delete resource(r, "kubernetes:storage.k8s.io/v1:StorageClass").parameters.diskEncryptionSetID;
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(azure)), [
            "storage class encrypted-ssd: ssd true, encrypted false, reclaimPolicy Retain; need SSD, encrypted, Retain",
        ]);
    });

    it("a public or Google-managed-key bucket, a public storage account", async () => {
        const gcp = mutated(await runOf("gcp-prod"), (r) => {
            const b = resource(r, "gcp:storage/bucket:Bucket");
            b.publicAccessPrevention = "inherited";
            delete b.encryption;
        });
        const gcpFacts = clusterFacts(gcp);
        assert.deepStrictEqual(contractProblems(gcpFacts), [
            `object store ${gcpFacts.objectStore!.name}: encrypted true, public true; need encrypted and not public`,
            `object store ${gcpFacts.objectStore!.name}: not encrypted with a customer-managed key`,
        ]);
        const azure = mutated(await runOf("azure-prod"), (r) => {
            resource(r, "azure-native:storage:StorageAccount").allowBlobPublicAccess = true;
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(azure)), [
            "object store agents-azure-prod-backups: encrypted true, public true; need encrypted and not public",
        ]);
    });

    it("a DOKS target that stops announcing what it cannot give", async () => {
        const run = mutated(await runOf("do-prod"), (r) => {
            r.outputs.warnings = (r.outputs.warnings as string[]).filter((w) => !w.startsWith("guarantee not given"));
        });
        const facts = clusterFacts(run);
        assert.deepStrictEqual(contractProblems(facts), [
            "zones: 0 distinct (), need at least 3",
            `object store ${facts.objectStore!.name}: encrypted false, public false; need encrypted and not public`,
            `object store ${facts.objectStore!.name}: not encrypted with a customer-managed key`,
            "secrets encryption: etcd Secrets are not encrypted with a customer-managed key",
            "audit logging: control-plane audit logs are not on",
            ...["system", "agents", "data", "monitoring"].map(
                (role) => `pool ${role}: disk ${role === "system" ? 100 : 200} GB, ssd true, encrypted false; need 100 GB SSD, encrypted`,
            ),
        ]);
    });

    it("an announcement does not excuse what it does not name: a public DOKS bucket, a small droplet, an unencrypted class", async () => {
        const run = mutated(await runOf("do-prod"), (r) => {
            resource(r, "digitalocean:index/spacesBucket:SpacesBucket").acl = "public-read";
            resource(r, "digitalocean:index/kubernetesCluster:KubernetesCluster").nodePool.size = "s-2vcpu-4gb";
            delete resource(r, "kubernetes:storage.k8s.io/v1:StorageClass").parameters["dobs.csi.digitalocean.com/luks-encrypted"];
        });
        const facts = clusterFacts(run);
        assert.deepStrictEqual(contractProblems(facts), [
            `object store ${facts.objectStore!.name}: encrypted false, public true; need encrypted and not public`,
            "storage class encrypted-ssd: ssd true, encrypted false, reclaimPolicy Retain; need SSD, encrypted, Retain",
            "pool system: s-2vcpu-4gb (2 vCPU, 4 GiB), need 4 vCPU and 16 GiB",
            "pool system: disk 80 GB, ssd true, encrypted false; need 100 GB SSD, encrypted",
        ]);
    });

    it("an existing cluster that hides its missing object store or its operator duties", async () => {
        const run = mutated(await runOf("local"), (r) => {
            r.outputs.warnings = [];
        });
        assert.deepStrictEqual(contractProblems(clusterFacts(run)), [
            "object store: none, and no warning says backups are disabled",
            "existing cluster: no warning that nodes, etcd encryption and audit logging are the operator's duty",
        ]);
    });
});
