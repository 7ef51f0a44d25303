import * as assert from "assert";
import { GkeCluster, GkeClusterArgs } from "../../components/gcp";
import { credentialsFile } from "../../components/gcp/workloadIdentity";
import { NODE_ROLE_LABEL, NODE_ROLE_TAINT } from "../../components/contract";
import { runWithMocks, RunResult } from "../../preview/harness";
import { projectNumber } from "../../preview/mocks/gcp";
import { at, inventory, ofType, one, only, thrown } from "../contract/records";
import { PROJECT, prodArgs, REGION, ZONES } from "./fixtures";

const T = {
    component: "agent-platform:gcp:GkeCluster",
    network: "gcp:compute/network:Network",
    subnet: "gcp:compute/subnetwork:Subnetwork",
    router: "gcp:compute/router:Router",
    nat: "gcp:compute/routerNat:RouterNat",
    ring: "gcp:kms/keyRing:KeyRing",
    key: "gcp:kms/cryptoKey:CryptoKey",
    keyMember: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    account: "gcp:serviceaccount/account:Account",
    saMember: "gcp:serviceaccount/iAMMember:IAMMember",
    projectMember: "gcp:projects/iAMMember:IAMMember",
    cluster: "gcp:container/cluster:Cluster",
    pool: "gcp:container/nodePool:NodePool",
    auditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
    logBucket: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
    sink: "gcp:logging/projectSink:ProjectSink",
    bucket: "gcp:storage/bucket:Bucket",
    bucketMember: "gcp:storage/bucketIAMMember:BucketIAMMember",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    provider: "pulumi:providers:kubernetes",
};

/** Builds the component under mocks, binds two workloads, returns what the tests read. */
async function build(args: GkeClusterArgs): Promise<RunResult> {
    return runWithMocks(() => {
        const c = new GkeCluster("t", args);
        const t = c.target;
        const postgres = t.workloadIdentity.bind("t-postgres", { namespace: "data-postgres", serviceAccount: "postgres", objectStoreAccess: "readWrite" });
        const grafana = t.workloadIdentity.bind("t-grafana", { namespace: "observability", serviceAccount: "grafana", objectStoreAccess: "none" });
        return {
            kubeconfig: c.kubeconfig,
            secretsKeyId: c.secretsKeyId,
            bucketName: c.bucketName,
            postgresAnnotations: postgres.serviceAccountAnnotations,
            postgresPodLabels: postgres.podLabels,
            grafanaAnnotations: grafana.serviceAccountAnnotations,
            cloud: t.cloud,
            clusterName: t.clusterName,
            targetKubeconfig: t.kubeconfig,
            zones: t.zones,
            ssdStorageClass: t.ssdStorageClass,
            storeKind: t.objectStore?.kind,
            storeBucket: t.objectStore?.bucket,
            storeUrl: t.objectStore?.url("backups/postgres"),
            nodeRoleLabel: t.nodeRoleLabel,
            readyCount: t.readyResources.length,
            warnings: t.warnings,
        };
    });
}

describe("GkeCluster (gcp-prod arguments)", () => {
    let run: RunResult;
    const number = projectNumber(PROJECT);
    before(async () => {
        run = await build(prodArgs());
    });

    it("registers exactly the expected resources", () => {
        assert.deepStrictEqual(inventory(run), {
            "pulumi:pulumi:Stack": 1,
            [T.component]: 1,
            [T.network]: 1,
            [T.subnet]: 1,
            [T.router]: 1,
            [T.nat]: 1,
            [T.ring]: 1,
            [T.key]: 3,
            [T.keyMember]: 3,
            [T.account]: 3,
            [T.saMember]: 2,
            [T.projectMember]: 2,
            [T.cluster]: 1,
            [T.pool]: 4,
            [T.auditConfig]: 1,
            [T.logBucket]: 1,
            [T.sink]: 1,
            [T.bucket]: 1,
            [T.bucketMember]: 1,
            [T.storageClass]: 1,
            [T.provider]: 1,
        });
    });

    it("parents every child to the component", () => {
        const component = only(run.resources, T.component);
        const orphans = run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== T.component && r.parent !== component.urn);
        assert.deepStrictEqual(
            orphans.map((r) => `${r.type}::${r.name}`),
            [],
        );
    });

    it("builds a VPC-native subnet with pod and service secondary ranges, and Cloud NAT", () => {
        const subnet = one(run.resources, T.subnet, "t-nodes");
        assert.strictEqual(at(subnet, "ipCidrRange"), "10.40.0.0/16");
        assert.strictEqual(at(subnet, "region"), REGION);
        assert.strictEqual(at(subnet, "privateIpGoogleAccess"), true);
        assert.deepStrictEqual(at(subnet, "secondaryIpRanges"), [
            { rangeName: "pods", ipCidrRange: "10.244.0.0/14" },
            { rangeName: "services", ipCidrRange: "10.96.0.0/16" },
        ]);
        assert.match(at(subnet, "network"), /^projects\/acme-agents-prod\/global\/networks\/t-vpc-[0-9a-f]{7}$/);
        assert.strictEqual(at(one(run.resources, T.network, "t-vpc"), "autoCreateSubnetworks"), false);
        const nat = one(run.resources, T.nat, "t-nat");
        assert.strictEqual(at(nat, "sourceSubnetworkIpRangesToNat"), "ALL_SUBNETWORKS_ALL_IP_RANGES");
        assert.strictEqual(at(nat, "natIpAllocateOption"), "AUTO_ONLY");
        assert.match(at(nat, "router"), /^t-router-[0-9a-f]{7}$/);
    });

    it("creates three rotated, protected Cloud KMS keys in one ring", () => {
        const ring = one(run.resources, T.ring, "t-keys");
        assert.strictEqual(ring.opts.protect, true);
        assert.strictEqual(at(ring, "location"), REGION);
        for (const purpose of ["secrets", "disks", "bucket"]) {
            const key = one(run.resources, T.key, `t-${purpose}`);
            assert.strictEqual(key.opts.protect, true, `${purpose} key protected`);
            assert.strictEqual(at(key, "rotationPeriod"), "7776000s");
            assert.strictEqual(at(key, "purpose"), "ENCRYPT_DECRYPT");
            assert.match(at(key, "keyRing"), /^projects\/acme-agents-prod\/locations\/europe-west4\/keyRings\/t-keys-[0-9a-f]{7}$/);
        }
    });

    it("grants each key only to the service agent that uses it", () => {
        const grants = ofType(run.resources, T.keyMember).map((r) => [
            r.name,
            at(r, "role"),
            at(r, "member"),
            String(at(r, "cryptoKeyId"))
                .split("/cryptoKeys/")[1]
                .replace(/-[0-9a-f]{7}$/, ""),
        ]);
        assert.deepStrictEqual(grants.sort(), [
            [
                "t-bucket-gcs-agent",
                "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                `serviceAccount:service-${number}@gs-project-accounts.iam.gserviceaccount.com`,
                "t-bucket",
            ],
            [
                "t-disks-compute-agent",
                "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                `serviceAccount:service-${number}@compute-system.iam.gserviceaccount.com`,
                "t-disks",
            ],
            [
                "t-secrets-gke-agent",
                "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                `serviceAccount:service-${number}@container-engine-robot.iam.gserviceaccount.com`,
                "t-secrets",
            ],
        ]);
    });

    it("makes a private regional cluster over the three zones with the default pool removed", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.strictEqual(at(c, "name"), "t");
        assert.strictEqual(at(c, "location"), REGION);
        assert.deepStrictEqual(at(c, "nodeLocations"), ZONES);
        assert.strictEqual(at(c, "removeDefaultNodePool"), true);
        assert.strictEqual(at(c, "networkingMode"), "VPC_NATIVE");
        assert.deepStrictEqual(at(c, "ipAllocationPolicy"), { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services", stackType: "IPV4" });
        assert.deepStrictEqual(at(c, "privateClusterConfig"), {
            enablePrivateNodes: true,
            enablePrivateEndpoint: true,
            masterIpv4CidrBlock: "172.16.0.0/28",
            masterGlobalAccessConfig: { enabled: false },
        });
        assert.deepStrictEqual(at(c, "masterAuthorizedNetworksConfig"), {
            cidrBlocks: [{ cidrBlock: "10.40.0.0/16", displayName: "cluster-vpc" }],
            gcpPublicCidrsAccessEnabled: false,
            privateEndpointEnforcementEnabled: true,
        });
        assert.strictEqual(at(c, "masterAuth.clientCertificateConfig.issueClientCertificate"), false);
        assert.strictEqual(at(c, "deletionProtection"), true);
        assert.deepStrictEqual(at(c, "resourceLabels"), { environment: "prod", "managed-by": "pulumi", owner: "platform_team" });
    });

    it("encrypts secrets with the customer-managed key and waits for the agent's grant", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.strictEqual(at(c, "databaseEncryption.state"), "ENCRYPTED");
        assert.strictEqual(at(c, "databaseEncryption.keyName"), run.outputs.secretsKeyId);
        assert.ok(String(run.outputs.secretsKeyId).startsWith(String(at(one(run.resources, T.key, "t-secrets"), "keyRing"))));
        assert.match(
            at(c, "databaseEncryption.keyName"),
            /^projects\/acme-agents-prod\/locations\/europe-west4\/keyRings\/t-keys-[0-9a-f]{7}\/cryptoKeys\/t-secrets-[0-9a-f]{7}$/,
        );
        assert.ok(c.opts.dependsOn.includes(one(run.resources, T.keyMember, "t-secrets-gke-agent").urn));
        assert.ok(c.opts.dependsOn.includes(one(run.resources, T.keyMember, "t-disks-compute-agent").urn));
    });

    it("turns on release channel, minimum version, maintenance window, Workload Identity, Dataplane V2, logging and monitoring", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.deepStrictEqual(at(c, "releaseChannel"), { channel: "REGULAR" });
        assert.strictEqual(at(c, "minMasterVersion"), "1.33");
        assert.deepStrictEqual(at(c, "maintenancePolicy.recurringWindow"), {
            startTime: "2026-01-03T00:00:00Z",
            endTime: "2026-01-03T08:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
        });
        assert.strictEqual(at(c, "workloadIdentityConfig.workloadPool"), "acme-agents-prod.svc.id.goog");
        assert.strictEqual(at(c, "datapathProvider"), "ADVANCED_DATAPATH");
        assert.strictEqual(at(c, "enableShieldedNodes"), true);
        assert.strictEqual(at(c, "enableLegacyAbac"), false);
        assert.deepStrictEqual(at(c, "loggingConfig.enableComponents"), ["SYSTEM_COMPONENTS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "WORKLOADS"]);
        assert.strictEqual(at(c, "monitoringConfig.managedPrometheus.enabled"), true);
        assert.ok((at(c, "monitoringConfig.enableComponents") as string[]).includes("APISERVER"));
        assert.deepStrictEqual(c.opts.ignoreChanges.sort(), ["initialNodeCount", "nodeConfig"]);
    });

    it("gives the short-lived default pool the hardened system-pool settings", () => {
        const c = one(run.resources, T.cluster, "t");
        assert.strictEqual(at(c, "nodeConfig.machineType"), "e2-standard-4");
        assert.strictEqual(at(c, "nodeConfig.diskSizeGb"), 100);
        assert.strictEqual(at(c, "nodeConfig.diskType"), "pd-balanced");
        assert.strictEqual(at(c, "nodeConfig.bootDiskKmsKey"), at(one(run.resources, T.pool, "t-system"), "nodeConfig.bootDiskKmsKey"));
    });

    it("makes one node pool per role with per-zone autoscaling whose total meets the minimum", () => {
        const expected: Record<string, { machine: string; min: number; max: number; initial: number; disk: number }> = {
            system: { machine: "e2-standard-4", min: 1, max: 2, initial: 1, disk: 100 },
            agents: { machine: "n2-standard-8", min: 1, max: 3, initial: 1, disk: 100 },
            data: { machine: "n2-standard-8", min: 1, max: 2, initial: 1, disk: 100 },
            monitoring: { machine: "e2-standard-4", min: 1, max: 2, initial: 1, disk: 200 },
        };
        const diskKey = String(at(one(run.resources, T.key, "t-disks"), "keyRing"));
        for (const [role, e] of Object.entries(expected)) {
            const p = one(run.resources, T.pool, `t-${role}`);
            assert.strictEqual(at(p, "cluster"), "t");
            assert.strictEqual(at(p, "location"), REGION);
            assert.deepStrictEqual(at(p, "nodeLocations"), ZONES);
            assert.deepStrictEqual(at(p, "autoscaling"), { minNodeCount: e.min, maxNodeCount: e.max, locationPolicy: "BALANCED" }, role);
            assert.ok(e.min * ZONES.length >= 3, `${role}: ${e.min} per zone x 3 zones >= 3`);
            assert.strictEqual(at(p, "initialNodeCount"), e.initial);
            assert.deepStrictEqual(at(p, "management"), { autoRepair: true, autoUpgrade: true });
            assert.strictEqual(at(p, "nodeConfig.machineType"), e.machine);
            assert.strictEqual(at(p, "nodeConfig.diskSizeGb"), e.disk);
            assert.strictEqual(at(p, "nodeConfig.diskType"), "pd-balanced");
            assert.ok(String(at(p, "nodeConfig.bootDiskKmsKey")).startsWith(`${diskKey}/cryptoKeys/t-disks-`), role);
            assert.deepStrictEqual(at(p, "nodeConfig.shieldedInstanceConfig"), { enableSecureBoot: true, enableIntegrityMonitoring: true });
            assert.strictEqual(at(p, "nodeConfig.workloadMetadataConfig.mode"), "GKE_METADATA");
            assert.strictEqual(
                at(p, "nodeConfig.serviceAccount"),
                `${at(one(run.resources, T.account, "t-node-sa"), "accountId")}@${PROJECT}.iam.gserviceaccount.com`,
            );
            assert.deepStrictEqual(at(p, "nodeConfig.labels"), { [NODE_ROLE_LABEL]: role });
            assert.deepStrictEqual(at(p, "nodeConfig.taints"), role === "system" ? [] : [{ key: NODE_ROLE_TAINT, value: role, effect: "NO_SCHEDULE" }]);
            assert.deepStrictEqual(p.opts.ignoreChanges, ["initialNodeCount"]);
        }
    });

    it("gives nodes a least-privilege service account", () => {
        const roles = ofType(run.resources, T.projectMember)
            .map((r) => at(r, "role"))
            .sort();
        assert.deepStrictEqual(roles, ["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]);
        assert.strictEqual(at(one(run.resources, T.account, "t-node-sa"), "accountId"), "t-nodes");
    });

    it("routes Kubernetes audit logs to a protected log bucket kept for the audit retention", () => {
        const audit = only(run.resources, T.auditConfig);
        assert.strictEqual(at(audit, "service"), "container.googleapis.com");
        assert.deepStrictEqual(at(audit, "auditLogConfigs"), [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }]);
        const bucket = one(run.resources, T.logBucket, "t-audit");
        assert.strictEqual(at(bucket, "retentionDays"), 730);
        assert.strictEqual(bucket.opts.protect, true);
        const sink = one(run.resources, T.sink, "t-audit");
        assert.strictEqual(at(sink, "destination"), "logging.googleapis.com/projects/acme-agents-prod/locations/europe-west4/buckets/t-audit");
        assert.strictEqual(at(sink, "filter"), 'logName:"cloudaudit.googleapis.com" AND resource.type="k8s_cluster" AND resource.labels.cluster_name="t"');
    });

    it("makes a CMEK, versioned, non-public, protected bucket with lifecycle rules from the retention figures", () => {
        const b = one(run.resources, T.bucket, "t-backups");
        assert.strictEqual(b.opts.protect, true);
        assert.strictEqual(at(b, "location"), "EUROPE-WEST4");
        assert.strictEqual(at(b, "uniformBucketLevelAccess"), true);
        assert.strictEqual(at(b, "publicAccessPrevention"), "enforced");
        assert.deepStrictEqual(at(b, "versioning"), { enabled: true });
        assert.strictEqual(at(b, "forceDestroy"), false);
        assert.match(at(b, "encryption.defaultKmsKeyName"), /\/cryptoKeys\/t-bucket-[0-9a-f]{7}$/);
        const ages = (at(b, "lifecycleRules") as any[]).map((r) => [
            r.action.type,
            r.condition.matchesPrefixes?.[0] ?? null,
            r.condition.age ?? r.condition.daysSinceNoncurrentTime,
        ]);
        assert.deepStrictEqual(ages, [
            ["Delete", "backups/", 30],
            ["Delete", "config/", 84],
            ["Delete", "logs/", 90],
            ["Delete", "traces/", 30],
            ["Delete", "conversations/", 365],
            ["Delete", "metrics/", 30],
            ["Delete", "postgres/", 37],
            ["Delete", "mongodb/", 37],
            ["Delete", "loki/", 97],
            ["Delete", "tempo/", 37],
            ["Delete", null, 30],
            ["AbortIncompleteMultipartUpload", null, 1],
        ]);
        assert.ok(b.opts.dependsOn.includes(one(run.resources, T.keyMember, "t-bucket-gcs-agent").urn));
    });

    it("makes an encrypted, retained SSD StorageClass through the cluster's provider", () => {
        const sc = one(run.resources, T.storageClass, "t-ssd");
        const provider = one(run.resources, T.provider, "t-k8s");
        assert.strictEqual(at(sc, "metadata.name"), "encrypted-ssd");
        assert.strictEqual(at(sc, "provisioner"), "pd.csi.storage.gke.io");
        assert.strictEqual(at(sc, "parameters.type"), "pd-ssd");
        assert.match(
            at(sc, "parameters.disk-encryption-kms-key"),
            /^projects\/acme-agents-prod\/locations\/europe-west4\/keyRings\/t-keys-[0-9a-f]{7}\/cryptoKeys\/t-disks-[0-9a-f]{7}$/,
        );
        assert.strictEqual(at(sc, "reclaimPolicy"), "Retain");
        assert.strictEqual(at(sc, "volumeBindingMode"), "WaitForFirstConsumer");
        assert.ok(String(sc.opts.provider).startsWith(`${provider.urn}::`));
    });

    it("exports a secret kubeconfig that reaches the private endpoint through gke-gcloud-auth-plugin", () => {
        assert.strictEqual(run.redactedOutputs.kubeconfig, "[secret]");
        assert.strictEqual(run.redactedOutputs.targetKubeconfig, "[secret]");
        const kc = JSON.parse(String(run.outputs.kubeconfig));
        assert.strictEqual(kc["current-context"], "gke_acme-agents-prod_europe-west4_t");
        assert.strictEqual(kc.clusters[0].cluster.server, "https://172.16.0.2");
        assert.match(kc.clusters[0].cluster["certificate-authority-data"], /^LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t/);
        assert.strictEqual(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.strictEqual(at(one(run.resources, T.provider, "t-k8s"), "kubeconfig"), run.outputs.kubeconfig);
    });

    it("binds Kubernetes ServiceAccounts through Workload Identity, with bucket access only when asked", () => {
        const pg = one(run.resources, T.account, "t-postgres");
        assert.strictEqual(at(pg, "accountId"), "t-postgres");
        const wi = one(run.resources, T.saMember, "t-postgres-wi");
        assert.strictEqual(at(wi, "role"), "roles/iam.workloadIdentityUser");
        assert.strictEqual(at(wi, "member"), "serviceAccount:acme-agents-prod.svc.id.goog[data-postgres/postgres]");
        assert.strictEqual(at(wi, "serviceAccountId"), `projects/${PROJECT}/serviceAccounts/t-postgres@${PROJECT}.iam.gserviceaccount.com`);
        const access = only(run.resources, T.bucketMember);
        assert.strictEqual(access.name, "t-postgres-bucket");
        assert.strictEqual(at(access, "role"), "roles/storage.objectAdmin");
        assert.strictEqual(at(access, "bucket"), run.outputs.bucketName);
        assert.strictEqual(at(access, "member"), `serviceAccount:t-postgres@${PROJECT}.iam.gserviceaccount.com`);
        assert.strictEqual(at(one(run.resources, T.saMember, "t-grafana-wi"), "member"), "serviceAccount:acme-agents-prod.svc.id.goog[observability/grafana]");
        assert.deepStrictEqual(run.outputs.postgresAnnotations, { "iam.gke.io/gcp-service-account": `t-postgres@${PROJECT}.iam.gserviceaccount.com` });
        assert.deepStrictEqual(run.outputs.grafanaAnnotations, { "iam.gke.io/gcp-service-account": `t-grafana@${PROJECT}.iam.gserviceaccount.com` });
        assert.deepStrictEqual(run.outputs.postgresPodLabels, {});
    });

    it("protects and retains exactly the stateful resources (keys, buckets, the audit log bucket)", () => {
        const kept = run.resources
            .filter((r) => r.opts.protect)
            .map((r) => `${r.type}::${r.name}`)
            .sort();
        assert.deepStrictEqual(kept, [
            `${T.key}::t-bucket`,
            `${T.key}::t-disks`,
            `${T.key}::t-secrets`,
            `${T.ring}::t-keys`,
            `${T.logBucket}::t-audit`,
            `${T.bucket}::t-backups`,
        ]);
        assert.deepStrictEqual(
            run.resources
                .filter((r) => r.opts.retainOnDelete)
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            kept,
        );
    });

    it("hands the platform a complete target", () => {
        assert.strictEqual(run.outputs.cloud, "gcp");
        assert.strictEqual(run.outputs.clusterName, "t");
        assert.deepStrictEqual(run.outputs.zones, ZONES);
        assert.strictEqual(run.outputs.ssdStorageClass, "encrypted-ssd");
        assert.strictEqual(run.outputs.storeKind, "gcs");
        assert.match(String(run.outputs.storeBucket), /^t-backups-[0-9a-f]{7}$/);
        assert.strictEqual(run.outputs.storeUrl, `gs://${run.outputs.storeBucket}/backups/postgres`);
        assert.strictEqual(run.outputs.nodeRoleLabel, NODE_ROLE_LABEL);
        assert.strictEqual(run.outputs.readyCount, 5);
        assert.deepStrictEqual(run.outputs.warnings, []);
    });
});

describe("GkeCluster variants", () => {
    it("opens a public endpoint only to the named CIDRs (plus the VPC)", async () => {
        const args = prodArgs();
        args.endpoint = { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] };
        const run = await build(args);
        const c = one(run.resources, T.cluster, "t");
        assert.strictEqual(at(c, "privateClusterConfig.enablePrivateEndpoint"), false);
        assert.strictEqual(at(c, "privateClusterConfig.enablePrivateNodes"), true);
        assert.deepStrictEqual(at(c, "masterAuthorizedNetworksConfig.cidrBlocks"), [
            { cidrBlock: "10.40.0.0/16", displayName: "cluster-vpc" },
            { cidrBlock: "203.0.113.0/24", displayName: "public-0" },
        ]);
        assert.match(JSON.parse(String(run.outputs.kubeconfig)).clusters[0].cluster.server, /^https:\/\/34\.\d+\.\d+\.\d+$/);
    });

    it("leaves stateful resources unprotected and deletion protection off when protectStateful is false", async () => {
        const args = prodArgs();
        args.protectStateful = false;
        args.nodePools = [{ role: "system", instanceType: "custom-4-16384", minNodes: 4, maxNodes: 7, desiredNodes: 5, diskSizeGb: 120 }];
        args.bootDiskType = "pd-ssd";
        const run = await build(args);
        assert.deepStrictEqual(
            run.resources.filter((r) => r.opts.protect || r.opts.retainOnDelete).map((r) => r.name),
            [],
        );
        assert.strictEqual(at(one(run.resources, T.cluster, "t"), "deletionProtection"), false);
        const p = one(run.resources, T.pool, "t-system");
        assert.strictEqual(ofType(run.resources, T.pool).length, 1);
        assert.strictEqual(at(p, "nodeConfig.machineType"), "custom-4-16384");
        assert.strictEqual(at(p, "nodeConfig.diskType"), "pd-ssd");
        assert.deepStrictEqual(at(p, "autoscaling"), { minNodeCount: 2, maxNodeCount: 3, locationPolicy: "BALANCED" });
        assert.strictEqual(at(p, "initialNodeCount"), 2);
    });

    it("rejects a zone outside the region, naming it", async () => {
        const args = prodArgs();
        args.zones = ["europe-west4-a", "europe-west1-b", "europe-west4-c"];
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "zones[1]");
        assert.strictEqual(e.message, 'found "europe-west1-b"; must be a zone of region europe-west4, e.g. europe-west4-a');
    });

    it("rejects a control-plane range that overlaps the pod range", async () => {
        const args = prodArgs();
        args.masterCidr = "10.244.0.0/28";
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "masterCidr");
        assert.strictEqual(e.message, 'found "10.244.0.0/28"; overlaps network.podCidr (10.244.0.0/14), choose a /28 outside every cluster range');
    });

    it("rejects a control-plane range that is not a /28", async () => {
        const args = prodArgs();
        args.masterCidr = "172.16.0.0/24";
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "masterCidr");
        assert.strictEqual(e.message, 'found "172.16.0.0/24"; must be an IPv4 /28 such as 172.16.0.0/28');
    });

    it("rejects a cluster without node pools", async () => {
        const args = prodArgs();
        args.nodePools = [];
        const e = await thrown(() => build(args));
        assert.strictEqual(e.propertyPath, "nodePools");
        assert.strictEqual(e.message, "found none; a GKE cluster needs at least a system pool");
    });
});

describe("GkeCluster: an object-store key for a tool without Workload Identity", () => {
    it("creates a key of the binding's own service account and hands out its e-mail and PEM key, the key secret", async () => {
        const run = await runWithMocks(() => {
            const t = new GkeCluster("t", prodArgs()).target;
            const mongo = t.workloadIdentity.bind("t-mongodb", {
                namespace: "data-mongodb",
                serviceAccount: "mongodb-db",
                objectStoreAccess: "readWrite",
                objectStoreKey: true,
            });
            const plain = t.workloadIdentity.bind("t-postgres", { namespace: "data-postgres", serviceAccount: "postgres", objectStoreAccess: "readWrite" });
            const key = mongo.objectStoreKey;
            if (key?.kind !== "gcsServiceAccountKey") {
                throw new Error(`expected a GCS service-account key, got ${key?.kind}`);
            }
            return {
                kind: key.kind,
                clientEmail: key.clientEmail,
                privateKey: key.privateKey,
                annotations: mongo.serviceAccountAnnotations,
                principal: mongo.principal,
                plainHasKey: plain.objectStoreKey !== undefined,
            };
        });
        const key = one(run.resources, "gcp:serviceaccount/key:Key", "t-mongodb-key");
        assert.strictEqual(at(key, "serviceAccountId"), `projects/${PROJECT}/serviceAccounts/t-mongodb@${PROJECT}.iam.gserviceaccount.com`);
        assert.strictEqual(ofType(run.resources, "gcp:serviceaccount/key:Key").length, 1, "no key for a binding that did not ask");
        assert.strictEqual(run.outputs.plainHasKey, false);
        assert.strictEqual(run.outputs.clientEmail, `t-mongodb@${PROJECT}.iam.gserviceaccount.com`);
        assert.deepStrictEqual(run.outputs.annotations, { "iam.gke.io/gcp-service-account": run.outputs.clientEmail });
        assert.strictEqual(run.outputs.principal, run.outputs.clientEmail, "the principal is the Google service account's e-mail");
        assert.match(String(run.outputs.privateKey), /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n$/);
        assert.strictEqual(run.redactedOutputs.privateKey, "[secret]");
        // The key reaches exactly the bucket grant of that service account.
        assert.strictEqual(
            at(one(run.resources, "gcp:storage/bucketIAMMember:BucketIAMMember", "t-mongodb-bucket"), "member"),
            `serviceAccount:${String(run.outputs.clientEmail)}`,
        );
    });

    it("refuses a key without read-write access, naming the binding", async () => {
        const run = await runWithMocks(() => {
            const t = new GkeCluster("t", prodArgs()).target;
            try {
                t.workloadIdentity.bind("t-reader", { namespace: "x", serviceAccount: "y", objectStoreAccess: "none", objectStoreKey: true });
                return { error: "" };
            } catch (e) {
                return { error: (e as Error).message };
            }
        });
        assert.strictEqual(run.outputs.error, "t-reader: objectStoreKey asked for with objectStoreAccess none; a key is handed out only with readWrite");
        assert.strictEqual(ofType(run.resources, "gcp:serviceaccount/key:Key").length, 0);
    });

    it("reads the e-mail and key from the provider's base64 credentials file, and refuses anything else", () => {
        const file = Buffer.from(
            JSON.stringify({
                type: "service_account",
                client_email: "a@p.iam.gserviceaccount.com",
                private_key: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
            }),
        ).toString("base64");
        assert.deepStrictEqual(credentialsFile(file, "t-x"), {
            clientEmail: "a@p.iam.gserviceaccount.com",
            privateKey: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n",
        });
        for (const bad of ["not base64 json", Buffer.from(JSON.stringify({ client_email: "a@p" })).toString("base64")]) {
            assert.throws(
                () => credentialsFile(bad, "t-x"),
                /^Error: t-x: the service-account key is not a credentials file with client_email and private_key$/,
            );
        }
    });
});
