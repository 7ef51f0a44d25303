/** Pack-wide properties: metadata, unknown values, other types, config, enforcement levels, secrets. */
import * as assert from "assert";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { checkPolicyConfig, loadPolicyConfig, policyConfigStacks } from "../../policy/config";
import { policies, SIZING_POLICIES } from "../../policy/policies";
import { resolvePolicyConfig, runPolicies } from "../../policy/runner";
import { aksAgentPool, aksStack, eksStack, get, gkeStack } from "./fixtures";
import { check, records, Res } from "./helpers";
import { SHAPES, specOf, workload } from "./pods";

const proxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(v: T): T;
    UnknownValueError: new (...a: unknown[]) => Error;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
};

const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p && !!p.validateResource);
const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p && !!p.validateStack);

/** Type tokens the resource policies read, probed with unknown props. */
const ALL_TYPES = [
    ...SHAPES,
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:lb/listener:Listener",
    "aws:elb/loadBalancer:LoadBalancer",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:rds/instance:Instance",
    "aws:rds/parameterGroup:ParameterGroup",
    "gcp:container/cluster:Cluster",
    "gcp:container/nodePool:NodePool",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:compute/sSLPolicy:SSLPolicy",
    "gcp:kms/cryptoKey:CryptoKey",
    "azure-native:containerservice:ManagedCluster",
    "azure-native:network:ApplicationGateway",
    "azure-native:sql:Server",
    "azure-native:dbforpostgresql:FlexibleServer",
    "kubernetes:core/v1:Secret",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Service",
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:storage.k8s.io/v1:StorageClass",
    "kubernetes:policy/v1:PodDisruptionBudget",
    "kubernetes:helm.sh/v3:Release",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:postgresql.cnpg.io/v1:Cluster",
    "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
    "kubernetes:core/v1:PersistentVolumeClaim",
];

/** Props where every property read is unknown (as in a first preview). */
function allUnknown(): Record<string, unknown> {
    const target = new Proxy({} as Record<string, unknown>, { get: (_t, k) => (typeof k === "string" ? proxy.unknownObjectValue : undefined) });
    return proxy.unknownCheckingProxy(target);
}

function args(type: string, props: Record<string, unknown>, config: Record<string, unknown>): ResourceValidationArgs {
    return {
        type,
        props,
        urn: `urn:pulumi:t::p::${type}::r`,
        name: "r",
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
        },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T>() => config as T,
        notApplicable: () => {
            throw new Error("n/a");
        },
    } as unknown as ResourceValidationArgs;
}

describe("policy pack metadata", () => {
    it("has 42 policies with unique <area>-<resource>-<verb>-<noun> names", () => {
        assert.strictEqual(policies.length, 42);
        assert.strictEqual(new Set(policies.map((p) => p.name)).size, policies.length);
        for (const p of policies) {
            assert.match(p.name, /^(nodes|tls|secrets|workloads|audit|data)-[a-z0-9]+-(enforce|disallow|configure|missing)-[a-z0-9-]+$/, p.name);
        }
    });
    it("describes every policy in one sentence and declares a default for every config key", () => {
        for (const p of policies) {
            assert.match(p.description, /^[A-Z][^.]*(\.[a-z0-9][^.]*)*\.$/, `${p.name}: ${p.description}`);
            for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok("default" in (s as object), `${p.name}.${k} has no default`);
                assert.ok(typeof (s as { description?: string }).description === "string", `${p.name}.${k} has no description`);
            }
            assert.strictEqual(p.enforcementLevel, "mandatory", p.name);
        }
    });
    it("lists only real policies as sizing policies", () => {
        for (const n of SIZING_POLICIES) {
            assert.ok(
                policies.some((p) => p.name === n),
                n,
            );
        }
    });
});

describe("policy pack and unknown values", () => {
    for (const p of resourcePolicies) {
        it(`${p.name}: with every property unknown it reports nothing or raises the engine's unknown-value error`, async () => {
            const { config } = resolvePolicyConfig(p, {});
            for (const type of ALL_TYPES) {
                const reported: string[] = [];
                try {
                    await (p.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => unknown)(args(type, allUnknown(), config), (m) =>
                        reported.push(m),
                    );
                } catch (e) {
                    assert.ok(e instanceof proxy.UnknownValueError, `${p.name} on ${type} threw ${String(e)}`);
                    continue;
                }
                assert.deepStrictEqual(reported, [], `${p.name} on ${type} reported on unknowns`);
            }
        });
    }
    it('the runner turns an unknown machine type into an advisory "can\'t run" result, as the engine does', async () => {
        const s = eksStack();
        get(s, "ng").props = proxy.unknownCheckingProxy({ ...get(s, "ng").props, instanceTypes: proxy.unknownArrayValue });
        const v = await runPolicies(
            policies.filter((p) => p.name === "nodes-pool-enforce-machine-size"),
            records(s),
            {},
        );
        assert.strictEqual(v.length, 1);
        assert.strictEqual(v[0].enforcement, "advisory");
        assert.match(
            v[0].message,
            /^can't run policy 'nodes-pool-enforce-machine-size' during preview: .*NodeGroup "ng".machine type can't be known during preview$/,
        );
    });
    it("a join through an unknown launch-template reference still finds the template among the dependencies", async () => {
        const s = eksStack();
        get(s, "ng").props = proxy.unknownCheckingProxy({ ...get(s, "ng").props, launchTemplate: { id: proxy.unknownStringValue, version: "1" } });
        const v = await check("nodes-pool-enforce-disk-size", s);
        assert.deepStrictEqual(v, []);
    });
});

describe("policy pack and types a rule does not apply to", () => {
    it("every resource policy ignores a type outside its list", async () => {
        const other: Res = { type: "random:index/randomPassword:RandomPassword", name: "pw", props: { length: 32, result: "x" } };
        for (const p of resourcePolicies) {
            assert.deepStrictEqual(await check(p.name, [other]), [], p.name);
        }
    });
    it("stack policies report nothing on a stack with no resources they read", async () => {
        for (const p of stackPolicies) {
            assert.deepStrictEqual(await check(p.name, [{ type: "aws:iam/role:Role", name: "role", props: {} }]), [], p.name);
        }
    });
    it("the whole pack passes the known-good EKS, GKE, AKS and workload fixtures", async () => {
        for (const stack of [eksStack(), gkeStack(), [...aksStack(), aksAgentPool()], [workload("kubernetes:apps/v1:Deployment")]]) {
            const v = await runPolicies(policies, records(stack), {
                "data-stateful-enforce-protection": "disabled",
                "workloads-namespace-enforce-network-policy": "disabled",
                "audit-cluster-enforce-control-plane-logs": "disabled",
            });
            assert.deepStrictEqual(
                v.map((x) => `${x.policy}: ${x.message}`),
                [],
            );
        }
    });
});

describe("policy pack config and enforcement levels", () => {
    const small = (): Res[] => {
        const s = eksStack();
        (get(s, "ng").props as any).instanceTypes = ["t3.large"];
        return s;
    };
    it("fills schema defaults the way the CLI does (minVcpu 4, minMemoryGib 16)", () => {
        const p = policies.find((x) => x.name === "nodes-pool-enforce-machine-size")!;
        const r = resolvePolicyConfig(p, {});
        assert.deepStrictEqual(r, {
            enforcement: "mandatory",
            config: { minVcpu: 4, minMemoryGib: 16, machineSizes: {}, exemptNames: [], exemptNamespaces: [] },
        });
    });
    it("overlays given keys on the defaults and keeps the others", () => {
        const p = policies.find((x) => x.name === "nodes-pool-enforce-machine-size")!;
        assert.deepStrictEqual(resolvePolicyConfig(p, { "nodes-pool-enforce-machine-size": { minVcpu: 2 } }).config.minMemoryGib, 16);
        assert.deepStrictEqual(resolvePolicyConfig(p, { "nodes-pool-enforce-machine-size": { minVcpu: 2 } }).config.minVcpu, 2);
    });
    it("reports mandatory by default, advisory when configured, nothing when disabled", async () => {
        const run = (cfg: Record<string, unknown>) => runPolicies(policies, records(small()), cfg as never);
        const pick = (v: Awaited<ReturnType<typeof run>>) => v.filter((x) => x.policy === "nodes-pool-enforce-machine-size").map((x) => x.enforcement);
        assert.deepStrictEqual(pick(await run({})), ["mandatory"]);
        assert.deepStrictEqual(pick(await run({ "nodes-pool-enforce-machine-size": "advisory" })), ["advisory"]);
        assert.deepStrictEqual(pick(await run({ "nodes-pool-enforce-machine-size": { enforcementLevel: "advisory", minVcpu: 4 } })), ["advisory"]);
        assert.deepStrictEqual(pick(await run({ "nodes-pool-enforce-machine-size": "disabled" })), []);
    });
    it("ships a valid config for every stack, prod mandatory and dev/local sizing advisory", () => {
        assert.deepStrictEqual(policyConfigStacks(), [
            "aws-dev",
            "aws-prod",
            "azure-dev",
            "azure-prod",
            "do-prod",
            "gcp-dev",
            "gcp-prod",
            "local",
            "onprem-prod",
        ]);
        // The one production exception: DigitalOcean has no availability zones (the DOKS target
        // announces it), so zone spread is reported, not enforced, on do-prod.
        const advisoryInProd: Record<string, string[]> = { "do-prod": ["nodes-pool-enforce-zone-spread"] };
        for (const stack of policyConfigStacks()) {
            const cfg = loadPolicyConfig(stack);
            assert.deepStrictEqual(checkPolicyConfig(cfg), [], stack);
            for (const name of SIZING_POLICIES.filter((n) => n.startsWith("nodes-"))) {
                const level = resolvePolicyConfig(
                    policies.find((p) => p.name === name)!,
                    cfg,
                ).enforcement;
                const expected = stack.endsWith("-prod") && !(advisoryInProd[stack] ?? []).includes(name) ? "mandatory" : "advisory";
                assert.strictEqual(level, expected, `${stack} ${name}`);
            }
            // The fit rule is mandatory everywhere (a stack whose pods cannot schedule is broken in
            // dev too); only production keeps a node to spare.
            const fit = resolvePolicyConfig(
                policies.find((p) => p.name === "nodes-pool-enforce-workload-fit")!,
                cfg,
            );
            assert.strictEqual(fit.enforcement, "mandatory", `${stack} fit`);
            assert.strictEqual((fit.config as { nPlusOne?: boolean }).nPlusOne, stack.endsWith("-prod"), `${stack} fit nPlusOne`);
        }
    });
    it("rejects unknown policies, levels and keys in a policy config, naming each", () => {
        assert.deepStrictEqual(
            checkPolicyConfig({ "nodes-pool-enforce-machine-size": { enforcementLevel: "strict" as never, minCpu: 4 } as never, "no-such-rule": "advisory" }),
            [
                'nodes-pool-enforce-machine-size: enforcementLevel "strict" is not one of advisory, mandatory, remediate, disabled',
                'nodes-pool-enforce-machine-size: unknown config key "minCpu"; allowed: enforcementLevel, minVcpu, minMemoryGib, machineSizes, exemptNames, exemptNamespaces',
                `unknown policy "no-such-rule"; known: ${policies.map((p) => p.name).join(", ")}`,
            ],
        );
    });
    it("a stack without a config file gets every rule at its default", () => assert.deepStrictEqual(loadPolicyConfig("no-such-stack"), {}));
});

describe("policy pack and secret values", () => {
    const SECRET = "Zq9-very-secret-Value-7731";
    it("no violation message contains a secret value, whatever the resource", async () => {
        const w = workload("kubernetes:apps/v1:Deployment");
        specOf(w).containers[0].env = [{ name: "DB_PASSWORD", value: SECRET }];
        const res: Res[] = [
            w,
            {
                type: "kubernetes:core/v1:Secret",
                name: "s",
                props: {
                    metadata: { name: "api", namespace: "default" },
                    stringData: { token: SECRET },
                    data: { key: Buffer.from(SECRET).toString("base64") },
                },
            },
            { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { metadata: { name: "c" }, data: { API_KEY: SECRET } } },
            { type: "kubernetes:helm.sh/v3:Release", name: "rel", props: { chart: "kube-prometheus-stack", values: { grafana: { adminPassword: SECRET } } } },
            { type: "aws:rds/instance:Instance", name: "db", props: { password: SECRET } },
        ];
        const v = await runPolicies(policies, records(res), {});
        assert.ok(v.length >= 4, `expected violations, got ${v.length}`);
        for (const x of v) {
            assert.ok(!x.message.includes(SECRET) && !x.message.includes(Buffer.from(SECRET).toString("base64")), `${x.policy} leaked: ${x.message}`);
        }
    });
});
