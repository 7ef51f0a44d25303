import * as assert from "assert";
import { ADDON_NAMES, addonConfigurationValues, pinnedAddonVersion } from "../../components/aws/addons";
import { cloudWatchRetentionDays, CONTROL_PLANE_LOG_TYPES, controlPlaneLogGroupName } from "../../components/aws/controlPlaneLogs";
import {
    bucketReadWritePolicy,
    clusterKeyPolicy,
    denyInsecureTransportPolicy,
    ebsCsiKmsPolicy,
    eksAccessPolicyArn,
    irsaTrustPolicy,
    issuerHostPath,
    managedPolicyArn,
    partitionOf,
    principalLabels,
    serviceTrustPolicy,
} from "../../components/aws/iamPolicies";
import { buildKubeconfig } from "../../components/aws/kubeconfig";
import { natGatewayCount } from "../../components/aws/network";
import { amiTypeFor, nodeLabelsFor, nodeTaintsFor } from "../../components/aws/nodeGroups";
import { lifecycleRules, OBJECT_STORE_PREFIXES } from "../../components/aws/objectStore";
import { eksClusterArgProblems, resolveEksClusterArgs } from "../../components/aws/args";
import { defaultNodePools } from "../../components/defaults";
import { DEFAULT_RETENTION } from "../../components/defaults";
import { ADMIN_ARN, prodArgs } from "./fixtures";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-4a61-b728-39404a5b6c7d";
const BUCKET = "arn:aws:s3:::agents-prod-store-1a2b3c4";
const ISSUER = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789";

describe("aws/iamPolicies", () => {
    it("derives the partition and managed-policy ARNs from the region", () => {
        assert.strictEqual(partitionOf("eu-west-1"), "aws");
        assert.strictEqual(partitionOf("cn-north-1"), "aws-cn");
        assert.strictEqual(partitionOf("us-gov-west-1"), "aws-us-gov");
        assert.strictEqual(managedPolicyArn("aws", "AmazonEKSClusterPolicy"), "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy");
        assert.strictEqual(
            eksAccessPolicyArn("aws-cn", "AmazonEKSClusterAdminPolicy"),
            "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        );
        assert.deepStrictEqual(serviceTrustPolicy("ec2", "aws-cn").Statement, [
            { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com.cn" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("labels admin principals by name, stable under reordering, with the account when names clash", () => {
        assert.deepStrictEqual(principalLabels(["arn:aws:iam::111122223333:role/platform-admins", "arn:aws:iam::111122223333:user/ops/Break_Glass"]), [
            "platform-admins",
            "break-glass",
        ]);
        assert.deepStrictEqual(principalLabels(["arn:aws:iam::111122223333:user/ops/Break_Glass", "arn:aws:iam::111122223333:role/platform-admins"]), [
            "break-glass",
            "platform-admins",
        ]);
        assert.deepStrictEqual(principalLabels(["arn:aws:iam::111122223333:role/admins", "arn:aws:iam::444455556666:role/team/admins"]), [
            "admins-111122223333",
            "admins-444455556666",
        ]);
    });

    it("trusts exactly one ServiceAccount through the OIDC provider (IRSA)", () => {
        assert.strictEqual(issuerHostPath(ISSUER), "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789");
        const arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789";
        assert.deepStrictEqual(irsaTrustPolicy(arn, ISSUER, "data-postgres", "postgres"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: arn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:sub": "system:serviceaccount:data-postgres:postgres",
                            "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:aud": "sts.amazonaws.com",
                        },
                    },
                },
            ],
        });
    });

    it("lets the account, the Auto Scaling role (node volumes) and CloudWatch Logs use the cluster key", () => {
        const p = clusterKeyPolicy("aws", "111122223333", "eu-west-1");
        assert.deepStrictEqual(
            p.Statement.map((s) => [s.Sid, s.Principal]),
            [
                ["AccountAdministersKeyThroughIam", { AWS: "arn:aws:iam::111122223333:root" }],
                [
                    "AutoScalingUsesKeyForNodeVolumes",
                    { AWS: "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" },
                ],
                [
                    "AutoScalingCreatesGrantsForNodeVolumes",
                    { AWS: "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling" },
                ],
                ["CloudWatchLogsEncryptsLogGroups", { Service: "logs.eu-west-1.amazonaws.com" }],
            ],
        );
        assert.deepStrictEqual(p.Statement[2].Condition, { Bool: { "kms:GrantIsForAWSResource": "true" } });
        assert.deepStrictEqual(p.Statement[3].Condition, {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:111122223333:log-group:*" },
        });
    });

    it("scopes the EBS CSI key policy and the bucket read/write policy to the key and bucket", () => {
        const csi = ebsCsiKmsPolicy(KEY);
        assert.deepStrictEqual(
            csi.Statement.map((s) => [s.Action, s.Resource]),
            [
                [["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], KEY],
                [["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], KEY],
            ],
        );
        const rw = bucketReadWritePolicy(BUCKET, KEY);
        assert.deepStrictEqual(
            rw.Statement.map((s) => s.Resource),
            [BUCKET, `${BUCKET}/*`, KEY],
        );
        assert.ok(rw.Statement.every((s) => s.Effect === "Allow"));
        assert.deepStrictEqual(rw.Statement[1].Action, [
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:AbortMultipartUpload",
            "s3:ListMultipartUploadParts",
        ]);
    });

    it("denies every request to the bucket that is not over TLS", () => {
        assert.deepStrictEqual(denyInsecureTransportPolicy(BUCKET).Statement, [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [BUCKET, `${BUCKET}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ]);
    });
});

describe("aws/controlPlaneLogs", () => {
    it("enables all five control-plane log types", () => {
        assert.deepStrictEqual([...CONTROL_PLANE_LOG_TYPES], ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        assert.strictEqual(controlPlaneLogGroupName("agents-aws-prod"), "/aws/eks/agents-aws-prod/cluster");
    });

    it("rounds retention up to the next value CloudWatch accepts", () => {
        assert.deepStrictEqual([1, 2, 30, 31, 90, 365, 730, 731, 732, 3653].map(cloudWatchRetentionDays), [1, 3, 30, 60, 90, 365, 731, 731, 1096, 3653]);
        assert.throws(() => cloudWatchRetentionDays(3654), { message: "log retention of 3654 days exceeds CloudWatch's longest, 3653 days" });
        assert.throws(() => cloudWatchRetentionDays(0), { message: "log retention of 0 days is not allowed; give at least 1 day" });
    });
});

describe("aws/addons", () => {
    it("pins four add-ons for 1.33, kube-proxy matching the minor; metrics-server resolves to EKS's default", () => {
        assert.deepStrictEqual([...ADDON_NAMES], ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "metrics-server"]);
        assert.deepStrictEqual(
            ADDON_NAMES.map((a) => pinnedAddonVersion(a, "1.33")),
            ["v1.19.5-eksbuild.1", "v1.33.0-eksbuild.2", "v1.12.1-eksbuild.2", "v1.48.0-eksbuild.1", undefined],
        );
        assert.strictEqual(pinnedAddonVersion("kube-proxy", "1.35"), undefined);
    });

    it("turns on network policy enforcement in the VPC CNI only", () => {
        assert.strictEqual(addonConfigurationValues("vpc-cni"), '{"enableNetworkPolicy":"true"}');
        assert.deepStrictEqual(JSON.parse(addonConfigurationValues("vpc-cni")!), { enableNetworkPolicy: "true" });
        assert.strictEqual(addonConfigurationValues("coredns"), undefined);
        assert.strictEqual(addonConfigurationValues("aws-ebs-csi-driver"), undefined);
    });
});

describe("aws/nodeGroups helpers", () => {
    it("chooses the ARM64 AMI for Graviton families only", () => {
        assert.strictEqual(amiTypeFor("m6i.xlarge"), "AL2023_x86_64_STANDARD");
        assert.strictEqual(amiTypeFor("t3.large"), "AL2023_x86_64_STANDARD");
        assert.strictEqual(amiTypeFor("r6in.xlarge"), "AL2023_x86_64_STANDARD");
        assert.strictEqual(amiTypeFor("m7g.xlarge"), "AL2023_ARM_64_STANDARD");
        assert.strictEqual(amiTypeFor("c6gn.2xlarge"), "AL2023_ARM_64_STANDARD");
        assert.strictEqual(amiTypeFor("t4g.large"), "AL2023_ARM_64_STANDARD");
    });

    it("labels every pool with its role and taints all but system", () => {
        const pool = { instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 };
        assert.deepStrictEqual(nodeLabelsFor({ role: "data", ...pool }), { "platform.agents.io/role": "data" });
        assert.deepStrictEqual(nodeTaintsFor({ role: "system", ...pool }), []);
        assert.deepStrictEqual(nodeTaintsFor({ role: "monitoring", ...pool }), [
            { key: "platform.agents.io/dedicated", value: "monitoring", effect: "NO_SCHEDULE" },
        ]);
    });

    it("needs one NAT gateway per zone, or one", () => {
        assert.strictEqual(natGatewayCount("perZone", 3), 3);
        assert.strictEqual(natGatewayCount("single", 3), 1);
    });
});

describe("aws/objectStore lifecycle", () => {
    it("expires each prefix after its retention and cleans up old versions and uploads", () => {
        assert.deepStrictEqual(lifecycleRules(DEFAULT_RETENTION), [
            { id: "expire-backups", status: "Enabled", filter: { prefix: "backups/" }, expiration: { days: 30 } },
            { id: "expire-config", status: "Enabled", filter: { prefix: "config/" }, expiration: { days: 84 } },
            { id: "expire-logs", status: "Enabled", filter: { prefix: "logs/" }, expiration: { days: 90 } },
            { id: "expire-traces", status: "Enabled", filter: { prefix: "traces/" }, expiration: { days: 30 } },
            { id: "expire-conversations", status: "Enabled", filter: { prefix: "conversations/" }, expiration: { days: 365 } },
            { id: "expire-metrics", status: "Enabled", filter: { prefix: "metrics/" }, expiration: { days: 30 } },
            // The platform's own tools expire these; the bucket rule is a backstop a week later.
            { id: "expire-postgres", status: "Enabled", filter: { prefix: "postgres/" }, expiration: { days: 37 } },
            { id: "expire-mongodb", status: "Enabled", filter: { prefix: "mongodb/" }, expiration: { days: 37 } },
            { id: "expire-loki", status: "Enabled", filter: { prefix: "loki/" }, expiration: { days: 97 } },
            { id: "expire-tempo", status: "Enabled", filter: { prefix: "tempo/" }, expiration: { days: 37 } },
            {
                id: "noncurrent-versions-and-uploads",
                status: "Enabled",
                filter: { prefix: "" },
                expiration: { expiredObjectDeleteMarker: true },
                noncurrentVersionExpiration: { noncurrentDays: 30 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            },
        ]);
        assert.deepStrictEqual(Object.values(OBJECT_STORE_PREFIXES), ["backups/", "config/", "logs/", "traces/", "conversations/", "metrics/"]);
    });

    it("follows changed retention figures", () => {
        const rules = lifecycleRules({ ...DEFAULT_RETENTION, backupDays: 45, configBackupWeeks: 4, logsDays: 14, tracesDays: 7 });
        assert.deepStrictEqual(
            rules.slice(0, 4).map((r) => r.expiration?.days),
            [45, 28, 14, 7],
        );
    });
});

describe("aws/kubeconfig", () => {
    it("authenticates with aws eks get-token against the cluster endpoint and CA", () => {
        const k = buildKubeconfig({
            clusterName: "c1",
            endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
            certificateAuthorityData: "Q0E=",
            region: "eu-west-1",
        });
        assert.deepStrictEqual(k, {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "c1", cluster: { server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } }],
            contexts: [{ name: "c1", context: { cluster: "c1", user: "c1" } }],
            "current-context": "c1",
            preferences: {},
            users: [
                {
                    name: "c1",
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"],
                            interactiveMode: "Never",
                        },
                    },
                },
            ],
        });
    });
});

describe("aws/validate", () => {
    it("accepts the production arguments", () => {
        assert.deepStrictEqual(eksClusterArgProblems(prodArgs()), []);
    });

    it("names every bad argument, its value and what is allowed, all at once", () => {
        const args = prodArgs();
        args.region = "europe-west4";
        args.zones = ["europe-west4-a", "europe-west4-a"];
        args.adminPrincipalArns = [];
        args.network = { ...args.network, cidr: "10.0.0.0/26" };
        args.nodePools = [
            { role: "system", instanceType: "m6i.xlarge", minNodes: 4, maxNodes: 3, desiredNodes: 3, diskSizeGb: 100 },
            { role: "system", instanceType: "m6i.xlarge", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 100 },
        ];
        args.endpoint = { publicAccess: true, publicAccessCidrs: [] };
        assert.deepStrictEqual(eksClusterArgProblems(args), [
            { propertyPath: "region", reason: 'found "europe-west4"; must be an AWS region such as eu-west-1' },
            { propertyPath: "zones[0]", reason: 'found "europe-west4-a"; must be a zone of region europe-west4 (e.g. europe-west4a)' },
            { propertyPath: "zones[1]", reason: 'found "europe-west4-a"; must be a zone of region europe-west4 (e.g. europe-west4a)' },
            { propertyPath: "zones", reason: "found duplicates in [europe-west4-a, europe-west4-a]; each zone once" },
            {
                propertyPath: "network.cidr",
                reason: "VPC 10.0.0.0/26 is too small for 2 zones: public subnets would be /29, AWS allows at most /28; use a /25 or larger",
            },
            { propertyPath: "nodePools[0]", reason: "found min 4, desired 3, max 3; need 0 <= min <= desired <= max and max >= 1" },
            { propertyPath: "nodePools[1].role", reason: 'found "system" twice; one pool per role' },
            {
                propertyPath: "adminPrincipalArns",
                reason: "found none; at least one IAM role or user ARN must get cluster-admin (the deployer has no implicit access)",
            },
            { propertyPath: "endpoint.publicAccessCidrs", reason: "found none; a public endpoint must be restricted to named CIDRs" },
        ]);
    });

    it("holds the service range to EKS's rules", () => {
        const withService = (serviceCidr: string) => {
            const args = prodArgs();
            args.network = { ...args.network, serviceCidr };
            return eksClusterArgProblems(args);
        };
        assert.deepStrictEqual(withService("172.20.0.0/16"), []);
        assert.deepStrictEqual(withService("10.40.128.0/20"), [
            {
                propertyPath: "network.serviceCidr",
                reason: 'found "10.40.128.0/20", which overlaps the VPC 10.40.0.0/16; choose a range outside it, e.g. 10.96.0.0/16',
            },
        ]);
        for (const bad of ["100.64.0.0/16", "10.0.0.0/8", "10.96.0.0/25"]) {
            assert.deepStrictEqual(withService(bad), [
                { propertyPath: "network.serviceCidr", reason: `found "${bad}"; EKS needs a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16` },
            ]);
        }
        assert.deepStrictEqual(withService("10.96.0.0"), [
            { propertyPath: "network.serviceCidr", reason: 'invalid CIDR "10.96.0.0": expected a.b.c.d/prefix, e.g. 10.40.0.0/16' },
        ]);
    });

    it("needs at least two zones, as EKS does", () => {
        const args = prodArgs();
        args.zones = ["eu-west-1a"];
        assert.deepStrictEqual(eksClusterArgProblems(args), [
            { propertyPath: "zones", reason: "found only eu-west-1a; EKS needs subnets in at least two availability zones (three for production)" },
        ]);
    });

    it("rejects a malformed or repeated admin ARN and an open public endpoint", () => {
        const args = prodArgs();
        args.adminPrincipalArns = ["arn:aws:iam::111122223333:group/admins", ADMIN_ARN, ADMIN_ARN];
        args.endpoint = { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
        assert.deepStrictEqual(eksClusterArgProblems(args), [
            {
                propertyPath: "adminPrincipalArns[0]",
                reason: 'found "arn:aws:iam::111122223333:group/admins"; must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)',
            },
            { propertyPath: "adminPrincipalArns[2]", reason: `found "${ADMIN_ARN}" again; list each principal once` },
            { propertyPath: "endpoint.publicAccessCidrs", reason: 'found "0.0.0.0/0"; the whole internet is not allowed' },
        ]);
    });
});

describe("aws/args: the minimal arguments and the checks beyond the VPC", () => {
    const minimal = () => ({ region: "eu-west-1", zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], adminPrincipalArns: [ADMIN_ARN] });

    it("accepts region, zones and admins alone, and resolves them to the production defaults", () => {
        assert.deepStrictEqual(eksClusterArgProblems(minimal()), []);
        const a = resolveEksClusterArgs(minimal());
        assert.strictEqual(a.environment, "prod");
        assert.strictEqual(a.kubernetesVersion, "1.35");
        assert.deepStrictEqual(a.nodePools, defaultNodePools("aws", "prod"));
        assert.deepStrictEqual(a.network, { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" });
        assert.strictEqual(a.drRegion, undefined);
    });

    it("rejects a DR region that is the cluster's own or no AWS region", () => {
        for (const drRegion of ["eu-west-1", "europe-west1"]) {
            assert.deepStrictEqual(eksClusterArgProblems({ ...minimal(), drRegion }), [
                { propertyPath: "drRegion", reason: `found "${drRegion}"; must be another AWS region than eu-west-1, e.g. eu-central-1` },
            ]);
        }
    });

    it("rejects an unknown environment, a version that is no minor, a bad retention and a NAT layout EKS has not", () => {
        assert.deepStrictEqual(
            eksClusterArgProblems({
                ...minimal(),
                environment: "qa" as never,
                kubernetesVersion: "1.35.1",
                retention: { auditLogDays: 0 },
                network: { natGateways: "none" as never },
            }),
            [
                { propertyPath: "network.natGateways", reason: 'found "none"; allowed: perZone, single' },
                { propertyPath: "environment", reason: 'found "qa"; allowed: prod, dev' },
                { propertyPath: "kubernetesVersion", reason: 'found "1.35.1"; must be a Kubernetes minor version such as "1.35"' },
                { propertyPath: "retention.auditLogDays", reason: "found 0; must be a whole number from 1 to 3650" },
            ],
        );
    });
});
