/** Secrets and encryption-at-rest rules. */
import { aksAgentPool, aksStack, eksStack, get, gkeStack } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";
import { specOf, workload } from "./pods";

const p = (list: Res[], name: string): any => get(list, name).props;

describe("policy secrets-ekscluster-enforce-kms-encryption", () => {
    const rule = "secrets-ekscluster-enforce-kms-encryption";
    it("passes encryptionConfig with secrets and a key", async () => none(await check(rule, eksStack())));
    it("rejects a cluster without encryptionConfig", async () =>
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "eks").encryptionConfig),
            ),
            "stores Secrets without envelope encryption",
            "encryptionConfig not set",
        ));
    it("rejects encryptionConfig without secrets in resources", async () =>
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "eks").encryptionConfig.resources = [])),
            ),
            "encryptionConfig.resources []",
        ));
    it("rejects encryptionConfig without a key ARN", async () =>
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "eks").encryptionConfig.provider),
            ),
            "encryptionConfig.provider.keyArn not set",
        ));
});

describe("policy secrets-gkecluster-enforce-application-encryption", () => {
    const rule = "secrets-gkecluster-enforce-application-encryption";
    it("passes ENCRYPTED with a key", async () => none(await check(rule, gkeStack())));
    it("rejects a cluster without databaseEncryption", async () =>
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => delete p(x, "gke").databaseEncryption),
            ),
            "databaseEncryption.state not set",
        ));
    it("rejects state DECRYPTED", async () =>
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "gke").databaseEncryption.state = "DECRYPTED")),
            ),
            'databaseEncryption.state "DECRYPTED"',
        ));
    it("rejects ENCRYPTED without keyName", async () =>
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => delete p(x, "gke").databaseEncryption.keyName),
            ),
            "databaseEncryption.keyName not set",
        ));
});

describe("policy secrets-akscluster-enforce-keyvault-kms", () => {
    const rule = "secrets-akscluster-enforce-keyvault-kms";
    it("passes Key Vault KMS with key and private vault id", async () => none(await check(rule, aksStack())));
    it("rejects KMS off", async () =>
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => delete p(x, "aks").securityProfile),
            ),
            "securityProfile.azureKeyVaultKms.enabled not set",
        ));
    it("rejects KMS without keyId", async () =>
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => delete p(x, "aks").securityProfile.azureKeyVaultKms.keyId),
            ),
            "keyId not set",
        ));
    it("rejects a private vault without its resource id", async () =>
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => delete p(x, "aks").securityProfile.azureKeyVaultKms.keyVaultResourceId),
            ),
            "uses a private Key Vault without its resource id",
        ));
});

describe("policy secrets-kubernetes-disallow-plaintext", () => {
    const rule = "secrets-kubernetes-disallow-plaintext";
    const secret = (namespace: string, name: string): Res => ({
        type: "kubernetes:core/v1:Secret",
        name: "s",
        props: { metadata: { name, namespace }, stringData: { password: "Sup3r-Secret-Value-42" } },
    });
    it("passes allow-listed generated Secrets, an empty Secret, a clean ConfigMap and env from secretKeyRef", async () => {
        none(
            await check(rule, [
                secret("jamie", "jamie-connections"),
                secret("data-mongodb", "mongodb-jamie-credentials"),
                { type: "kubernetes:core/v1:Secret", name: "e", props: { metadata: { name: "x", namespace: "y" } } },
                { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { metadata: { name: "cfg" }, data: { LOG_LEVEL: "info" } } },
                workload("kubernetes:apps/v1:Deployment"),
            ]),
        );
    });
    it("rejects a Secret with literal data outside the allow-list, naming keys but not values", async () => {
        const v = one(
            await check(rule, [secret("default", "api")]),
            "(default/api) holds literal secret data",
            'keys ["password"]',
            'add "default/api" to allowedSecrets',
        );
        if (v.message.includes("Sup3r-Secret-Value-42")) {
            throw new Error("secret value leaked into the message");
        }
    });
    it("rejects a ConfigMap with a credential-like key", async () => {
        one(
            await check(rule, [
                { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { metadata: { name: "cfg" }, data: { DB_PASSWORD: "hunter2-hunter2" } } },
            ]),
            "stores credentials in a ConfigMap",
            'keys ["DB_PASSWORD"]',
        );
    });
    it("rejects a sensitive env var with a literal value in an init container of a CronJob", async () => {
        const w = workload("kubernetes:batch/v1:CronJob");
        specOf(w).initContainers[0].env = [{ name: "API_TOKEN", value: "tok-123456789" }];
        one(await check(rule, [w]), 'init container "migrate" sets "API_TOKEN" as a literal', "valueFrom.secretKeyRef");
    });
    it("accepts a Secret once allowedSecrets lists it", async () => none(await check(rule, [secret("default", "api")], { allowedSecrets: ["default/*"] })));
});

describe("policy secrets-disk-enforce-encryption", () => {
    const rule = "secrets-disk-enforce-encryption";
    it("passes encrypted EKS, GKE (CMEK) and AKS (host encryption) node disks", async () =>
        none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack(), aksAgentPool()])));
    it("rejects an unencrypted launch-template root volume (pool and template both reported)", async () => {
        const v = await check(
            rule,
            mutate(eksStack(), (x) => (p(x, "lt").blockDeviceMappings[0].ebs.encrypted = "false")),
        );
        one(
            v.filter((x) => x.message.startsWith('NodeGroup "ng"')),
            "node disks are not encrypted",
            "root ebs.encrypted false",
        );
        one(
            v.filter((x) => x.message.startsWith('LaunchTemplate "lt"')),
            'volume "/dev/xvda" is not encrypted',
        );
    });
    it("accepts unencrypted mappings when EBS encryption by default is on in the stack", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "lt").blockDeviceMappings[0].ebs.encrypted = "false"));
        none(await check(rule, [...s, { type: "aws:ebs/encryptionByDefault:EncryptionByDefault", name: "ebs", props: { enabled: true } }]));
    });
    it("rejects a GKE pool without bootDiskKmsKey and an AKS pool without host encryption", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => delete p(x, "pool").nodeConfig.bootDiskKmsKey),
            ),
            "nodeConfig.bootDiskKmsKey not set",
        );
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => delete p(x, "aks").agentPoolProfiles[0].enableEncryptionAtHost),
            ),
            "neither enableEncryptionAtHost nor the cluster's diskEncryptionSetID",
        );
    });
    it("rejects unencrypted EBS, GCE and Azure volumes", async () => {
        one(await check(rule, [{ type: "aws:ebs/volume:Volume", name: "v", props: { size: 100 } }]), 'Volume "v" is not encrypted');
        one(await check(rule, [{ type: "gcp:compute/disk:Disk", name: "d", props: {} }]), "diskEncryptionKey.kmsKeySelfLink not set");
        one(
            await check(rule, [{ type: "azure-native:compute:Disk", name: "a", props: { encryption: { type: "EncryptionAtRestWithPlatformKey" } } }]),
            'encryption.type "EncryptionAtRestWithPlatformKey"',
        );
    });
});

describe("policy secrets-storageclass-enforce-encryption", () => {
    const rule = "secrets-storageclass-enforce-encryption";
    const sc = (provisioner: string, parameters: Record<string, string>): Res => ({
        type: "kubernetes:storage.k8s.io/v1:StorageClass",
        name: "sc",
        props: { provisioner, parameters, reclaimPolicy: "Retain" },
    });
    it("passes encrypted EBS, GKE and Azure classes with customer keys", async () => {
        none(
            await check(rule, [
                sc("ebs.csi.aws.com", { encrypted: "true", kmsKeyId: "arn:k" }),
                sc("pd.csi.storage.gke.io", { "disk-encryption-kms-key": "projects/p/k" }),
                sc("disk.csi.azure.com", { diskEncryptionSetID: "/des" }),
            ]),
        );
    });
    it("rejects an EBS class without encrypted", async () => one(await check(rule, [sc("ebs.csi.aws.com", { type: "gp3" })]), "parameters.encrypted not set"));
    it("rejects an EBS class without kmsKeyId unless requireCustomerKey is off", async () => {
        one(await check(rule, [sc("ebs.csi.aws.com", { encrypted: "true" })]), "parameters.kmsKeyId not set");
        none(await check(rule, [sc("ebs.csi.aws.com", { encrypted: "true" })], { requireCustomerKey: false }));
    });
    it("rejects GKE and Azure classes without their key parameter", async () => {
        one(await check(rule, [sc("pd.csi.storage.gke.io", {})]), "disk-encryption-kms-key not set");
        one(await check(rule, [sc("disk.csi.azure.com", {})]), "diskEncryptionSetID not set");
    });
});

describe("policy secrets-bucket-enforce-encryption", () => {
    const rule = "secrets-bucket-enforce-encryption";
    const s3 = (algo?: string): Res[] => [
        { type: "aws:s3/bucket:Bucket", name: "store", props: {} },
        ...(algo
            ? [
                  {
                      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                      name: "store-sse",
                      props: { bucket: "store-123", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: algo, kmsMasterKeyId: "arn:k" } }] },
                      dependsOn: ["store"],
                  },
              ]
            : []),
    ];
    it("passes an S3 bucket with aws:kms SSE, a CMEK GCS bucket and a Key Vault storage account", async () => {
        none(
            await check(rule, [
                ...s3("aws:kms"),
                { type: "gcp:storage/bucket:Bucket", name: "g", props: { encryption: { defaultKmsKeyName: "projects/p/k" } } },
                { type: "azure-native:storage:StorageAccount", name: "a", props: { encryption: { keySource: "Microsoft.Keyvault" } } },
            ]),
        );
    });
    it("rejects an S3 bucket without an SSE configuration", async () =>
        one(await check(rule, s3()), "no BucketServerSideEncryptionConfiguration (S3 default SSE-S3)"));
    it("rejects an S3 bucket with AES256 only", async () => one(await check(rule, s3("AES256")), 'sseAlgorithm ["AES256"]'));
    it("rejects a GCS bucket without a KMS key and a storage account with Microsoft keys or HTTP", async () => {
        one(await check(rule, [{ type: "gcp:storage/bucket:Bucket", name: "g", props: {} }]), "encryption.defaultKmsKeyName not set");
        one(
            await check(rule, [{ type: "azure-native:storage:StorageAccount", name: "a", props: { encryption: { keySource: "Microsoft.Storage" } } }]),
            'encryption.keySource "Microsoft.Storage"',
        );
        one(
            await check(rule, [
                {
                    type: "azure-native:storage:StorageAccount",
                    name: "a",
                    props: { encryption: { keySource: "Microsoft.Keyvault" }, enableHttpsTrafficOnly: false },
                },
            ]),
            "accepts plain HTTP",
        );
    });
});

describe("policy secrets-kmskey-enforce-rotation", () => {
    const rule = "secrets-kmskey-enforce-rotation";
    it("passes a rotating AWS key and a 90-day Cloud KMS key; skips asymmetric keys", async () => {
        none(
            await check(rule, [
                { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: true } },
                { type: "gcp:kms/cryptoKey:CryptoKey", name: "g", props: { rotationPeriod: "7776000s" } },
                { type: "aws:kms/key:Key", name: "sign", props: { keyUsage: "SIGN_VERIFY" } },
            ]),
        );
    });
    it("rejects an AWS key without rotation", async () =>
        one(await check(rule, [{ type: "aws:kms/key:Key", name: "k", props: {} }]), "enableKeyRotation not set"));
    it("rejects a Cloud KMS key without rotation and one rotating too rarely", async () => {
        one(await check(rule, [{ type: "gcp:kms/cryptoKey:CryptoKey", name: "g", props: {} }]), "rotationPeriod not set");
        one(await check(rule, [{ type: "gcp:kms/cryptoKey:CryptoKey", name: "g", props: { rotationPeriod: "63072000s" } }]), "rotates too rarely");
    });
    it("honours maxRotationDays", async () =>
        one(
            await check(rule, [{ type: "gcp:kms/cryptoKey:CryptoKey", name: "g", props: { rotationPeriod: "7776000s" } }], { maxRotationDays: 30 }),
            "at most 2592000s",
        ));
});
