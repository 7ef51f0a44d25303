/**
 * Issue 11: bad input never crashes and never slips through. Each case of the issue is one member
 * of a kind; every test here checks the kind (every CIDR-shaped key, every pair of ranges that
 * must not overlap, every credential key, every namespace) through the same path the offline
 * preview and the program take: a stack file's `config:` mapping, in CLI form, with `secure:`
 * values secret by their own path.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, knownConfigPaths, parseStackConfig, StackConfigError } from "../../config";
import type { StackConfig } from "../../config";
import { checkStackFileConfig } from "../../preview/cli";
import { STACKS_DIR } from "../../preview/stackFile";

const ROOT = path.resolve(__dirname, "..", "..");
const P = "agent-platform";
const SECURE = { secure: "v1:AAAABBBBCCCCDDDD" };

/** A shipped stack file's config mapping (fresh copy). */
function stackFile(stack: string): Record<string, unknown> {
    return (YAML.parse(fs.readFileSync(path.join(STACKS_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;
}

/** A copy of a shipped stack file's config with project keys changed (`undefined` deletes). */
function changed(stack: string, changes: Record<string, unknown>): Record<string, unknown> {
    const cfg = stackFile(stack);
    for (const [k, v] of Object.entries(changes)) {
        const key = k.includes(":") ? k : `${P}:${k}`;
        if (v === undefined) {
            delete cfg[key];
        } else {
            cfg[key] = v;
        }
    }
    return cfg;
}

function accepted(stack: string, cfg: Record<string, unknown>): StackConfig {
    return checkStackFileConfig(stack, cfg);
}

function rejected(cfg: Record<string, unknown>, stack = "copy"): { key: string; message: string }[] {
    try {
        checkStackFileConfig(stack, cfg);
    } catch (e) {
        assert.ok(e instanceof StackConfigError, `expected StackConfigError, got ${(e as Error).stack}`);
        return e.problems;
    }
    assert.fail("expected the configuration to be rejected");
}

function expectProblem(cfg: Record<string, unknown>, key: string, message: RegExp): void {
    const found = rejected(cfg);
    const hit = found.find((p) => p.key === key && message.test(p.message));
    assert.ok(hit, `no problem for ${key} matching ${message}; got ${JSON.stringify(found, null, 1)}`);
}

describe("issue 11: credentials must be secret value by value (case 1)", () => {
    const localWithStore = (store: Record<string, unknown>, existing: Record<string, unknown> = {}) =>
        changed("local", {
            existing: {
                kubeconfigPath: "~/.kube/config",
                storageClass: "standard",
                ...existing,
                objectStore: { endpoint: "https://minio.example.net", bucket: "b", region: "us-east-1", accessKeyId: "AKIAEXAMPLE", ...store },
            },
        });

    it("refuses a plaintext kubeconfig even when another value under existing is secure", () => {
        const cfg = changed("local", { existing: { kubeconfig: "apiVersion: v1\nkind: Config", storageClass: SECURE } });
        expectProblem(cfg, "existing.kubeconfig", /found a plain value; a kubeconfig holds credentials/);
    });

    it("refuses a plaintext secretAccessKey even when the kubeconfig next to it is secure", () => {
        const cfg = localWithStore({ secretAccessKey: "plain-text-key" }, { kubeconfigPath: undefined, kubeconfig: SECURE });
        expectProblem(cfg, "existing.objectStore.secretAccessKey", /found a plain value; set it with `pulumi config set --secret/);
    });

    it("accepts each credential given as its own secure value", () => {
        accepted("local", localWithStore({ secretAccessKey: SECURE }));
        accepted("local", changed("local", { existing: { kubeconfig: SECURE, storageClass: "standard" } }));
        accepted("local", changed("local", { existing: { kubeconfig: SECURE, storageClass: "standard", context: SECURE } }));
    });

    it("treats a wholly secret key as secret inside (the runtime's top-level flag)", () => {
        const raw = {
            cloud: "existing",
            environment: "dev",
            existing: { kubeconfig: "apiVersion: v1", storageClass: "standard" },
            platform: stackFile("local")[`${P}:platform`],
        };
        const cfg = parseStackConfig("x", raw, new Set(["existing"]));
        assert.strictEqual(cfg.cloud === "existing" ? cfg.existing.kubeconfig : undefined, "apiVersion: v1");
        assert.throws(() => parseStackConfig("x", raw, new Set(["existing.storageClass"])), /existing.kubeconfig: found a plain value/);
    });
});

describe("issue 11: address ranges (cases 2, 3, 8)", () => {
    const cidrKeys = ["network.cidr", "network.podCidr", "network.serviceCidr", "endpoint.publicAccessCidrs[0]"];
    const cloudOf: Record<string, string> = {
        "network.cidr": "gcp-prod",
        "network.podCidr": "gcp-prod",
        "network.serviceCidr": "gcp-prod",
        "endpoint.publicAccessCidrs[0]": "aws-dev",
    };
    const set = (stack: string, key: string, value: string): Record<string, unknown> => {
        const cfg = stackFile(stack);
        const [section, leaf] = key.split(".");
        const obj = { ...(cfg[`${P}:${section}`] as Record<string, unknown>) };
        if (leaf.startsWith("publicAccessCidrs")) {
            obj.publicAccessCidrs = [value];
        } else {
            obj[leaf] = value;
        }
        cfg[`${P}:${section}`] = obj;
        return cfg;
    };
    for (const key of cidrKeys) {
        it(`${key}: host bits set, leading zeros and malformed values are refused naming the network address`, () => {
            expectProblem(set(cloudOf[key], key, "10.40.0.1/16"), key, /host bits are set, the network address is 10\.40\.0\.0\/16/);
            expectProblem(set(cloudOf[key], key, "10.040.0.0/16"), key, /without leading zeros/);
            expectProblem(set(cloudOf[key], key, "0.0.0.0/00"), key, /without leading zeros/);
            expectProblem(set(cloudOf[key], key, "10.40.0.0/33"), key, /must be an IPv4 CIDR/);
        });
    }

    // Every pair of ranges a cloud uses must be disjoint; the key the stack set is blamed.
    const pairs: [string, Record<string, string>, string, RegExp][] = [
        ["gcp-prod", { podCidr: "10.96.0.0/14" }, "network.serviceCidr", /found "10\.96\.0\.0\/16", which overlaps network.podCidr \(10\.96\.0\.0\/14\)/],
        ["gcp-prod", { podCidr: "10.40.0.0/14" }, "network.podCidr", /overlaps network.cidr \(10\.40\.0\.0\/16\)/],
        ["gcp-prod", { serviceCidr: "10.40.128.0/20" }, "network.serviceCidr", /overlaps network.cidr \(10\.40\.0\.0\/16\)/],
        ["gcp-prod", { serviceCidr: "172.16.0.0/16" }, "network.serviceCidr", /overlaps the GKE control plane's range 172\.16\.0\.0\/28/],
        ["azure-prod", { podCidr: "10.96.0.0/14" }, "network.serviceCidr", /overlaps network.podCidr/],
        ["azure-prod", { serviceCidr: "10.40.0.0/20" }, "network.serviceCidr", /overlaps network.cidr/],
        ["aws-prod", { serviceCidr: "10.40.16.0/20" }, "network.serviceCidr", /overlaps network.cidr \(10\.40\.0\.0\/16\)/],
        ["aws-prod", { cidr: "10.96.0.0/16" }, "network.cidr", /overlaps network.serviceCidr \(10\.96\.0\.0\/16, the default\)/],
    ];
    for (const [stack, network, key, message] of pairs) {
        it(`${stack}: refuses ${JSON.stringify(network)} (${key})`, () => {
            const cfg = stackFile(stack);
            cfg[`${P}:network`] = { ...(cfg[`${P}:network`] as Record<string, unknown>), ...network };
            expectProblem(cfg, key, message);
        });
    }

    it("aws: refuses a pod range (the VPC CNI gives pods VPC addresses; nothing reads it)", () => {
        const cfg = stackFile("aws-prod");
        cfg[`${P}:network`] = { ...(cfg[`${P}:network`] as Record<string, unknown>), podCidr: "10.244.0.0/14" };
        expectProblem(cfg, "network.podCidr", /never reads it; remove it/);
    });

    it("aws: a VPC too small for the subnet plan and an EKS-invalid service range name their keys", () => {
        const cfg = stackFile("aws-prod");
        cfg[`${P}:network`] = { cidr: "10.40.0.0/27", serviceCidr: "100.64.0.0/16", natGateways: "perZone" };
        expectProblem(cfg, "network.cidr", /too small for 3 zones/);
        expectProblem(cfg, "network.serviceCidr", /EKS needs a \/12 to \/24 inside 10\.0\.0\.0\/8/);
    });

    it("azure: zone 9, a VNet smaller than /24 and a service range smaller than /28 name their keys, all at once", () => {
        const cfg = changed("azure-prod", { zones: ["1", "2", "9"] });
        cfg[`${P}:network`] = { cidr: "10.40.0.0/26", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/29", natGateways: "perZone" };
        const found = rejected(cfg);
        assert.deepStrictEqual(found.map((p) => p.key).sort(), ["network.cidr", "network.serviceCidr", "zones[2]"]);
        assert.match(found.find((p) => p.key === "zones[2]")!.message, /found "9"; Azure availability zones are named "1", "2" and "3"/);
    });

    it("azure: no admin group (AKS refuses a cluster nobody can administer) is a config error, not a crash", () => {
        const azure = stackFile("azure-prod")[`${P}:azure`] as Record<string, unknown>;
        expectProblem(
            changed("azure-prod", { azure: { ...azure, adminGroupObjectIds: [] } }),
            "azure.adminGroupObjectIds",
            /found 0 items \(\[\]\); at least 1 required/,
        );
        expectProblem(changed("azure-prod", { azure: { tier: "Standard" } }), "azure.adminGroupObjectIds", /missing required key for cloud azure/);
    });

    it("gcp: a zone that is not region-letter is refused", () => {
        expectProblem(
            changed("gcp-prod", { zones: ["europe-west4-a", "europe-west4-b", "europe-west4c"] }),
            "zones[2]",
            /must be a zone of region europe-west4: europe-west4-a/,
        );
    });

    const openLists: string[][] = [["0.0.0.0/1", "128.0.0.0/1"], ["0.0.0.0/0"], ["11.0.0.0/8"], ["198.18.0.0/17", "198.18.128.0/17", "198.19.0.0/17"]];
    for (const cidrs of openLists) {
        it(`refuses publicAccessCidrs ${JSON.stringify(cidrs)} as open to the internet`, () => {
            expectProblem(
                changed("aws-dev", { endpoint: { publicAccess: true, publicAccessCidrs: cidrs } }),
                "endpoint.publicAccessCidrs",
                /the whole internet is not allowed/,
            );
        });
    }

    it("accepts named office ranges", () => {
        accepted("aws-dev", changed("aws-dev", { endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] } }));
    });
});

describe("issue 11: keys nobody reads and provider keys (cases 4, 7)", () => {
    it("refuses a typo in the project namespace, naming the key meant", () => {
        const cfg = changed("aws-prod", { "agent-platfrom:retention": { logsDays: 30 } });
        expectProblem(
            cfg,
            "agent-platfrom:retention",
            /unknown namespace "agent-platfrom" \(did you mean agent-platform:retention\?\); no program or provider reads this key/,
        );
    });

    it("suggests the nearest project key when both namespace and key are misspelt", () => {
        expectProblem(changed("aws-prod", { "agent-platfom:retenton": { logsDays: 30 } }), "agent-platfom:retenton", /did you mean agent-platform:retention\?/);
    });

    it("refuses an unknown namespace far from any, and keys of providers the cloud does not use", () => {
        expectProblem(changed("aws-prod", { "acme:owner": "me" }), "acme:owner", /unknown namespace "acme"; no program or provider reads this key/);
        expectProblem(
            changed("aws-prod", { "gcp:project": "acme-agents" }),
            "gcp:project",
            /read only by the gcp provider, which a stack with cloud aws does not use/,
        );
        expectProblem(changed("gcp-prod", { "aws:region": "eu-west-1" }), "aws:region", /read only by the aws provider/);
        expectProblem(
            changed("local", { "kubernetes:context": "kind-agents" }),
            "kubernetes:context",
            /the default Kubernetes provider is never used.*existing.context/,
        );
    });

    it("refuses a provider key the provider does not declare, naming the nearest one", () => {
        expectProblem(changed("aws-prod", { "aws:regoin": "eu-west-1" }), "aws:regoin", /unknown aws provider key \(did you mean aws:region\?\)/);
        expectProblem(changed("azure-prod", { "azure-native:locaton": "westeurope" }), "azure-native:locaton", /did you mean azure-native:location\?/);
    });

    it("accepts engine keys and declared provider keys", () => {
        accepted(
            "aws-prod",
            changed("aws-prod", { "pulumi:disable-default-providers": ["kubernetes"], "aws:profile": "prod", "aws:skipMetadataApiCheck": false }),
        );
    });

    const disagreements: [string, Record<string, unknown>, string, RegExp][] = [
        ["aws-prod", { "aws:region": "us-east-1" }, "aws:region", /found "us-east-1" but agent-platform:region is "eu-west-1"/],
        ["gcp-prod", { "gcp:region": "us-central1" }, "gcp:region", /found "us-central1" but agent-platform:region is "europe-west4"/],
        ["gcp-prod", { "gcp:project": "other-project" }, "gcp:project", /found "other-project" but agent-platform:gcp.project is "acme-agents-prod"/],
        ["azure-prod", { "azure-native:location": "northeurope" }, "azure-native:location", /found "northeurope" but agent-platform:region is "westeurope"/],
    ];
    for (const [stack, change, key, message] of disagreements) {
        it(`${stack}: refuses ${key} different from the project's setting, before any resource`, () => {
            const found = rejected(changed(stack, change));
            assert.deepStrictEqual(
                found.map((p) => p.key),
                [key],
            );
            assert.match(found[0].message, message);
            assert.ok(found[0].message.length < 400, "one short message, not a flood");
        });
    }

    it("refuses keys of a section that the cloud does not read (network and endpoint on an existing cluster)", () => {
        expectProblem(changed("local", { network: { cidr: "10.40.0.0/16" } }), "network", /an existing cluster brings its own network/);
        expectProblem(changed("local", { endpoint: { publicAccess: false } }), "endpoint", /nothing reads it; remove it/);
    });
});

describe("issue 11: node pool overrides merge over the defaults (case 5)", () => {
    it("naming one pool keeps the other three default pools and overrides only the named fields", () => {
        const cfg = accepted("aws-prod", changed("aws-prod", { nodePools: { agents: { instanceType: "m6i.4xlarge" } } }));
        assert.deepStrictEqual(
            cfg.nodePools.map((p) => [p.role, p.instanceType, p.minNodes, p.maxNodes, p.diskSizeGb]),
            [
                ["system", "m6i.xlarge", 3, 6, 100],
                ["agents", "m6i.4xlarge", 3, 9, 100],
                ["data", "m6i.2xlarge", 3, 6, 100],
                ["monitoring", "m6i.xlarge", 3, 6, 200],
            ],
        );
    });

    it("one field of one pool changes only that field", () => {
        const cfg = accepted("gcp-prod", changed("gcp-prod", { nodePools: { monitoring: { diskSizeGb: 300 } } }));
        assert.deepStrictEqual(
            cfg.nodePools.find((p) => p.role === "monitoring"),
            { role: "monitoring", instanceType: "e2-standard-4", minNodes: 3, maxNodes: 6, desiredNodes: 3, diskSizeGb: 300 },
        );
        assert.strictEqual(cfg.nodePools.length, 4);
    });

    it("dev keeps its system pool when another role is added", () => {
        const cfg = accepted("aws-dev", changed("aws-dev", { nodePools: { agents: { instanceType: "t3.xlarge" } } }));
        assert.deepStrictEqual(
            cfg.nodePools.map((p) => [p.role, p.instanceType]),
            [
                ["system", "t3.large"],
                ["agents", "t3.xlarge"],
            ],
        );
    });
});

describe("issue 11: EKS zones that cannot host a control plane (case 6, config side)", () => {
    for (const region of ["us-east-1", "us-west-1", "ca-central-1"]) {
        it(`${region}: two zones are refused (one may be the refused zone ID), three accepted`, () => {
            const base = { region, "aws:region": region };
            expectProblem(
                changed("aws-dev", { ...base, zones: [`${region}a`, `${region}b`] }),
                "zones",
                new RegExp(`in ${region} EKS cannot place a control plane in zone \\w+-az\\d.*list at least 3 zones`),
            );
            accepted("aws-dev", changed("aws-dev", { ...base, zones: [`${region}a`, `${region}b`, `${region}d`] }));
        });
    }
});

describe("issue 11: messages say what was found, never a placeholder or a cascade (case 10)", () => {
    it("a secure value on a plain key is shown as [secret], not the offline placeholder", () => {
        for (const [key, value] of [
            ["region", SECURE],
            ["platform", { ...(stackFile("aws-prod")[`${P}:platform`] as object), domain: SECURE }],
            ["zones", ["eu-west-1a", SECURE, "eu-west-1c"]],
        ] as const) {
            const found = rejected(changed("aws-prod", { [key]: value }));
            const text = JSON.stringify(found);
            assert.ok(!text.includes("placeholder"), `${key}: ${text}`);
            assert.match(text, /\[secret\]/, key);
        }
    });

    it("deleting cloud reports only the missing cloud, not 'cloud is nothing' for each section", () => {
        for (const stack of ["aws-prod", "gcp-prod", "azure-prod", "local"]) {
            const found = rejected(changed(stack, { cloud: undefined }));
            assert.deepStrictEqual(
                found.map((p) => p.key),
                ["cloud"],
                `${stack}: ${JSON.stringify(found)}`,
            );
            assert.ok(!JSON.stringify(found).includes("nothing"), stack);
        }
    });

    it("a huge string is described by its length, not pasted into the message", () => {
        const found = rejected(changed("aws-prod", { region: "x".repeat(100_000) }));
        assert.match(found[0].message, /found a string of 100000 characters; at most 1024 allowed/);
        assert.ok(found[0].message.length < 200);
    });
});

describe("issue 11: every documented key works (case 14)", () => {
    const paths = new Set(knownConfigPaths());
    const docs = ["README.md", "docs/clouds.md", "docs/platform.md", "docs/data.md", "docs/observability.md"].map(
        (f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")] as const,
    );
    const sections = Object.keys(CONFIG_KEYS);

    it("every `section.key` the docs name is a key the config reads", () => {
        const unknown: string[] = [];
        for (const [file, text] of docs) {
            for (const m of text.matchAll(/`(?:agent-platform:)?([a-z][A-Za-z]*(?:\.[a-z][A-Za-z]*)+)`/g)) {
                const key = m[1];
                if (sections.includes(key.split(".")[0]) && !/\.(ts|md|yaml|json|js)$/.test(key) && !paths.has(key)) {
                    unknown.push(`${file}: ${key}`);
                }
            }
        }
        assert.deepStrictEqual(unknown, []);
    });

    it("every cloud-specific key is documented in docs/clouds.md under its full name", () => {
        const clouds = docs.find(([f]) => f === "docs/clouds.md")![1];
        const missing = [...paths].filter((p) => /^(aws|gcp|azure|existing)\.[A-Za-z]+$/.test(p)).filter((p) => !clouds.includes(`\`${p}\``));
        assert.deepStrictEqual(missing, []);
    });

    it("azure.kubeloginMode, as docs/clouds.md documents it, is accepted and reaches the kubeconfig", () => {
        const cfg = accepted(
            "azure-prod",
            changed("azure-prod", { azure: { ...(stackFile("azure-prod")[`${P}:azure`] as object), kubeloginMode: "workloadidentity" } }),
        );
        assert.strictEqual(cfg.cloud === "azure" ? cfg.azure.kubeloginMode : undefined, "workloadidentity");
        expectProblem(
            changed("azure-prod", { azure: { ...(stackFile("azure-prod")[`${P}:azure`] as object), kubeloginMode: "password" } }),
            "azure.kubeloginMode",
            /found "password"; allowed: azurecli, workloadidentity, msi, spn/,
        );
        // The stack's mapper hands it to AksCluster (index.ts builds the cluster from aksClusterArgs).
        const mapper = fs.readFileSync(path.join(ROOT, "config", "componentArgs.ts"), "utf8");
        assert.match(mapper, /kubeloginMode: c\.azure\.kubeloginMode/);
        assert.match(fs.readFileSync(path.join(ROOT, "index.ts"), "utf8"), /new Aks\(name, aksClusterArgs\(c\)\)/);
    });
});

describe("issue 13: platform.agentEgressCidrs (the agents' internet destinations)", () => {
    const withEgress = (v: unknown, stack = "aws-dev") => {
        const cfg = stackFile(stack);
        const platform = { ...(cfg[`${P}:platform`] as Record<string, unknown>), agentEgressCidrs: v };
        return { ...cfg, [`${P}:platform`]: platform };
    };
    it("defaults to 0.0.0.0/0 and carries the cluster's own ranges for the except list", () => {
        const cfg = accepted("aws-dev", stackFile("aws-dev"));
        assert.deepStrictEqual(cfg.platform.agentEgressCidrs, ["0.0.0.0/0"]);
        assert.deepStrictEqual(cfg.platform.clusterCidrs, ["10.50.0.0/16", "10.244.0.0/14", "10.96.0.0/16"]);
        assert.deepStrictEqual(accepted("aws-dev", withEgress(["140.82.112.0/20", "0.0.0.0/0"])).platform.agentEgressCidrs, ["140.82.112.0/20", "0.0.0.0/0"]);
    });
    it("names the key, the value and what is allowed for each bad destination", () => {
        expectProblem(
            withEgress(["169.254.169.254/32"]),
            "platform.agentEgressCidrs[0]",
            /found "169\.254\.169\.254\/32"; it lies inside 169\.254\.0\.0\/16 .*metadata endpoint.*Allowed: public IPv4 ranges/,
        );
        expectProblem(withEgress(["10.50.0.0/24"]), "platform.agentEgressCidrs[0]", /inside 10\.0\.0\.0\/8/);
        expectProblem(withEgress(["140.82.112.0/20", "140.82.112.0/20"]), "platform.agentEgressCidrs[1]", /twice/);
        expectProblem(withEgress(["140.82.112.1/20"]), "platform.agentEgressCidrs[0]", /host bits|140\.82\.112\.0\/20/);
        expectProblem(withEgress([]), "platform.agentEgressCidrs", /at least 1 required/);
        expectProblem(withEgress("0.0.0.0/0"), "platform.agentEgressCidrs", /must be a list of strings/);
    });
});
