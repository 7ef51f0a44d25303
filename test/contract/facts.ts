/**
 * The ClusterTarget contract, checked the same way on every implementation: each cloud's records
 * (what the program registered under mocks) are read into the same `ClusterFacts`, and one pure
 * function judges them against REQUIREMENTS.md. Reading per cloud, judging once: a new cloud adds
 * an extractor here and inherits every invariant. A guarantee a cloud cannot give (DOKS has no
 * zones, no customer keys for etcd, node disks or buckets, no audit log export) passes only when
 * the target announces it with `unmetGuarantee` (components/contract.ts); silence fails.
 */
import { OPERATOR_DUTIES_WARNING } from "../../components/existing";
import { PROD_FLOOR } from "../../policy/catalog/floors";
import type { Cloud, Environment } from "../../components/types";
import type { RecordedResource, RunResult } from "../../preview/harness";
import { resolveDropletSize, resolveMachineSize } from "../../policy/catalog";
import { ClusterGuarantee, NODE_ROLE_LABEL, unmetGuarantees } from "../../components/contract";

/** One node pool as the contract sees it, whatever the cloud calls it. */
export interface PoolFacts {
    role: string;
    instanceType: string;
    /** Autoscaler minimum of the whole pool (all zones). */
    minTotal: number;
    diskGb: number;
    diskSsd: boolean;
    diskEncrypted: boolean;
}

/** What the contract checks, read from one run. */
export interface ClusterFacts {
    cloud: Cloud;
    environment: Environment;
    zones: string[];
    /** False for an existing cluster: nodes, etcd and audit are not the program's to see. */
    verifiable: boolean;
    pools: PoolFacts[];
    /** The customer-managed key that encrypts Secrets in etcd, or undefined. */
    secretsKey?: string;
    auditLogging: boolean;
    storageClass?: { name: string; provisioner: string; ssd: boolean; encrypted: boolean; reclaimPolicy: string };
    objectStore?: { name: string; encrypted: boolean; customerManagedKey: boolean; public: boolean };
    kubeconfigSecret: boolean;
    warnings: string[];
    /** Guarantees the target announces it cannot give (`guarantee not given (<id>)` warnings), sorted. */
    unmet: ClusterGuarantee[];
}

const ofType = (rs: RecordedResource[], type: string): RecordedResource[] => rs.filter((r) => r.type === type);
const get = (o: unknown, path: string): any => path.split(".").reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
const truthy = (v: unknown): boolean => v === true || v === "true";

function storageClassFacts(rs: RecordedResource[], name: string): ClusterFacts["storageClass"] {
    const sc = ofType(rs, "kubernetes:storage.k8s.io/v1:StorageClass").find((r) => get(r.inputs, "metadata.name") === name);
    if (!sc) {
        return undefined;
    }
    const p = (get(sc.inputs, "parameters") ?? {}) as Record<string, string>;
    const provisioner = String(sc.inputs.provisioner);
    let ssd = false;
    let encrypted = false;
    if (provisioner === "ebs.csi.aws.com") {
        ssd = ["gp3", "gp2", "io1", "io2"].includes(p.type);
        encrypted = p.encrypted === "true" && /^arn:aws:kms:/.test(p.kmsKeyId ?? "");
    } else if (provisioner === "pd.csi.storage.gke.io") {
        ssd = ["pd-ssd", "pd-balanced", "hyperdisk-balanced"].includes(p.type);
        encrypted = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/.test(p["disk-encryption-kms-key"] ?? "");
    } else if (provisioner === "disk.csi.azure.com") {
        ssd = /^(Premium|PremiumV2|UltraSSD|StandardSSD)_/.test(p.skuName ?? "");
        encrypted = /\/providers\/Microsoft\.Compute\/diskEncryptionSets\/[^/]+$/.test(p.diskEncryptionSetID ?? "");
    } else if (provisioner === "dobs.csi.digitalocean.com") {
        ssd = true; // DigitalOcean block storage volumes are SSD-backed; there is no other type
        encrypted =
            p["dobs.csi.digitalocean.com/luks-encrypted"] === "true" &&
            !!p["csi.storage.k8s.io/node-stage-secret-name"] &&
            !!p["csi.storage.k8s.io/node-stage-secret-namespace"];
    }
    return { name, provisioner, ssd, encrypted, reclaimPolicy: String(sc.inputs.reclaimPolicy ?? "Delete") };
}

function awsFacts(rs: RecordedResource[]): Partial<ClusterFacts> {
    const cluster = ofType(rs, "aws:eks/cluster:Cluster")[0];
    const templates = ofType(rs, "aws:ec2/launchTemplate:LaunchTemplate");
    const pools = ofType(rs, "aws:eks/nodeGroup:NodeGroup").map((ng): PoolFacts => {
        const lt = templates.find((t) => t.inputs.name === get(ng.inputs, "launchTemplate.name"));
        const ebs = get(lt?.inputs, "blockDeviceMappings.0.ebs") ?? {};
        return {
            role: String((ng.inputs.labels as Record<string, string> | undefined)?.[NODE_ROLE_LABEL]),
            instanceType: String(get(ng.inputs, "instanceTypes.0")),
            minTotal: Number(get(ng.inputs, "scalingConfig.minSize")),
            diskGb: Number(ebs.volumeSize ?? ng.inputs.diskSize ?? 20),
            diskSsd: ["gp3", "gp2", "io1", "io2"].includes(ebs.volumeType),
            diskEncrypted: truthy(ebs.encrypted),
        };
    });
    const key = get(cluster?.inputs, "encryptionConfig.provider.keyArn");
    const secretsOn = ((get(cluster?.inputs, "encryptionConfig.resources") ?? []) as string[]).includes("secrets");
    const bucket = ofType(rs, "aws:s3/bucket:Bucket")[0];
    const sseConfig = ofType(rs, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0];
    const sse = get(sseConfig?.inputs, "rules.0.applyServerSideEncryptionByDefault") ?? {};
    const pab = ofType(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0]?.inputs ?? {};
    return {
        pools,
        secretsKey: secretsOn && /^arn:aws:kms:[^:]+:\d{12}:key\/[0-9a-f-]{36}$/.test(key ?? "") ? key : undefined,
        auditLogging: ((cluster?.inputs.enabledClusterLogTypes ?? []) as string[]).includes("audit"),
        objectStore: bucket
            ? {
                  name: bucket.name,
                  encrypted: sse.sseAlgorithm === "aws:kms" || sse.sseAlgorithm === "AES256",
                  customerManagedKey: /^arn:aws:kms:/.test(sse.kmsMasterKeyId ?? ""),
                  public: !(pab.blockPublicAcls && pab.blockPublicPolicy && pab.ignorePublicAcls && pab.restrictPublicBuckets),
              }
            : undefined,
    };
}

function gcpFacts(rs: RecordedResource[]): Partial<ClusterFacts> {
    const cluster = ofType(rs, "gcp:container/cluster:Cluster")[0];
    const pools = ofType(rs, "gcp:container/nodePool:NodePool").map((p): PoolFacts => {
        const zones = ((p.inputs.nodeLocations as string[] | undefined) ?? []).length || 3;
        const perZone =
            get(p.inputs, "autoscaling.totalMinNodeCount") !== undefined
                ? undefined
                : Number(get(p.inputs, "autoscaling.minNodeCount") ?? p.inputs.nodeCount ?? 0);
        return {
            role: String((get(p.inputs, "nodeConfig.labels") ?? {})[NODE_ROLE_LABEL]),
            instanceType: String(get(p.inputs, "nodeConfig.machineType")),
            minTotal: perZone === undefined ? Number(get(p.inputs, "autoscaling.totalMinNodeCount")) : perZone * zones,
            diskGb: Number(get(p.inputs, "nodeConfig.diskSizeGb") ?? 100),
            diskSsd: ["pd-ssd", "pd-balanced", "hyperdisk-balanced"].includes(get(p.inputs, "nodeConfig.diskType")),
            diskEncrypted: /\/cryptoKeys\//.test(get(p.inputs, "nodeConfig.bootDiskKmsKey") ?? ""),
        };
    });
    const enc = get(cluster?.inputs, "databaseEncryption") ?? {};
    const logged = ((get(cluster?.inputs, "loggingConfig.enableComponents") ?? []) as string[]).includes("APISERVER");
    const auditSink = ofType(rs, "gcp:logging/projectSink:ProjectSink").some((s) => String(s.inputs.filter ?? "").includes("cloudaudit.googleapis.com"));
    const bucket = ofType(rs, "gcp:storage/bucket:Bucket")[0];
    return {
        pools,
        secretsKey: enc.state === "ENCRYPTED" && /\/cryptoKeys\/[^/]+$/.test(enc.keyName ?? "") ? enc.keyName : undefined,
        auditLogging: logged && auditSink,
        objectStore: bucket
            ? {
                  name: bucket.name,
                  encrypted: true, // GCS always encrypts at rest; the contract asks for a customer-managed key on top
                  customerManagedKey: /\/cryptoKeys\//.test(get(bucket.inputs, "encryption.defaultKmsKeyName") ?? ""),
                  public: !(bucket.inputs.publicAccessPrevention === "enforced" && bucket.inputs.uniformBucketLevelAccess === true),
              }
            : undefined,
    };
}

const PREMIUM_CAPABLE = /^Standard_[A-Z]+\d+[a-z]*s[a-z]*_v\d+$/i;

function azureFacts(rs: RecordedResource[]): Partial<ClusterFacts> {
    const cluster = ofType(rs, "azure-native:containerservice:ManagedCluster")[0];
    const clusterEncrypted = /diskEncryptionSets\//.test(String(cluster?.inputs.diskEncryptionSetID ?? ""));
    const profiles = [
        ...((cluster?.inputs.agentPoolProfiles as Record<string, any>[] | undefined) ?? []),
        ...ofType(rs, "azure-native:containerservice:AgentPool").map((p) => p.inputs),
    ];
    const pools = profiles.map((p): PoolFacts => ({
        role: String((p.nodeLabels ?? {})[NODE_ROLE_LABEL]),
        instanceType: String(p.vmSize),
        minTotal: Number(p.enableAutoScaling ? p.minCount : p.count),
        diskGb: Number(p.osDiskSizeGB ?? 128),
        diskSsd: ["Managed", "Ephemeral"].includes(p.osDiskType) && PREMIUM_CAPABLE.test(String(p.vmSize)),
        diskEncrypted: p.enableEncryptionAtHost === true || clusterEncrypted,
    }));
    const kms = get(cluster?.inputs, "securityProfile.azureKeyVaultKms") ?? {};
    const clusterUri = `/providers/Microsoft.ContainerService/managedClusters/${cluster?.inputs.resourceName}`;
    const audited = rs
        .filter((r) => r.type === "azure-native:monitor:DiagnosticSetting" || r.type === "azure-native:insights:DiagnosticSetting")
        .some(
            (d) =>
                String(d.inputs.resourceUri).endsWith(clusterUri) &&
                ((d.inputs.logs ?? []) as any[]).some((l) => l.category === "kube-audit" && l.enabled === true),
        );
    const account = ofType(rs, "azure-native:storage:StorageAccount")[0];
    const containers = ofType(rs, "azure-native:storage:BlobContainer");
    return {
        pools,
        secretsKey: kms.enabled === true && /^https:\/\/[^/]+\.vault\.azure\.net\/keys\/[^/]+\/[0-9a-f]{32}$/.test(kms.keyId ?? "") ? kms.keyId : undefined,
        auditLogging: audited,
        objectStore: account
            ? {
                  name: account.name,
                  encrypted: get(account.inputs, "encryption.services.blob.enabled") !== false,
                  customerManagedKey:
                      get(account.inputs, "encryption.keySource") === "Microsoft.Keyvault" && !!get(account.inputs, "encryption.keyVaultProperties.keyName"),
                  public: account.inputs.allowBlobPublicAccess !== false || containers.some((c) => (c.inputs.publicAccess ?? "None") !== "None"),
              }
            : undefined,
    };
}

function digitaloceanFacts(rs: RecordedResource[]): Partial<ClusterFacts> {
    const cluster = ofType(rs, "digitalocean:index/kubernetesCluster:KubernetesCluster")[0];
    const inline = cluster ? [get(cluster.inputs, "nodePool")] : [];
    const separate = ofType(rs, "digitalocean:index/kubernetesNodePool:KubernetesNodePool").map((p) => p.inputs);
    const pools = [...inline, ...separate].map((p): PoolFacts => {
        const size = resolveDropletSize(String(p.size));
        return {
            role: String((p.labels ?? {})[NODE_ROLE_LABEL]),
            instanceType: String(p.size),
            minTotal: Number(truthy(p.autoScale) ? p.minNodes : p.nodeCount),
            diskGb: size?.diskGb ?? 0,
            diskSsd: size !== undefined, // every droplet's disk is local SSD
            diskEncrypted: false, // no encryption setting or customer key for a droplet's disk
        };
    });
    const bucket = ofType(rs, "digitalocean:index/spacesBucket:SpacesBucket")[0];
    return {
        pools,
        secretsKey: undefined, // DOKS has no etcd encryption setting
        auditLogging: false, // DOKS has no audit log export
        objectStore: bucket
            ? {
                  name: bucket.name,
                  encrypted: false, // no bucket encryption setting to make or prove
                  customerManagedKey: false,
                  public: (bucket.inputs.acl ?? "private") !== "private",
              }
            : undefined,
    };
}

/** Reads one run (of index.ts for a stack) into the contract's facts. */
export function clusterFacts(run: RunResult): ClusterFacts {
    const cloud = run.outputs.cloud as Cloud;
    const base = {
        cloud,
        environment: run.outputs.environment as Environment,
        zones: (run.outputs.zones as string[]) ?? [],
        kubeconfigSecret: run.redactedOutputs.kubeconfig === "[secret]" && typeof run.outputs.kubeconfig === "string",
        warnings: (run.outputs.warnings as string[] | undefined) ?? [],
        unmet: [...unmetGuarantees((run.outputs.warnings as string[] | undefined) ?? [])].sort(),
        storageClass: storageClassFacts(run.resources, String(run.outputs.storageClass)),
    };
    switch (cloud) {
        case "aws":
            return { ...base, verifiable: true, auditLogging: false, pools: [], ...awsFacts(run.resources) };
        case "gcp":
            return { ...base, verifiable: true, auditLogging: false, pools: [], ...gcpFacts(run.resources) };
        case "azure":
            return { ...base, verifiable: true, auditLogging: false, pools: [], ...azureFacts(run.resources) };
        case "digitalocean":
            return { ...base, verifiable: true, auditLogging: false, pools: [], ...digitaloceanFacts(run.resources) };
        case "existing":
            return {
                ...base,
                verifiable: false,
                auditLogging: false,
                pools: [],
                objectStore:
                    run.outputs.backupBucket === undefined
                        ? undefined
                        : { name: String(run.outputs.backupBucket), encrypted: true, customerManagedKey: false, public: false },
            };
    }
}

/** The roles a production cluster must have a pool for. */
export const PROD_ROLES = ["system", "agents", "data", "monitoring"];

/**
 * Judges facts against the contract; returns one message per broken invariant (empty: all hold).
 * An existing cluster cannot show its nodes, etcd or audit settings: there the contract is that the
 * target says so (the operator-duties warning), and that a missing object store is announced.
 */
export function contractProblems(f: ClusterFacts): string[] {
    const problems: string[] = [];
    const prod = f.environment === "prod";
    const minZones = prod ? PROD_FLOOR.zones : 1;
    const announced = (g: ClusterGuarantee): boolean => f.unmet.includes(g);
    if (new Set(f.zones).size < minZones && !announced("zoneRedundancy")) {
        problems.push(`zones: ${f.zones.length} distinct (${f.zones.join(", ")}), need at least ${minZones}`);
    }
    if (!f.kubeconfigSecret) {
        problems.push("kubeconfig: not exported as a secret");
    }
    if (!f.objectStore && !f.warnings.some((w) => /backups .*disabled/i.test(w))) {
        problems.push("object store: none, and no warning says backups are disabled");
    }
    if (f.objectStore && ((!f.objectStore.encrypted && !announced("objectStoreEncryption")) || f.objectStore.public)) {
        problems.push(
            `object store ${f.objectStore.name}: encrypted ${f.objectStore.encrypted}, public ${f.objectStore.public}; need encrypted and not public`,
        );
    }
    if (!f.verifiable) {
        if (!f.warnings.includes(OPERATOR_DUTIES_WARNING)) {
            problems.push("existing cluster: no warning that nodes, etcd encryption and audit logging are the operator's duty");
        }
        return problems;
    }
    if (f.objectStore && !f.objectStore.customerManagedKey && !announced("objectStoreCustomerKey")) {
        problems.push(`object store ${f.objectStore.name}: not encrypted with a customer-managed key`);
    }
    if (!f.secretsKey && !announced("etcdCustomerKey")) {
        problems.push("secrets encryption: etcd Secrets are not encrypted with a customer-managed key");
    }
    if (!f.auditLogging && !announced("controlPlaneAuditLogs")) {
        problems.push("audit logging: control-plane audit logs are not on");
    }
    if (!f.storageClass) {
        problems.push("storage class: the target's class is not created by the program");
    } else if (!f.storageClass.ssd || !f.storageClass.encrypted || f.storageClass.reclaimPolicy !== "Retain") {
        problems.push(
            `storage class ${f.storageClass.name}: ssd ${f.storageClass.ssd}, encrypted ${f.storageClass.encrypted}, reclaimPolicy ${f.storageClass.reclaimPolicy}; need SSD, encrypted, Retain`,
        );
    }
    if (prod) {
        const missing = PROD_ROLES.filter((role) => !f.pools.some((p) => p.role === role));
        if (missing.length > 0) {
            problems.push(`pools: no pool for ${missing.join(", ")}`);
        }
    }
    for (const p of f.pools) {
        const size = resolveMachineSize(f.cloud as "aws" | "gcp" | "azure" | "digitalocean", p.instanceType);
        const floor = prod ? PROD_FLOOR : { nodes: 2, vcpu: 2, memoryGib: 8, diskGb: 20 };
        const minNodes = prod ? Math.max(floor.nodes, f.zones.length) : floor.nodes;
        if (!size || size.vcpu < floor.vcpu || size.memoryGib < floor.memoryGib) {
            problems.push(
                `pool ${p.role}: ${p.instanceType} (${size ? `${size.vcpu} vCPU, ${size.memoryGib} GiB` : "unknown size"}), need ${floor.vcpu} vCPU and ${floor.memoryGib} GiB`,
            );
        }
        if (p.minTotal < minNodes) {
            problems.push(`pool ${p.role}: autoscaler minimum ${p.minTotal} nodes, need ${minNodes}`);
        }
        if (p.diskGb < floor.diskGb || !p.diskSsd || (!p.diskEncrypted && !announced("nodeDiskCustomerKey"))) {
            problems.push(`pool ${p.role}: disk ${p.diskGb} GB, ssd ${p.diskSsd}, encrypted ${p.diskEncrypted}; need ${floor.diskGb} GB SSD, encrypted`);
        }
    }
    return problems;
}
