/**
 * IAM and resource policy documents for the EKS cluster (pure functions over plain strings, so the
 * component applies them to resolved ARNs and the tests read them directly).
 */

/** One IAM policy statement (the subset this component writes). */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

function doc(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** The AWS partition of a region: `aws`, `aws-cn` (China) or `aws-us-gov` (GovCloud). */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** DNS suffix of a partition's service principals (`amazonaws.com`, `amazonaws.com.cn`). */
export function dnsSuffixOf(partition: string): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/** ARN of an AWS-managed IAM policy, e.g. `managedPolicyArn("aws", "AmazonEKSClusterPolicy")`. */
export function managedPolicyArn(partition: string, policyName: string): string {
    return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/** ARN of an EKS access policy, e.g. `AmazonEKSClusterAdminPolicy`. */
export function eksAccessPolicyArn(partition: string, policyName: string): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${policyName}`;
}

/**
 * Stable resource-name labels for IAM principals, so that adding or removing one never renames
 * (and so replaces) another's access entry: the principal's name (`role/team/admins` -> `admins`),
 * or `<name>-<account>` where two principals share a name.
 */
export function principalLabels(arns: string[]): string[] {
    const parse = (arn: string) => {
        const [, , , , account = "", resource = ""] = arn.split(":");
        const last = resource.split("/").pop() ?? resource;
        return {
            account,
            name:
                last
                    .toLowerCase()
                    .replace(/[^a-z0-9-]+/g, "-")
                    .replace(/^-+|-+$/g, "") || "principal",
        };
    };
    const parsed = arns.map(parse);
    return parsed.map((p) => (parsed.filter((q) => q.name === p.name).length > 1 ? `${p.name}-${p.account}` : p.name));
}

/** Trust policy letting an AWS service (`eks`, `ec2`) assume a role. */
export function serviceTrustPolicy(service: string, partition: string): PolicyDocument {
    return doc({
        Effect: "Allow",
        Principal: { Service: `${service}.${dnsSuffixOf(partition)}` },
        Action: "sts:AssumeRole",
    });
}

/** The issuer URL without its scheme, as IAM condition keys spell it (`oidc.eks.<region>.amazonaws.com/id/<ID>`). */
export function issuerHostPath(issuerUrl: string): string {
    return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * IRSA trust policy: only the ServiceAccount `namespace/serviceAccount`, presenting a token for
 * STS, may assume the role through the cluster's OIDC provider.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): PolicyDocument {
    const host = issuerHostPath(issuerUrl);
    return doc({
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            StringEquals: {
                [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                [`${host}:aud`]: "sts.amazonaws.com",
            },
        },
    });
}

/**
 * Key policy of the cluster's customer-managed KMS key: the account administers it through IAM;
 * the Auto Scaling service-linked role may use it for the nodes' encrypted root volumes (managed
 * node groups launch through Auto Scaling, whose role cannot be given IAM policies); CloudWatch
 * Logs may use it for this account's log groups.
 */
export function clusterKeyPolicy(partition: string, accountId: string, region: string): PolicyDocument {
    const asgRole = `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.${dnsSuffixOf(partition)}/AWSServiceRoleForAutoScaling`;
    return doc(
        {
            Sid: "AccountAdministersKeyThroughIam",
            Effect: "Allow",
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
        {
            Sid: "AutoScalingUsesKeyForNodeVolumes",
            Effect: "Allow",
            Principal: { AWS: asgRole },
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: "*",
        },
        {
            Sid: "AutoScalingCreatesGrantsForNodeVolumes",
            Effect: "Allow",
            Principal: { AWS: asgRole },
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
        {
            Sid: "CloudWatchLogsEncryptsLogGroups",
            Effect: "Allow",
            Principal: { Service: `logs.${region}.${dnsSuffixOf(partition)}` },
            Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
        },
    );
}

/** What the cluster role needs on the key to envelope-encrypt Kubernetes Secrets. */
export function clusterEncryptionPolicy(keyArn: string): PolicyDocument {
    return doc({
        Sid: "EnvelopeEncryptSecrets",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
    });
}

/**
 * What the EBS CSI driver needs on the cluster key beyond AmazonEBSCSIDriverPolicy: create grants
 * for attached volumes and encrypt/decrypt the volumes' data keys.
 */
export function ebsCsiKmsPolicy(keyArn: string): PolicyDocument {
    return doc(
        {
            Sid: "GrantsForAttachedVolumes",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            Resource: keyArn,
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        },
        {
            Sid: "VolumeDataKeys",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            Resource: keyArn,
        },
    );
}

/** Read/write access to every object of a bucket encrypted with `keyArn`. */
export function bucketReadWritePolicy(bucketArn: string, keyArn: string): PolicyDocument {
    return doc(
        {
            Sid: "ListBucket",
            Effect: "Allow",
            Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
            Resource: bucketArn,
        },
        {
            Sid: "ReadWriteObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: `${bucketArn}/*`,
        },
        {
            Sid: "UseBucketKey",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey"],
            Resource: keyArn,
        },
    );
}

/** Secrets Manager actions a reader gets: the value and the metadata External Secrets reads with it. */
export const SECRETS_READ_ACTIONS = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];

/**
 * Read of the secrets matching `secretArnPattern` (`arn:...:secret:<cluster name>/*`): their values
 * and metadata only, no listing (ListSecrets cannot be scoped to a name). Secrets encrypted with the
 * account's `aws/secretsmanager` key need no KMS grant; a secret on a customer key also needs
 * `kms:Decrypt` on that key (docs/platform.md).
 */
export function secretsReadPolicy(secretArnPattern: string): PolicyDocument {
    return doc({ Sid: "ReadClusterSecrets", Effect: "Allow", Action: SECRETS_READ_ACTIONS, Resource: secretArnPattern });
}

/** Bucket policy refusing every request that does not arrive over TLS. */
export function denyInsecureTransportPolicy(bucketArn: string): PolicyDocument {
    return doc({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/**
 * What S3 Cross-Region Replication's role needs (docs.aws.amazon.com/AmazonS3/latest/userguide/
 * setting-repl-config-perm-overview.html): read the source's configuration and object versions,
 * write replicas, delete markers and tags to the destination, decrypt with the source key and
 * encrypt with the destination key.
 */
export function replicationRolePolicy(a: {
    sourceBucketArn: string;
    destinationBucketArn: string;
    sourceKeyArn: string;
    destinationKeyArn: string;
}): PolicyDocument {
    return doc(
        {
            Sid: "ReadSourceConfiguration",
            Effect: "Allow",
            Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            Resource: a.sourceBucketArn,
        },
        {
            Sid: "ReadSourceVersions",
            Effect: "Allow",
            Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
            Resource: `${a.sourceBucketArn}/*`,
        },
        {
            Sid: "WriteReplicas",
            Effect: "Allow",
            Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            Resource: `${a.destinationBucketArn}/*`,
        },
        {
            Sid: "DecryptSource",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: a.sourceKeyArn,
        },
        {
            Sid: "EncryptReplicas",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:GenerateDataKey"],
            Resource: a.destinationKeyArn,
        },
    );
}
