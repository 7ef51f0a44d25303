/**
 * Mock answers for @pulumi/aws resources and functions (see ./index.ts): what AWS would report
 * back, shaped like the real thing so every apply() path of the EKS component runs offline.
 *
 * - every type that has an ARN in AWS gets one, and every resource mirrors its tags into `tagsAll`;
 * - ids and names are stable hashes of the resource name (`vpc-0a1b…`, `AROA…`, key UUIDs);
 * - the EKS cluster reports an endpoint `https://<32 hex>.gr7.<region>.eks.amazonaws.com`, a
 *   base64 PEM certificate authority and an OIDC issuer `https://oidc.eks.<region>.amazonaws.com/id/<32 hex>`;
 * - the account is 111122223333 and the region the stack's `aws:region` (default eu-west-1).
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { MockTable } from "./types";

/** The account every mocked ARN lives in (the stacks' admin role is in it too). */
export const MOCK_ACCOUNT_ID = "111122223333";
const DEFAULT_REGION = "eu-west-1";

function hex(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** The stack's AWS region (provider config), or the default when a test sets none. */
/**
 * The zone ID the mock gives a zone name (`us-east-1e` -> `use1-az3`). Real accounts map names to
 * IDs differently; the mock uses one fixed mapping: letter n is `az<n>`, except in us-east-1,
 * where a, b, c, d, e, f are az1, az2, az4, az6, az3, az5 (so us-east-1e is the zone EKS refuses).
 */
export function mockZoneId(zone: string): string {
    const m = /^([a-z]+)-([a-z]+(?:-[a-z]+)?)-(\d+)([a-z])$/.exec(zone);
    if (!m) {
        return `${zone}-id`;
    }
    const short = `${m[1]}${m[2]
        .split("-")
        .map((w) => w[0])
        .join("")}${m[3]}`;
    const n = m[4].charCodeAt(0) - 96;
    const useast1 = [1, 2, 4, 6, 3, 5];
    return `${short}-az${zone.startsWith("us-east-1") && n <= 6 ? useast1[n - 1] : n}`;
}

function region(inputs: Record<string, any> = {}): string {
    if (typeof inputs.region === "string" && inputs.region) {
        return inputs.region;
    }
    try {
        return pulumi.runtime.getConfig("aws:region") ?? DEFAULT_REGION;
    } catch {
        return DEFAULT_REGION;
    }
}

/** An EC2-style id: `vpc-0123456789abcdef0` (exported so tests can name what a reference should hold). */
export function ec2Id(prefix: string, name: string): string {
    return `${prefix}-0${hex(prefix, name).slice(0, 16)}`;
}

/** A UUID-shaped id (KMS key ids). */
function uuid(...parts: string[]): string {
    const h = hex(...parts);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An auto-generated physical name, as Pulumi's auto-naming makes them (`name-1a2b3c4`). */
function autoName(name: string, explicit: unknown): string {
    return typeof explicit === "string" && explicit.length > 0 ? explicit : `${name}-${hex("autoname", name).slice(0, 7)}`;
}

/** A base64 PEM that looks like a cluster CA certificate (not a real certificate). */
function caData(name: string): string {
    const body = Buffer.from(hex("ca", name).repeat(12), "hex").toString("base64");
    const lines = body.match(/.{1,64}/g) ?? [];
    return Buffer.from(`-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`).toString("base64");
}

/** Kubernetes minor -> kube-proxy version EKS reports as default. */
function defaultAddonVersion(addonName: string, kubernetesVersion: string): string {
    switch (addonName) {
        case "kube-proxy":
            return `v${kubernetesVersion}.0-eksbuild.1`;
        case "vpc-cni":
            return "v1.19.5-eksbuild.1";
        case "coredns":
            return "v1.12.1-eksbuild.2";
        case "aws-ebs-csi-driver":
            return "v1.48.0-eksbuild.1";
        case "metrics-server":
            return "v0.8.0-eksbuild.1";
        default:
            throw new Error(`offline preview: no mock version for EKS add-on ${addonName}`);
    }
}

/** EC2 id prefixes by type: the provider id of these resources is `<prefix>-0<hex>`. */
const EC2_ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
};

/**
 * The provider id AWS gives a resource: EC2 ids, the key UUID for KMS keys, the name for roles,
 * buckets, clusters and log groups, the bucket for bucket sub-resources, `cluster:name` for node
 * groups and add-ons. Undefined keeps the generic mock id.
 */
export function awsMockId(type: string, name: string, inputs: Record<string, any>): string | undefined {
    const ec2 = EC2_ID_PREFIX[type];
    if (ec2) {
        return ec2Id(ec2, name);
    }
    switch (type) {
        case "aws:kms/key:Key":
            return uuid("kms", name);
        case "aws:iam/role:Role":
        case "aws:eks/cluster:Cluster":
        case "aws:cloudwatch/logGroup:LogGroup":
            return autoName(name, inputs.name);
        case "aws:s3/bucket:Bucket":
            return autoName(name, inputs.bucket).toLowerCase();
        case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        case "aws:s3/bucketVersioning:BucketVersioning":
        case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
        case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
        case "aws:s3/bucketPolicy:BucketPolicy":
            return typeof inputs.bucket === "string" ? inputs.bucket : undefined;
        case "aws:eks/nodeGroup:NodeGroup":
            return `${inputs.clusterName}:${autoName(name, inputs.nodeGroupName)}`;
        case "aws:eks/addon:Addon":
            return `${inputs.clusterName}:${inputs.addonName}`;
        case "aws:eks/accessEntry:AccessEntry":
        case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
            return `${inputs.clusterName}#${inputs.principalArn}${inputs.policyArn ? `#${inputs.policyArn}` : ""}`;
        default:
            return undefined;
    }
}

export const awsMocks: MockTable = {
    prefix: "aws:",
    id: awsMockId,
    states: {
        "aws:ec2/vpc:Vpc": (name, inputs) => {
            const id = ec2Id("vpc", name);
            return {
                arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:vpc/${id}`,
                defaultSecurityGroupId: ec2Id("sg", `${name}-default`),
                mainRouteTableId: ec2Id("rtb", `${name}-main`),
                defaultNetworkAclId: ec2Id("acl", name),
                ownerId: MOCK_ACCOUNT_ID,
                instanceTenancy: "default",
            };
        },
        "aws:ec2/subnet:Subnet": (name, inputs) => ({
            arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:subnet/${ec2Id("subnet", name)}`,
            availabilityZoneId: `euw1-az${(parseInt(hex(name).slice(0, 2), 16) % 3) + 1}`,
            ownerId: MOCK_ACCOUNT_ID,
        }),
        "aws:ec2/internetGateway:InternetGateway": (name, inputs) => ({
            arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:internet-gateway/${ec2Id("igw", name)}`,
            ownerId: MOCK_ACCOUNT_ID,
        }),
        "aws:ec2/routeTable:RouteTable": (name, inputs) => ({
            arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:route-table/${ec2Id("rtb", name)}`,
            ownerId: MOCK_ACCOUNT_ID,
        }),
        "aws:ec2/eip:Eip": (name, inputs) => {
            const h = hex("eip", name);
            return {
                arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:elastic-ip/${ec2Id("eipalloc", name)}`,
                allocationId: ec2Id("eipalloc", name),
                publicIp: `52.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${(parseInt(h.slice(4, 6), 16) % 253) + 1}`,
                publicDns: `ec2-52-0-0-1.${region(inputs)}.compute.amazonaws.com`,
                domain: inputs.domain ?? "vpc",
            };
        },
        "aws:ec2/natGateway:NatGateway": (name, inputs) => {
            const h = hex("nat", name);
            return {
                arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:natgateway/${ec2Id("nat", name)}`,
                networkInterfaceId: ec2Id("eni", name),
                privateIp: `10.0.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2, 4), 16) % 253) + 1}`,
                publicIp: `54.${parseInt(h.slice(4, 6), 16)}.${parseInt(h.slice(6, 8), 16)}.${(parseInt(h.slice(8, 10), 16) % 253) + 1}`,
            };
        },
        "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs) => {
            const id = ec2Id("lt", name); // same as awsMockId
            return {
                arn: `arn:aws:ec2:${region(inputs)}:${MOCK_ACCOUNT_ID}:launch-template/${id}`,
                name: autoName(name, inputs.name),
                latestVersion: 1,
                defaultVersion: 1,
            };
        },
        "aws:kms/key:Key": (name, inputs) => {
            const keyId = uuid("kms", name);
            return {
                keyId,
                arn: `arn:aws:kms:${region(inputs)}:${MOCK_ACCOUNT_ID}:key/${keyId}`,
                keyUsage: inputs.keyUsage ?? "ENCRYPT_DECRYPT",
                customerMasterKeySpec: inputs.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT",
                isEnabled: true,
                rotationPeriodInDays: inputs.enableKeyRotation ? 365 : undefined,
            };
        },
        "aws:kms/alias:Alias": (name, inputs) => ({
            arn: `arn:aws:kms:${region(inputs)}:${MOCK_ACCOUNT_ID}:${inputs.name ?? `alias/${name}`}`,
            targetKeyArn: `arn:aws:kms:${region(inputs)}:${MOCK_ACCOUNT_ID}:key/${inputs.targetKeyId}`,
        }),
        "aws:iam/role:Role": (name, inputs) => {
            const roleName = autoName(name, inputs.name);
            return {
                name: roleName,
                arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role${inputs.path ?? "/"}${roleName}`,
                uniqueId: `AROA${hex("role", name).slice(0, 17).toUpperCase()}`,
                createDate: "2026-01-01T00:00:00Z",
                maxSessionDuration: inputs.maxSessionDuration ?? 3600,
            };
        },
        "aws:iam/rolePolicy:RolePolicy": (name, inputs) => ({ name: autoName(name, inputs.name) }),
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => ({
            arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
            thumbprintLists: inputs.thumbprintLists ?? ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
        }),
        "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({
            name: autoName(name, inputs.name),
            arn: `arn:aws:logs:${region(inputs)}:${MOCK_ACCOUNT_ID}:log-group:${autoName(name, inputs.name)}`,
            logGroupClass: inputs.logGroupClass ?? "STANDARD",
        }),
        "aws:eks/cluster:Cluster": (name, inputs) => {
            const clusterName = autoName(name, inputs.name);
            const r = region(inputs);
            const endpointId = hex("eks-endpoint", clusterName).slice(0, 32).toUpperCase();
            const oidcId = hex("eks-oidc", clusterName).slice(0, 32).toUpperCase();
            return {
                name: clusterName,
                arn: `arn:aws:eks:${r}:${MOCK_ACCOUNT_ID}:cluster/${clusterName}`,
                endpoint: `https://${endpointId}.gr7.${r}.eks.amazonaws.com`,
                certificateAuthority: { data: caData(clusterName) },
                identities: [{ oidcs: [{ issuer: `https://oidc.eks.${r}.amazonaws.com/id/${oidcId}` }] }],
                platformVersion: "eks.8",
                status: "ACTIVE",
                createdAt: "2026-01-01T00:00:00Z",
                clusterId: uuid("eks", clusterName),
                vpcConfig: { ...(inputs.vpcConfig ?? {}), clusterSecurityGroupId: ec2Id("sg", `${clusterName}-cluster`) },
                kubernetesNetworkConfig: { ...(inputs.kubernetesNetworkConfig ?? {}), serviceIpv6Cidr: "" },
            };
        },
        "aws:eks/accessEntry:AccessEntry": (_name, inputs) => ({
            accessEntryArn: `arn:aws:eks:${region(inputs)}:${MOCK_ACCOUNT_ID}:access-entry/${inputs.clusterName}/${hex("ae", String(inputs.principalArn)).slice(0, 8)}`,
            createdAt: "2026-01-01T00:00:00Z",
            modifiedAt: "2026-01-01T00:00:00Z",
            kubernetesGroups: inputs.kubernetesGroups ?? [],
            userName: inputs.userName ?? String(inputs.principalArn ?? ""),
            type: inputs.type ?? "STANDARD",
        }),
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": () => ({
            associatedAt: "2026-01-01T00:00:00Z",
            modifiedAt: "2026-01-01T00:00:00Z",
        }),
        "aws:eks/nodeGroup:NodeGroup": (name, inputs) => {
            const groupName = autoName(name, inputs.nodeGroupName);
            return {
                nodeGroupName: groupName,
                arn: `arn:aws:eks:${region(inputs)}:${MOCK_ACCOUNT_ID}:nodegroup/${inputs.clusterName}/${groupName}/${uuid("ng", groupName)}`,
                status: "ACTIVE",
                releaseVersion: `${inputs.version ?? "1.33"}.0-20260101`,
                resources: [{ autoscalingGroups: [{ name: `eks-${groupName}-${uuid("asg", groupName)}` }], remoteAccessSecurityGroupId: "" }],
            };
        },
        "aws:eks/addon:Addon": (_name, inputs) => ({
            arn: `arn:aws:eks:${region(inputs)}:${MOCK_ACCOUNT_ID}:addon/${inputs.clusterName}/${inputs.addonName}/${uuid("addon", String(inputs.addonName))}`,
            addonVersion: inputs.addonVersion,
            createdAt: "2026-01-01T00:00:00Z",
            modifiedAt: "2026-01-01T00:00:00Z",
        }),
        "aws:s3/bucket:Bucket": (name, inputs) => {
            const bucket = autoName(name, inputs.bucket).toLowerCase();
            const r = region(inputs);
            return {
                bucket,
                arn: `arn:aws:s3:::${bucket}`,
                region: r,
                bucketDomainName: `${bucket}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${bucket}.s3.${r}.amazonaws.com`,
                hostedZoneId: "Z1BKCTXD74EZPE",
            };
        },
    },
    calls: {
        "aws:index/getCallerIdentity:getCallerIdentity": () => ({
            id: MOCK_ACCOUNT_ID,
            accountId: MOCK_ACCOUNT_ID,
            arn: `arn:aws:sts::${MOCK_ACCOUNT_ID}:assumed-role/platform-admins/pulumi`,
            userId: "AROAEXAMPLEEXAMPLE:pulumi",
        }),
        "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
        "aws:index/getRegion:getRegion": (inputs) => {
            const r = region(inputs);
            return { id: r, region: r, name: r, endpoint: `ec2.${r}.amazonaws.com`, description: r };
        },
        "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
            const r = region(inputs);
            const filter = (inputs.filters as { name: string; values: string[] }[] | undefined)?.find((f) => f.name === "zone-name");
            const names = filter ? filter.values.filter((z) => z.startsWith(r) && /^[a-z]$/.test(z.slice(r.length))) : ["a", "b", "c"].map((l) => `${r}${l}`);
            return { id: r, names, zoneIds: names.map(mockZoneId), groupNames: names.map(() => r), state: "available" };
        },
        "aws:eks/getAddonVersion:getAddonVersion": (inputs) => ({
            id: String(inputs.addonName),
            addonName: inputs.addonName,
            kubernetesVersion: inputs.kubernetesVersion,
            mostRecent: inputs.mostRecent ?? false,
            version: defaultAddonVersion(String(inputs.addonName), String(inputs.kubernetesVersion)),
        }),
    },
    // The fallback sees no type token, so ARNs come from the per-type states above (types without
    // an ARN in AWS, such as routes and policy attachments, get none); every type mirrors its tags.
    fallback: (_name, inputs) => (inputs.tags ? { tagsAll: inputs.tags } : {}),
};
