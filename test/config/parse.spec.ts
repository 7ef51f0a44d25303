import * as assert from "assert";
import { parseStackConfig, StackConfigError } from "../../config";
import { goodAws } from "./fixtures";

/** Parses and returns the problems (key + message), failing if parsing succeeds. */
function problems(raw: Record<string, unknown>, secretKeys: string[] = []): { key: string; message: string }[] {
    try {
        parseStackConfig("test", raw, new Set(secretKeys));
    } catch (e) {
        assert.ok(e instanceof StackConfigError, `expected StackConfigError, got ${e}`);
        return e.problems;
    }
    assert.fail("expected the configuration to be rejected");
}

function with_(changes: Record<string, unknown>, base = goodAws()): Record<string, unknown> {
    const out = structuredClone(base);
    for (const [path, value] of Object.entries(changes)) {
        const parts = path.split(".");
        let cur = out as Record<string, unknown>;
        for (const p of parts.slice(0, -1)) {
            cur[p] = (cur[p] as Record<string, unknown>) ?? {};
            cur = cur[p] as Record<string, unknown>;
        }
        if (value === undefined) {
            delete cur[parts[parts.length - 1]];
        } else {
            cur[parts[parts.length - 1]] = value;
        }
    }
    return out;
}

function expectOne(raw: Record<string, unknown>, key: string, message: RegExp, secretKeys: string[] = []): void {
    const found = problems(raw, secretKeys);
    const hit = found.find((p) => p.key === key);
    assert.ok(hit, `no problem for ${key}; got ${JSON.stringify(found)}`);
    assert.match(hit.message, message);
}

describe("stack config: parseStackConfig", () => {
    it("accepts a complete production AWS config and fills the production defaults", () => {
        const cfg = parseStackConfig("aws-prod", goodAws());
        assert.strictEqual(cfg.cloud, "aws");
        assert.strictEqual(cfg.kubernetesVersion, "1.35");
        assert.deepStrictEqual(
            cfg.nodePools.map((p) => [p.role, p.instanceType, p.minNodes, p.diskSizeGb]),
            [
                ["system", "m6i.xlarge", 3, 100],
                ["agents", "m6i.2xlarge", 3, 100],
                ["data", "m6i.2xlarge", 3, 100],
                ["monitoring", "m6i.xlarge", 3, 200],
            ],
        );
        assert.strictEqual(cfg.network.natGateways, "perZone");
        assert.strictEqual(cfg.endpoint.publicAccess, false);
        assert.strictEqual(cfg.protectStateful, true);
        assert.strictEqual(cfg.retention.backupDays, 30);
        assert.strictEqual(cfg.platform.issuer, "letsencrypt-prod");
        assert.strictEqual(cfg.platform.thirdPartyCharts, true);
        assert.deepStrictEqual(cfg.platform.addons, { argocd: false, istio: false, falco: false, externalSecrets: false, velero: false });
    });

    it("treats the CLI's empty declared defaults as absent", () => {
        const cfg = parseStackConfig("aws-prod", { ...goodAws(), kubernetesVersion: "", nodePools: {}, gcp: {}, azure: {}, existing: {}, tags: {} });
        assert.strictEqual(cfg.nodePools.length, 4);
        assert.strictEqual("gcp" in cfg, false);
    });

    it("gives dev the seed's minimum viable pool: two 2 vCPU / 8 GiB nodes and one NAT", () => {
        const cfg = parseStackConfig("aws-dev", with_({ environment: "dev" }));
        assert.deepStrictEqual(cfg.nodePools, [{ role: "system", instanceType: "t3.large", minNodes: 2, maxNodes: 3, desiredNodes: 2, diskSizeGb: 50 }]);
        assert.strictEqual(cfg.network.natGateways, "single");
    });

    it("defaults Azure zones to 1, 2, 3", () => {
        const raw = with_({
            cloud: "azure",
            aws: undefined,
            region: "westeurope",
            zones: undefined,
            azure: { adminGroupObjectIds: ["0b6d3c1e-7f42-4a8e-9d15-3e2f8a6c4b90"] },
        });
        assert.deepStrictEqual(parseStackConfig("az", raw).zones, ["1", "2", "3"]);
    });

    it("accepts a GCP custom machine type that meets the production floor", () => {
        const raw = with_({
            cloud: "gcp",
            aws: undefined,
            region: "europe-west4",
            zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
            gcp: { project: "acme-agents-prod" },
            "nodePools.system": { instanceType: "custom-4-16384" },
        });
        const cfg = parseStackConfig("gcp", raw);
        assert.strictEqual(cfg.nodePools.find((p) => p.role === "system")!.instanceType, "custom-4-16384");
    });

    // Bad values: each names the key, the value found and what is allowed.
    const cases: { title: string; raw: () => Record<string, unknown>; key: string; message: RegExp; secretKeys?: string[] }[] = [
        {
            title: "a missing required key (cloud)",
            raw: () => with_({ cloud: undefined }),
            key: "cloud",
            message: /missing required key; allowed: aws, gcp, azure, digitalocean, existing/,
        },
        {
            title: "an unknown cloud",
            raw: () => with_({ cloud: "linode" }),
            key: "cloud",
            message: /found "linode"; allowed: aws, gcp, azure, digitalocean, existing/,
        },
        { title: "an unknown environment", raw: () => with_({ environment: "staging" }), key: "environment", message: /found "staging"; allowed: prod, dev/ },
        {
            title: "an unknown top-level key",
            raw: () => with_({ regoin: "eu-west-1" }),
            key: "regoin",
            message: /unknown key \(did you mean region\?\); allowed keys: cloud, environment, region/,
        },
        {
            title: "an unknown nested key",
            raw: () => with_({ "nodePools.system": { instanceTyp: "m6i.xlarge" } }),
            key: "nodePools.system.instanceTyp",
            message: /unknown key \(did you mean nodePools.system.instanceType\?\); allowed keys under nodePools.system: instanceType, minNodes/,
        },
        {
            title: "a malformed region",
            raw: () => with_({ region: "Ireland" }),
            key: "region",
            message: /found "Ireland"; must be a region name such as eu-west-1/,
        },
        {
            title: "fewer than 3 zones in prod",
            raw: () => with_({ zones: ["eu-west-1a", "eu-west-1b"] }),
            key: "zones",
            message: /found 2 items .*at least 3 required/,
        },
        {
            title: "a zone outside the region",
            raw: () => with_({ zones: ["eu-west-1a", "eu-west-1b", "us-east-1c"] }),
            key: "zones[2]",
            message: /found "us-east-1c"; must be a zone of region eu-west-1/,
        },
        {
            title: "a wrong type (zones as a string)",
            raw: () => with_({ zones: "eu-west-1a" }),
            key: "zones",
            message: /found "eu-west-1a"; must be a list of strings/,
        },
        {
            title: "an unknown instance type in prod",
            raw: () => with_({ "nodePools.system": { instanceType: "m99.huge" } }),
            key: "nodePools.system.instanceType",
            message: /found "m99.huge"; unknown aws machine type/,
        },
        {
            title: "an instance type too small for prod",
            raw: () => with_({ "nodePools.agents": { instanceType: "t3.large" } }),
            key: "nodePools.agents.instanceType",
            message: /found "t3.large" \(2 vCPU, 8 GiB\); too small for prod, allowed: at least 4 vCPU and 16 GiB/,
        },
        {
            title: "a node count below the prod floor",
            raw: () => with_({ "nodePools.data": { minNodes: 2 } }),
            key: "nodePools.data.minNodes",
            message: /found 2; out of range, allowed 3 to 1000/,
        },
        {
            title: "a disk below 100 GB in prod",
            raw: () => with_({ "nodePools.system": { diskSizeGb: 50 } }),
            key: "nodePools.system.diskSizeGb",
            message: /found 50; out of range, allowed 100 to 16384/,
        },
        {
            title: "a wrong type (minNodes as text)",
            raw: () => with_({ "nodePools.system": { minNodes: "three" } }),
            key: "nodePools.system.minNodes",
            message: /found "three"; must be a whole number from 3 to 1000/,
        },
        {
            title: "max below min",
            raw: () => with_({ "nodePools.system": { minNodes: 5, maxNodes: 4, desiredNodes: 4 } }),
            key: "nodePools.system.maxNodes",
            message: /found 4; must be at least minNodes \(5\)/,
        },
        {
            title: "a malformed VPC CIDR",
            raw: () => with_({ "network.cidr": "10.40.0.0/33" }),
            key: "network.cidr",
            message: /found "10.40.0.0\/33"; must be an IPv4 CIDR such as 10.40.0.0\/16/,
        },
        {
            title: "a malformed public-access CIDR",
            raw: () => with_({ environment: "dev", endpoint: { publicAccess: true, publicAccessCidrs: ["300.1.1.0/24"] } }),
            key: "endpoint.publicAccessCidrs[0]",
            message: /found "300.1.1.0\/24"; must be an IPv4 CIDR/,
        },
        {
            title: "a public endpoint in prod",
            raw: () => with_({ endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }),
            key: "endpoint.publicAccess",
            message: /found true; the API server has no public endpoint in prod, allowed: false/,
        },
        {
            title: "a public endpoint open to the internet",
            raw: () => with_({ environment: "dev", endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }),
            key: "endpoint.publicAccessCidrs",
            message: /"0.0.0.0\/0"\]: together they cover every public address; the whole internet is not allowed/,
        },
        {
            title: "a single NAT gateway in prod",
            raw: () => with_({ "network.natGateways": "single" }),
            key: "network.natGateways",
            message: /found "single"; production needs a NAT gateway per zone, allowed: perZone/,
        },
        {
            title: "an unknown NAT layout",
            raw: () => with_({ "network.natGateways": "none" }),
            key: "network.natGateways",
            message: /found "none"; allowed: perZone, single/,
        },
        {
            title: "an unsupported Kubernetes version",
            raw: () => with_({ kubernetesVersion: "1.25" }),
            key: "kubernetesVersion",
            message: /found "1.25"; out of range, allowed 1.31 or newer/,
        },
        {
            title: "a Kubernetes minor that does not exist (1.99)",
            raw: () => with_({ kubernetesVersion: "1.99" }),
            key: "kubernetesVersion",
            message:
                /found "1.99"; not a Kubernetes minor aws offers, allowed: 1.31, 1.32, 1.33, 1.34, 1.35 \(policy\/catalog\/kubernetesVersions.ts; the default is 1.35\)/,
        },
        {
            title: "a Kubernetes minor GKE has no published date for (1.36)",
            raw: () =>
                with_({
                    cloud: "gcp",
                    region: "europe-west4",
                    zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
                    aws: undefined,
                    gcp: { project: "acme-agents" },
                    kubernetesVersion: "1.36",
                }),
            key: "kubernetesVersion",
            message: /found "1.36"; not a Kubernetes minor gcp offers/,
        },
        {
            title: "a Kubernetes version given as a number",
            raw: () => with_({ kubernetesVersion: 1.33 }),
            key: "kubernetesVersion",
            message: /found 1.33; must be a non-empty string \(quote it in YAML\)/,
        },
        {
            title: "unprotected stateful resources in prod",
            raw: () => with_({ protectStateful: false }),
            key: "protectStateful",
            message: /found false; production stacks must protect stateful resources/,
        },
        {
            title: "a retention out of range",
            raw: () => with_({ "retention.backupDays": 0 }),
            key: "retention.backupDays",
            message: /found 0; out of range, allowed 1 to 3650/,
        },
        { title: "a missing platform section", raw: () => with_({ platform: undefined }), key: "platform", message: /missing required key/ },
        {
            title: "a malformed domain",
            raw: () => with_({ "platform.domain": "Agents_Example" }),
            key: "platform.domain",
            message: /found "Agents_Example"; must be a lower-case DNS name/,
        },
        {
            title: "an image tagged latest",
            raw: () => with_({ "platform.jamie": { repository: "ghcr.io/example/jamie", tag: "latest" } }),
            key: "platform.jamie.tag",
            message: /found "latest"; must be a pinned image tag/,
        },
        {
            title: "an unknown issuer",
            raw: () => with_({ "platform.issuer": "zerossl" }),
            key: "platform.issuer",
            message: /found "zerossl"; allowed: letsencrypt-prod, letsencrypt-staging, private-ca/,
        },
        {
            title: "a section of another cloud",
            raw: () => with_({ gcp: { project: "acme-agents" } }),
            key: "gcp",
            message: /found a gcp section but cloud is "aws"/,
        },
        {
            title: "an AWS stack without an admin principal",
            raw: () => with_({ aws: undefined }),
            key: "aws.adminPrincipalArns",
            message: /missing required key for cloud aws; at least one IAM role or user ARN/,
        },
        {
            title: "an empty admin principal list",
            raw: () => with_({ "aws.adminPrincipalArns": [] }),
            key: "aws.adminPrincipalArns",
            message: /found 0 items \(\[\]\); at least 1 required/,
        },
        {
            title: "a malformed admin ARN",
            raw: () => with_({ aws: { adminPrincipalArns: ["admins"] } }),
            key: "aws.adminPrincipalArns[0]",
            message: /found "admins"; must be an IAM role or user ARN/,
        },
        {
            title: "a GCP stack without a project",
            raw: () => with_({ cloud: "gcp", region: "europe-west4", zones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"] }),
            key: "gcp.project",
            message: /missing required key for cloud gcp/,
        },
        {
            title: "an existing cluster's kubeconfig given in plain text",
            raw: () =>
                with_({
                    cloud: "existing",
                    environment: "dev",
                    region: undefined,
                    zones: undefined,
                    existing: { kubeconfig: "apiVersion: v1", storageClass: "standard" },
                }),
            key: "existing.kubeconfig",
            message: /found a plain value; a kubeconfig holds credentials, set it with `pulumi config set --secret/,
        },
        {
            title: "an existing cluster's object store over plain HTTP",
            raw: () =>
                with_({
                    cloud: "existing",
                    environment: "dev",
                    region: undefined,
                    zones: undefined,
                    existing: {
                        kubeconfigPath: "~/.kube/config",
                        storageClass: "standard",
                        objectStore: { endpoint: "http://minio:9000", bucket: "b", region: "us-east-1", accessKeyId: "a", secretAccessKey: "s" },
                    },
                }),
            key: "existing.objectStore.endpoint",
            message: /found "http:\/\/minio:9000"; must be an https:\/\/ URL/,
            secretKeys: ["existing.objectStore.secretAccessKey"],
        },
    ];

    for (const c of cases) {
        it(`rejects ${c.title}, naming the key, the value and what is allowed`, () => {
            expectOne(c.raw(), c.key, c.message, c.secretKeys);
        });
    }

    it("reports every problem at once, not only the first", () => {
        const found = problems(with_({ cloud: "aws", environment: "qa", zones: ["eu-west-1a"], "network.cidr": "nope", "platform.issuer": "x" }));
        // One zone is also too few for EKS in any environment (its control plane needs two).
        assert.deepStrictEqual(found.map((p) => p.key).sort(), ["environment", "network.cidr", "platform.issuer", "zones"].sort());
        const found2 = problems(with_({ zones: ["eu-west-1a"], "network.cidr": "nope", "platform.issuer": "x" }));
        assert.deepStrictEqual(found2.map((p) => p.key).sort(), ["network.cidr", "platform.issuer", "zones"].sort());
    });

    it("formats one error message listing every problem with its key", () => {
        try {
            parseStackConfig("aws-prod", with_({ cloud: "mars", aws: undefined, "network.cidr": "nope" }));
            assert.fail("expected rejection");
        } catch (e) {
            assert.ok(e instanceof StackConfigError);
            assert.match(e.message, /^Invalid configuration for stack "aws-prod" \(2 problems\):/);
            assert.match(e.message, /\n {2}- cloud: found "mars"; allowed: aws, gcp, azure, digitalocean, existing/);
            assert.match(e.message, /\n {2}- network.cidr: found "nope"; must be an IPv4 CIDR/);
        }
    });

    it("never echoes a secret value in a message", () => {
        const raw = with_({
            cloud: "existing",
            environment: "dev",
            region: undefined,
            zones: undefined,
            existing: {
                kubeconfigPath: "/k",
                storageClass: "s",
                objectStore: { endpoint: "https://s3.local", bucket: "b", region: "r", accessKeyId: 42, secretAccessKey: 12345678 },
            },
        });
        const found = problems(raw, ["existing"]);
        const text = JSON.stringify(found);
        assert.ok(
            found.some((p) => p.key === "existing.objectStore.secretAccessKey"),
            text,
        );
        assert.ok(!text.includes("12345678"), text);
        assert.match(text, /\[secret\]/);
    });
});
