import * as assert from "assert";
import { callMock, computedState, mockId } from "../../preview/mocks";
import { awsMockId, ec2Id, MOCK_ACCOUNT_ID } from "../../preview/mocks/aws";

const CTX = { stack: "test", project: "agent-platform" };

describe("preview/mocks/aws", () => {
    it("gives EC2 resources provider-shaped ids that their ARNs repeat", () => {
        assert.match(ec2Id("vpc", "x-vpc"), /^vpc-0[0-9a-f]{16}$/);
        const id = mockId("aws:ec2/vpc:Vpc", "x-vpc", {});
        assert.strictEqual(id, ec2Id("vpc", "x-vpc"));
        assert.strictEqual(
            computedState("aws:ec2/vpc:Vpc", "x-vpc", { cidrBlock: "10.0.0.0/16" }, CTX).arn,
            `arn:aws:ec2:eu-west-1:${MOCK_ACCOUNT_ID}:vpc/${id}`,
        );
        assert.strictEqual(mockId("aws:ec2/launchTemplate:LaunchTemplate", "x-system", { name: "x-system" }), ec2Id("lt", "x-system"));
    });

    it("keeps ids and name outputs consistent: bucket id is the bucket name, role id the role name", () => {
        const bucketState = computedState("aws:s3/bucket:Bucket", "x-store", {}, CTX);
        assert.strictEqual(mockId("aws:s3/bucket:Bucket", "x-store", {}), bucketState.bucket);
        assert.strictEqual(bucketState.arn, `arn:aws:s3:::${bucketState.bucket}`);
        const roleState = computedState("aws:iam/role:Role", "x-node", {}, CTX);
        assert.strictEqual(mockId("aws:iam/role:Role", "x-node", {}), roleState.name);
        assert.strictEqual(roleState.arn, `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleState.name}`);
        const keyState = computedState("aws:kms/key:Key", "x-key", {}, CTX);
        assert.strictEqual(mockId("aws:kms/key:Key", "x-key", {}), keyState.keyId);
        assert.strictEqual(awsMockId("aws:s3/bucketVersioning:BucketVersioning", "x-store", { bucket: "b-1" }), "b-1");
        assert.strictEqual(awsMockId("aws:eks/nodeGroup:NodeGroup", "x-system", { clusterName: "x", nodeGroupName: "ng" }), "x:ng");
        assert.strictEqual(awsMockId("aws:ec2/route:Route", "x-route", {}), undefined);
    });

    it("reports an EKS cluster the way AWS does: endpoint, base64 PEM CA, OIDC issuer", () => {
        const s = computedState("aws:eks/cluster:Cluster", "x-eks", { name: "x", vpcConfig: { subnetIds: ["subnet-1"] } }, CTX) as any;
        assert.strictEqual(s.name, "x");
        assert.strictEqual(s.arn, `arn:aws:eks:eu-west-1:${MOCK_ACCOUNT_ID}:cluster/x`);
        assert.match(s.endpoint, /^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
        const pem = Buffer.from(s.certificateAuthority.data, "base64").toString();
        assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
        assert.match(s.identities[0].oidcs[0].issuer, /^https:\/\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
        assert.deepStrictEqual(s.vpcConfig.subnetIds, ["subnet-1"]);
        assert.match(s.vpcConfig.clusterSecurityGroupId, /^sg-0[0-9a-f]{16}$/);
    });

    it("answers the functions the EKS component calls and refuses unknown ones", () => {
        assert.strictEqual(callMock("aws:index/getCallerIdentity:getCallerIdentity", {}, CTX).accountId, MOCK_ACCOUNT_ID);
        assert.strictEqual(callMock("aws:index/getRegion:getRegion", {}, CTX).region, "eu-west-1");
        assert.strictEqual(
            callMock("aws:eks/getAddonVersion:getAddonVersion", { addonName: "kube-proxy", kubernetesVersion: "1.34" }, CTX).version,
            "v1.34.0-eksbuild.1",
        );
        assert.throws(() => callMock("aws:eks/getAddonVersion:getAddonVersion", { addonName: "adot", kubernetesVersion: "1.34" }, CTX), {
            message: "offline preview: no mock version for EKS add-on adot",
        });
        assert.throws(() => callMock("aws:ec2/getAmi:getAmi", {}, CTX), {
            message: "offline preview: no mock for function aws:ec2/getAmi:getAmi; add one to preview/mocks/",
        });
    });

    it("mirrors tags into tagsAll for every AWS type", () => {
        assert.deepStrictEqual(computedState("aws:ec2/route:Route", "r", { tags: { a: "1" } }, CTX), { tagsAll: { a: "1" } });
        assert.deepStrictEqual(computedState("aws:ec2/route:Route", "r", {}, CTX), {});
    });
});
