import * as assert from "assert";
import * as path from "path";
import { RecordedResource, RunResult } from "../../preview/harness";
import { sharedRun } from "../support/stacks";
import { at, ofType, one, ZONES } from "./fixtures";

/** Types whose count the cluster alone decides (workload-identity roles vary with the platform). */
const FIXED_TYPES = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/routeTable:RouteTable",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:eks/addon:Addon",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
];

function fixedCounts(aws: RecordedResource[]): number[] {
    return FIXED_TYPES.map((t) => aws.filter((r) => r.type === t).length);
}

/** The EKS component of a stack run, and its AWS children. */
function cluster(run: RunResult, stack: string): { component: RecordedResource; aws: RecordedResource[] } {
    const component = one(run.resources, "agent-platform:aws:EksCluster", `agents-${stack}`);
    return { component, aws: run.resources.filter((r) => r.type.startsWith("aws:") && r.parent === component.urn) };
}

describe("aws stacks through index.ts (runProgram)", function () {
    let prod: RunResult;
    let dev: RunResult;

    before(async () => {
        prod = await sharedRun({ stack: "aws-prod" });
        dev = await sharedRun({ stack: "aws-dev" });
    });

    it("aws-prod builds the EKS cluster named after the stack, in eu-west-1 over three zones", () => {
        const { component, aws } = cluster(prod, "aws-prod");
        assert.strictEqual(component.parent, one(prod.resources, "pulumi:pulumi:Stack", "agent-platform-aws-prod").urn);
        // Two keys and two buckets: the cluster's and the cross-region copy's in eu-central-1 (drRegion's prod default).
        assert.deepStrictEqual(fixedCounts(aws), [1, 6, 3, 3, 4, 1, 4, 4, 5, 2, 2]);
        const eks = one(prod.resources, "aws:eks/cluster:Cluster", "agents-aws-prod-eks");
        assert.strictEqual(eks.inputs.name, "agents-aws-prod");
        assert.strictEqual(eks.inputs.version, "1.35");
        assert.strictEqual(at(eks, "vpcConfig.endpointPublicAccess"), false);
        assert.deepStrictEqual(at(eks, "encryptionConfig.resources"), ["secrets"]);
        assert.match(at(eks, "encryptionConfig.provider.keyArn"), /^arn:aws:kms:eu-west-1:111122223333:key\//);
        assert.deepStrictEqual(
            ofType(prod.resources, "aws:ec2/subnet:Subnet")
                .map((s) => s.inputs.availabilityZone)
                .sort(),
            [...ZONES, ...ZONES].sort(),
        );
        assert.strictEqual(one(prod.resources, "aws:ec2/vpc:Vpc", "agents-aws-prod-vpc").inputs.cidrBlock, "10.40.0.0/16");
    });

    it("aws-prod tags every taggable AWS resource with the stack tags", () => {
        const { aws } = cluster(prod, "aws-prod");
        const tagged = aws.filter((r) => r.inputs.tags !== undefined);
        assert.ok(tagged.length >= 35, `only ${tagged.length} tagged`);
        for (const r of tagged) {
            assert.deepStrictEqual(
                {
                    environment: (r.inputs.tags as Record<string, string>).environment,
                    stack: (r.inputs.tags as Record<string, string>).stack,
                    managedBy: (r.inputs.tags as Record<string, string>)["managed-by"],
                },
                { environment: "prod", stack: "aws-prod", managedBy: "pulumi" },
                `${r.type} ${r.name}`,
            );
        }
    });

    it("aws-prod: a NAT gateway per zone and four full-size node pools spread over the three private subnets", () => {
        assert.strictEqual(ofType(prod.resources, "aws:ec2/natGateway:NatGateway").length, 3);
        const pools = Object.fromEntries(
            ofType(prod.resources, "aws:eks/nodeGroup:NodeGroup").map((g) => [
                g.name,
                [at(g, "instanceTypes.0"), at(g, "scalingConfig.minSize"), at(g, "scalingConfig.maxSize"), (g.inputs.subnetIds as string[]).length],
            ]),
        );
        assert.deepStrictEqual(pools, {
            "agents-aws-prod-system": ["m6i.xlarge", 3, 6, 3],
            "agents-aws-prod-agents": ["m6i.2xlarge", 3, 9, 3],
            "agents-aws-prod-data": ["m6i.2xlarge", 3, 6, 3],
            "agents-aws-prod-monitoring": ["m6i.xlarge", 3, 6, 3],
        });
        const disks = ofType(prod.resources, "aws:ec2/launchTemplate:LaunchTemplate").map((lt) => at(lt, "blockDeviceMappings.0.ebs.volumeSize"));
        assert.deepStrictEqual(disks.sort(), [100, 100, 100, 200]);
    });

    it("aws-prod protects the key, the bucket and the log group", () => {
        for (const [type, name] of [
            ["aws:kms/key:Key", "agents-aws-prod-key"],
            ["aws:s3/bucket:Bucket", "agents-aws-prod-store"],
            ["aws:cloudwatch/logGroup:LogGroup", "agents-aws-prod-control-plane"],
        ]) {
            assert.strictEqual(one(prod.resources, type, name).opts.protect, true, `${type} ${name}`);
        }
    });

    it("exports the kubeconfig as a secret and the cluster facts in clear", () => {
        assert.strictEqual(prod.redactedOutputs.kubeconfig, "[secret]");
        const kc = JSON.parse(prod.outputs.kubeconfig as string);
        assert.strictEqual(kc["current-context"], "agents-aws-prod");
        assert.strictEqual(prod.outputs.clusterName, "agents-aws-prod");
        assert.deepStrictEqual(prod.outputs.zones, ZONES);
        assert.strictEqual(prod.outputs.storageClass, "gp3-encrypted");
        assert.match(prod.outputs.backupBucket as string, /^agents-aws-prod-store-[0-9a-f]{7}$/);
        // The kubeconfig text never appears in a redacted view.
        const redacted = JSON.stringify({ inputs: prod.resources.map((r) => r.redactedInputs), outputs: prod.redactedOutputs });
        assert.ok(!redacted.includes(kc.clusters[0].cluster["certificate-authority-data"]), "the kubeconfig leaked into a redacted view");
        assert.strictEqual(dev.redactedOutputs.kubeconfig, "[secret]");
    });

    it("aws-dev is the minimum viable environment: one NAT, two t3.large nodes, public endpoint restricted, nothing protected", () => {
        const { aws } = cluster(dev, "aws-dev");
        assert.deepStrictEqual(fixedCounts(aws), [1, 6, 1, 1, 4, 1, 1, 1, 5, 1, 1]);
        assert.strictEqual(ofType(dev.resources, "aws:ec2/natGateway:NatGateway").length, 1);
        const groups = ofType(dev.resources, "aws:eks/nodeGroup:NodeGroup");
        assert.deepStrictEqual(
            groups.map((g) => [g.name, g.inputs.instanceTypes, g.inputs.scalingConfig]),
            [["agents-aws-dev-system", ["t3.large"], { minSize: 2, maxSize: 3, desiredSize: 2 }]],
        );
        const eks = one(dev.resources, "aws:eks/cluster:Cluster", "agents-aws-dev-eks");
        assert.strictEqual(at(eks, "vpcConfig.endpointPublicAccess"), true);
        assert.deepStrictEqual(at(eks, "vpcConfig.publicAccessCidrs"), ["203.0.113.0/24"]);
        assert.strictEqual(one(dev.resources, "aws:s3/bucket:Bucket", "agents-aws-dev-store").opts.protect, false);
        assert.strictEqual(one(dev.resources, "aws:ec2/vpc:Vpc", "agents-aws-dev-vpc").inputs.cidrBlock, "10.50.0.0/16");
        // Encryption does not relax in dev.
        assert.strictEqual(one(dev.resources, "aws:kms/key:Key", "agents-aws-dev-key").inputs.enableKeyRotation, true);
        assert.deepStrictEqual(at(eks, "encryptionConfig.resources"), ["secrets"]);
    });

    it("follows config overrides: a larger disk and a different instance type reach the launch template and node group", async () => {
        // The cluster-only program: the same config path as index.ts without the platform's cost.
        const run = await sharedRun({
            stack: "aws-prod",
            program: path.join(__dirname, "clusterProgram.ts"),
            overrides: { "nodePools.system.instanceType": "m6i.xlarge", "nodePools.data.diskSizeGb": 250, "nodePools.data.instanceType": "r7g.xlarge" },
        });
        assert.strictEqual(
            at(one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate", "agents-aws-prod-data"), "blockDeviceMappings.0.ebs.volumeSize"),
            250,
        );
        const g = one(run.resources, "aws:eks/nodeGroup:NodeGroup", "agents-aws-prod-data");
        assert.deepStrictEqual(g.inputs.instanceTypes, ["r7g.xlarge"]);
        assert.strictEqual(g.inputs.amiType, "AL2023_ARM_64_STANDARD");
    });
});
