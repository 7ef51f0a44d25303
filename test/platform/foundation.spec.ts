import * as assert from "assert";
import { namespaceQuotas } from "../../components/platform/budgets";
import { Foundation, NamespaceSpec, podSecurityLabels } from "../../components/platform/foundation";
import { ComponentName, FLOWS, LAYOUT } from "../../components/platform/layout";
import { AMBIENT_PROBE_CIDR, HBONE_PORT, kebab, namespacePolicies, validateFlows } from "../../components/platform/networkPolicies";
import { runWithMocks, RunResult } from "../../preview/harness";
import { fakeRoleArn, fakeTarget, FakeBinding } from "./fakeTarget";
import { at, meta, ofType, one } from "./helpers";

const NS = "kubernetes:core/v1:Namespace";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const COMPONENTS = Object.keys(LAYOUT) as ComponentName[];

function specs(): NamespaceSpec[] {
    const quotas = namespaceQuotas("prod");
    return COMPONENTS.map((c) => ({
        component: c,
        layout: LAYOUT[c],
        quota: quotas[c],
        cloudIdentity: c === "jamie" || c === "scarlet" ? ("none" as const) : undefined,
    }));
}

async function build(): Promise<{ run: RunResult; bindings: FakeBinding[]; providerUrn: string }> {
    let bindings: FakeBinding[] = [];
    const run = await runWithMocks(() => {
        const fake = fakeTarget();
        bindings = fake.bindings;
        new Foundation("t", { target: fake.target, namespaces: specs(), flows: FLOWS }, { provider: fake.target.provider });
        return {};
    });
    const providerUrn = one(run, "pulumi:providers:kubernetes", "fake-cluster").urn;
    return { run, bindings, providerUrn };
}

/** The NetworkPolicy `policy` of a component's namespace. */
function policy(run: RunResult, component: ComponentName, policyName: string) {
    return one(run, NP, `t-${kebab(component)}-${policyName}`);
}

function ingressPorts(run: RunResult, component: ComponentName, policyName: string): number[] {
    const rules = at(policy(run, component, policyName).inputs, "spec.ingress") as { ports?: { port: number }[] }[];
    return rules.flatMap((r) => (r.ports ?? []).map((p) => p.port));
}

function egressPorts(run: RunResult, component: ComponentName, policyName: string): number[] {
    const rules = at(policy(run, component, policyName).inputs, "spec.egress") as { ports?: { port: number }[] }[];
    return rules.flatMap((r) => (r.ports ?? []).map((p) => p.port));
}

describe("platform foundation", function () {
    let run: RunResult;
    let bindings: FakeBinding[];
    let providerUrn: string;
    before(async () => {
        ({ run, bindings, providerUrn } = await build());
    });

    it("creates one namespace per component with Pod Security restricted enforced, audited and warned", () => {
        const namespaces = ofType(run, NS);
        assert.deepStrictEqual(namespaces.map((n) => meta(n).name).sort(), COMPONENTS.map((c) => LAYOUT[c].namespace).sort());
        for (const n of namespaces) {
            const labels = meta(n).labels ?? {};
            assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted", meta(n).name);
            assert.strictEqual(labels["pod-security.kubernetes.io/audit"], "restricted", meta(n).name);
            assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted", meta(n).name);
            assert.strictEqual(n.opts.provider?.split("::")[3], providerUrn.split("::")[3], `${meta(n).name} uses the cluster's provider`);
        }
    });

    it("privileged namespaces are still audited and warned at restricted", () => {
        assert.deepStrictEqual(podSecurityLabels("privileged"), {
            "pod-security.kubernetes.io/enforce": "privileged",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
        });
    });

    it("denies all ingress and egress by default in every namespace", () => {
        for (const c of COMPONENTS) {
            const p = policy(run, c, "default-deny");
            assert.strictEqual(meta(p).namespace, LAYOUT[c].namespace);
            assert.deepStrictEqual(p.inputs.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        }
    });

    it("allows DNS to kube-system and traffic inside each namespace", () => {
        for (const c of COMPONENTS) {
            assert.deepStrictEqual(at(policy(run, c, "allow-dns").inputs, "spec.egress"), [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }, { ipBlock: { cidr: "169.254.20.10/32" } }],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
            ]);
            assert.deepStrictEqual(at(policy(run, c, "allow-same-namespace").inputs, "spec.ingress"), [{ from: [{ podSelector: {} }] }]);
        }
    });

    it("allows every flow of the port map at both ends, on exactly its port", () => {
        for (const f of FLOWS) {
            const port = LAYOUT[f.to].ports[f.port];
            const inbound = policy(run, f.to, `allow-from-${kebab(f.from)}`);
            assert.deepStrictEqual(at(inbound.inputs, "spec.ingress.0.from"), [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": LAYOUT[f.from].namespace } } },
            ]);
            assert.ok(ingressPorts(run, f.to, `allow-from-${kebab(f.from)}`).includes(port), `${f.to} admits ${f.from} on ${f.port} (${port})`);
            assert.ok(egressPorts(run, f.from, `allow-to-${kebab(f.to)}`).includes(port), `${f.from} may reach ${f.to} on ${f.port} (${port})`);
        }
    });

    it("opens nothing beyond the flows: the gateway reaches Jamie's portal only, Scarlet is not reachable from the gateway", () => {
        assert.deepStrictEqual(ingressPorts(run, "jamie", "allow-from-gateway"), [3000]);
        assert.deepStrictEqual(ingressPorts(run, "jamie", "allow-from-scarlet"), [8000]);
        assert.deepStrictEqual(ingressPorts(run, "scarlet", "allow-from-jamie"), [8001]);
        assert.deepStrictEqual(ingressPorts(run, "postgres", "allow-from-scarlet"), [5432]);
        const names = ofType(run, NP).map((p) => p.name);
        assert.ok(!names.includes("t-scarlet-allow-from-gateway"));
        assert.ok(!names.includes("t-postgres-allow-from-jamie"));
        assert.ok(!names.includes("t-mongodb-allow-from-scarlet"));
        const expected = new Set(FLOWS.map((f) => `t-${kebab(f.to)}-allow-from-${kebab(f.from)}`));
        const actual = names.filter((n) => n.includes("-allow-from-"));
        assert.deepStrictEqual(actual.sort(), [...expected].sort());
    });

    it("admits the public only at the gateway, on its HTTP and HTTPS listener ports", () => {
        const publicPolicies = ofType(run, NP).filter((p) => p.name.endsWith("-allow-public-ingress"));
        assert.deepStrictEqual(
            publicPolicies.map((p) => p.name),
            ["t-gateway-allow-public-ingress"],
        );
        assert.deepStrictEqual(at(publicPolicies[0].inputs, "spec.ingress"), [
            {
                from: [{ ipBlock: { cidr: "0.0.0.0/0" } }],
                ports: [
                    { protocol: "TCP", port: 10080 },
                    { protocol: "TCP", port: 10443 },
                ],
            },
        ]);
    });

    it("lets only API-server clients reach the API server, and only the named components reach the internet", () => {
        const api = ofType(run, NP)
            .filter((p) => p.name.endsWith("-allow-apiserver-egress"))
            .map((p) => p.name)
            .sort();
        assert.deepStrictEqual(
            api,
            COMPONENTS.filter((c) => LAYOUT[c].apiServer)
                .map((c) => `t-${kebab(c)}-allow-apiserver-egress`)
                .sort(),
        );
        assert.deepStrictEqual(egressPorts(run, "certManager", "allow-apiserver-egress"), [443, 6443]);
        const internet = ofType(run, NP)
            .filter((p) => p.name.endsWith("-allow-internet-egress"))
            .map((p) => p.name)
            .sort();
        assert.deepStrictEqual(
            internet,
            COMPONENTS.filter((c) => LAYOUT[c].internetEgress?.length)
                .map((c) => `t-${kebab(c)}-allow-internet-egress`)
                .sort(),
        );
        assert.ok(!internet.includes("t-jamie-allow-internet-egress"));
        assert.ok(!internet.includes("t-scarlet-allow-internet-egress"));
        assert.ok(!internet.includes("t-ollama-allow-internet-egress"), "Ollama's egress is the agents' restricted one");
        assert.deepStrictEqual(ingressPorts(run, "certManager", "allow-apiserver-ingress"), [10250]);
        assert.deepStrictEqual(egressPorts(run, "monitoring", "allow-node-egress"), [10250, 9100]);
    });

    it("lets Jamie, Scarlet and Ollama reach the internet on 443 only, never the metadata endpoint, private or cluster ranges", () => {
        for (const c of ["jamie", "scarlet", "ollama"] as ComponentName[]) {
            const spec = policy(run, c, "allow-agent-internet-egress").inputs.spec as any;
            assert.deepStrictEqual(spec.policyTypes, ["Egress"]);
            assert.strictEqual(spec.egress.length, 1);
            assert.deepStrictEqual(spec.egress[0].ports, [{ protocol: "TCP", port: 443 }]);
            assert.deepStrictEqual(spec.egress[0].to, [
                {
                    ipBlock: {
                        cidr: "0.0.0.0/0",
                        except: [
                            "169.254.0.0/16",
                            "168.63.129.16/32",
                            "10.0.0.0/8",
                            "172.16.0.0/12",
                            "192.168.0.0/16",
                            "100.64.0.0/10",
                            "127.0.0.0/8",
                            "0.0.0.0/8",
                        ],
                    },
                },
            ]);
        }
        const others = ofType(run, NP)
            .filter((p) => p.name.endsWith("-allow-agent-internet-egress"))
            .map((p) => p.name)
            .sort();
        assert.deepStrictEqual(others, [
            "t-jamie-allow-agent-internet-egress",
            "t-ollama-allow-agent-internet-egress",
            "t-scarlet-allow-agent-internet-egress",
        ]);
    });

    it("gives every namespace a ResourceQuota and a LimitRange", () => {
        const quotas = ofType(run, "kubernetes:core/v1:ResourceQuota");
        const limits = ofType(run, "kubernetes:core/v1:LimitRange");
        assert.strictEqual(quotas.length, COMPONENTS.length);
        assert.strictEqual(limits.length, COMPONENTS.length);
        // Jamie (prod): 9 replicas + 1 surge at 1 CPU / 4 Gi requests, 2 CPU / 8 Gi limits.
        assert.deepStrictEqual(one(run, "kubernetes:core/v1:ResourceQuota", "t-jamie-quota").inputs.spec, {
            hard: {
                "requests.cpu": "10",
                "requests.memory": "40Gi",
                "limits.cpu": "20",
                "limits.memory": "80Gi",
                pods: "20",
                // The workspace volumes: 10 pods x 50 Gi (REQUIREMENTS.md: Jamie 50 GB).
                "requests.storage": "500Gi",
                persistentvolumeclaims: "10",
                "services.loadbalancers": "0",
                "services.nodeports": "0",
            },
        });
        assert.strictEqual(
            (at(one(run, "kubernetes:core/v1:ResourceQuota", "t-gateway-quota").inputs, "spec.hard") as Record<string, string>)["services.loadbalancers"],
            "2",
        );
        assert.deepStrictEqual(at(one(run, "kubernetes:core/v1:LimitRange", "t-scarlet-limits").inputs, "spec.limits"), [
            {
                type: "Container",
                default: { cpu: "500m", memory: "512Mi" },
                defaultRequest: { cpu: "100m", memory: "128Mi" },
                max: { cpu: "4", memory: "16Gi" },
            },
        ]);
    });

    it("creates a ServiceAccount per component; Jamie and Scarlet are bound to cloud identities", () => {
        const sas = ofType(run, "kubernetes:core/v1:ServiceAccount");
        assert.strictEqual(sas.length, COMPONENTS.length);
        assert.deepStrictEqual(
            bindings.map((b) => [b.name, b.namespace, b.serviceAccount, b.objectStoreAccess]),
            [
                ["t-jamie-identity", "jamie", "jamie", "none"],
                ["t-scarlet-identity", "scarlet", "scarlet", "none"],
            ],
        );
        const jamie = one(run, "kubernetes:core/v1:ServiceAccount", "t-jamie-sa");
        assert.deepStrictEqual(meta(jamie).annotations, { "eks.amazonaws.com/role-arn": fakeRoleArn("t-jamie-identity") });
        assert.strictEqual(jamie.inputs.automountServiceAccountToken, false);
        assert.strictEqual(one(run, "kubernetes:core/v1:ServiceAccount", "t-cert-manager-sa").inputs.automountServiceAccountToken, true);
        assert.deepStrictEqual(meta(one(run, "kubernetes:core/v1:ServiceAccount", "t-ollama-sa")).annotations, {});
        assert.strictEqual(meta(one(run, "kubernetes:core/v1:ServiceAccount", "t-cert-manager-sa")).name, "cert-manager");
    });
});

describe("network policy builder", () => {
    it("finds flows that name a missing component or port", () => {
        assert.deepStrictEqual(validateFlows(LAYOUT, FLOWS), []);
        assert.deepStrictEqual(validateFlows(LAYOUT, [{ from: "jamie", to: "scarlet", port: "portal" }]), [
            'flow jamie -> scarlet:portal: "scarlet" has no port named "portal" (has: api, metrics, health)',
        ]);
        assert.deepStrictEqual(validateFlows(LAYOUT, [{ from: "nobody", to: "jamie", port: "api" }]), [
            'flow nobody -> jamie:api: source component "nobody" is not in the layout',
        ]);
        assert.throws(
            () => namespacePolicies("jamie", LAYOUT, [{ from: "gateway", to: "jamie", port: "admin" }]),
            /the port map is inconsistent:\n {2}flow gateway -> jamie:admin: "jamie" has no port named "admin"/,
        );
    });

    it("adds the ambient mesh's HBONE port and probe source only between meshed components", () => {
        const meshed = new Set(["gateway", "jamie"]);
        const jamie = namespacePolicies("jamie", LAYOUT, FLOWS, { meshed });
        const fromGateway = jamie.find((p) => p.name === "allow-from-gateway")!;
        assert.deepStrictEqual(fromGateway.spec.ingress![0].ports, [
            { protocol: "TCP", port: 3000 },
            { protocol: "TCP", port: HBONE_PORT },
        ]);
        const fromScarlet = jamie.find((p) => p.name === "allow-from-scarlet")!;
        assert.deepStrictEqual(fromScarlet.spec.ingress![0].ports, [{ protocol: "TCP", port: 8000 }]);
        assert.deepStrictEqual(jamie.find((p) => p.name === "allow-ambient-probes")!.spec.ingress, [{ from: [{ ipBlock: { cidr: AMBIENT_PROBE_CIDR } }] }]);
        assert.strictEqual(
            namespacePolicies("scarlet", LAYOUT, FLOWS, { meshed }).find((p) => p.name === "allow-ambient-probes"),
            undefined,
        );
    });

    it("ignores flows to components that are not deployed (add-ons switched off)", () => {
        const flows = [...FLOWS, { from: "monitoring", to: "falco", port: "metrics" }];
        const monitoring = namespacePolicies("monitoring", LAYOUT, flows);
        assert.strictEqual(
            monitoring.find((p) => p.name === "allow-to-falco"),
            undefined,
        );
    });
});
