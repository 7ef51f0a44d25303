/**
 * nodes-pool-enforce-workload-fit: a compliant stack, and each way to violate it (a pool one node
 * short with N+1, a pod larger than a node, a spread or anti-affinity constraint that cannot be met,
 * a topology key no node carries, a pod no pool accepts, DaemonSets eating the room, operator pods
 * from custom resources, unknown machine types), on EKS, GKE, AKS and DOKS pools; and today's
 * aws-dev, as it was before the dev environments were resized, rejected.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadPolicyConfig } from "../../policy/config";
import { allocatable, CPU_RESERVE_TIERS, MEMORY_RESERVE_TIERS, tiered } from "../../policy/nodes/workloadFit";
import { cpuMillicores, memoryMebibytes, podRequests } from "../../policy/lib/podDemand";
import { policies } from "../../policy/policies";
import { runPolicies, type ResourceRecord } from "../../policy/runner";
import { check, mutate, none, one, Res, shape } from "./helpers";
import { aksStack, get, GKE, GNP, NG } from "./fixtures";

const RULE = "nodes-pool-enforce-workload-fit";
const ROLE = "platform.agents.io/role";
const TAINT = "platform.agents.io/dedicated";

/** An EKS cluster with a system pool (3 x m6i.xlarge, no taint) and a data pool (3 x m6i.2xlarge, tainted), over 3 zones. */
function eks(): Res[] {
    const subnets: Res[] = ["a", "b", "c"].map((z) => ({ type: "aws:ec2/subnet:Subnet", name: `s-${z}`, props: { availabilityZone: `eu-west-1${z}` } }));
    const pool = (role: string, type: string, min: number): Res => ({
        type: NG,
        name: role,
        props: {
            clusterName: "prod",
            instanceTypes: [type],
            scalingConfig: { minSize: min, desiredSize: min, maxSize: 6 },
            subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
            labels: { [ROLE]: role },
            taints: role === "system" ? [] : [{ key: TAINT, value: role, effect: "NO_SCHEDULE" }],
        },
        dependsOn: ["eks", "s-a", "s-b", "s-c"],
    });
    return [
        ...subnets,
        { type: "aws:eks/cluster:Cluster", name: "eks", props: { name: "prod" } },
        pool("system", "m6i.xlarge", 3),
        pool("data", "m6i.2xlarge", 3),
    ];
}

/** A Deployment of `replicas` pods of `cpu` / `memory`, optionally for a role (preferred affinity + toleration). */
function deployment(name: string, replicas: number | undefined, cpu: string, memory: string, role?: string, extra: Record<string, unknown> = {}): Res {
    const labels = { app: name };
    return {
        type: "kubernetes:apps/v1:Deployment",
        name,
        props: {
            metadata: { name, namespace: "apps" },
            spec: {
                ...(replicas === undefined ? {} : { replicas }),
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        containers: [{ name: "main", resources: { requests: { cpu, memory } } }],
                        ...(role
                            ? {
                                  tolerations: [{ key: TAINT, operator: "Equal", value: role, effect: "NoSchedule" }],
                                  affinity: {
                                      nodeAffinity: {
                                          preferredDuringSchedulingIgnoredDuringExecution: [
                                              { weight: 100, preference: { matchExpressions: [{ key: ROLE, operator: "In", values: [role] }] } },
                                          ],
                                      },
                                  },
                              }
                            : {}),
                        ...extra,
                    },
                },
            },
        },
    };
}

const spec = (r: Res): Record<string, any> => (r.props.spec as any).template.spec;

describe("policy nodes-pool-enforce-workload-fit", () => {
    describe("node allocatable", () => {
        it("reserves by the published tiers: 2 vCPU / 8 GiB keeps 70m and 1.8 GiB, 4 vCPU / 16 GiB 80m and 2.6 GiB", () => {
            assert.strictEqual(Math.round(tiered(2, CPU_RESERVE_TIERS) * 1000), 70);
            assert.strictEqual(Number(tiered(8, MEMORY_RESERVE_TIERS).toFixed(2)), 1.8);
            assert.strictEqual(Math.round(tiered(4, CPU_RESERVE_TIERS) * 1000), 80);
            assert.strictEqual(Number(tiered(16, MEMORY_RESERVE_TIERS).toFixed(2)), 2.6);
        });
        it("takes the eviction threshold and the cloud's node agents off too (t3.large: 1.68 vCPU / 5.81 GiB)", () => {
            const a = allocatable(
                { vcpu: 2, memoryGib: 8 },
                {
                    cpuReserveTiers: CPU_RESERVE_TIERS,
                    memoryReserveTiers: MEMORY_RESERVE_TIERS,
                    evictionMemoryMi: 100,
                    managedDaemonsPerNode: { cpuM: 250, memMi: 300 },
                },
            );
            assert.deepStrictEqual([Math.round(a.cpuM), Math.round(a.memMi)], [1680, 8192 - 1843 - 100 - 300]);
        });
        it("parses quantities and a pod's effective requests (sidecars add, init containers take the max, limits stand in for requests)", () => {
            assert.deepStrictEqual([cpuMillicores("250m"), cpuMillicores("1.5"), cpuMillicores(2), cpuMillicores("x")], [250, 1500, 2000, undefined]);
            assert.deepStrictEqual([memoryMebibytes("512Mi"), memoryMebibytes("2Gi"), memoryMebibytes("1G")?.toFixed(1)], [512, 2048, "953.7"]);
            const r = podRequests({
                containers: [{ resources: { requests: { cpu: "100m", memory: "100Mi" } } }, { resources: { limits: { cpu: "200m", memory: "200Mi" } } }],
                initContainers: [
                    { resources: { requests: { cpu: "1", memory: "50Mi" } } },
                    { restartPolicy: "Always", resources: { requests: { cpu: "10m", memory: "10Mi" } } },
                ],
            });
            assert.deepStrictEqual(r, { cpuM: 1000, memMi: 310 });
        });
    });

    it("passes workloads that fit their roles with a node to spare", async () => {
        none(await check(RULE, [...eks(), deployment("web", 3, "500m", "1Gi"), deployment("db", 3, "2", "8Gi", "data")]));
    });

    it("rejects a pool one node short: the pods fit 3 nodes but not the 2 left after losing one (N+1)", async () => {
        const stack = [...eks(), deployment("web", 3, "3", "1Gi")];
        const v = one(await check(RULE, stack), 'node role "system" is too small', "with one node to spare (N+1)", "CPU 9.00 > 6.94 vCPU", "3 node(s)");
        assert.match(v.urn ?? "", /NodeGroup::system$/);
        none(await check(RULE, stack, { nPlusOne: false }));
        none(
            await check(
                RULE,
                mutate(stack, (s) => ((get(s, "system").props.scalingConfig as any).minSize = 4)),
            ),
        );
    });

    it("rejects memory that does not fit, naming the largest workloads", async () => {
        one(await check(RULE, [...eks(), deployment("cache", 3, "100m", "12Gi")]), "memory 36.00 >", 'Deployment "apps/cache" 3 x 0.10 vCPU / 12.00 GiB');
    });

    it("counts an HPA's minReplicas for an unset replica count", async () => {
        const hpa: Res = {
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            name: "hpa",
            props: {
                metadata: { name: "web", namespace: "apps" },
                spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 3, maxReplicas: 9 },
            },
        };
        none(await check(RULE, [...eks(), deployment("web", undefined, "3", "1Gi")]));
        one(await check(RULE, [...eks(), deployment("web", undefined, "3", "1Gi"), hpa]), "CPU 9.00 >");
    });

    it("puts pods on the role they tolerate and prefer: the data pool, not the system pool", async () => {
        none(await check(RULE, [...eks(), deployment("db", 3, "5", "8Gi", "data")]));
        one(await check(RULE, [...eks(), deployment("db", 3, "6", "8Gi", "data")]), 'node role "data" is too small', "CPU 18.00 > 15.32 vCPU");
    });

    it("falls back to the system pool when the preferred role has no pool (a one-pool dev cluster)", async () => {
        const stack = eks().filter((r) => r.name !== "data");
        one(await check(RULE, [...stack, deployment("db", 3, "3", "1Gi", "data")]), 'node role "system" is too small');
    });

    it("rejects a pod larger than any node of its role", async () => {
        const v = await check(RULE, [...eks(), deployment("big", 1, "5", "1Gi")]);
        one(v, 'Deployment "apps/big": one pod does not fit any node of role "system"', "5.00 vCPU");
    });

    it("rejects pods no pool accepts (required affinity to a role without a pool)", async () => {
        const d = deployment("gpu", 1, "100m", "128Mi", undefined, { nodeSelector: { [ROLE]: "gpu" } });
        one(await check(RULE, [...eks(), d]), 'Deployment "apps/gpu": no node pool of Cluster "eks" can run its pods');
        const req = deployment("gpu", 1, "100m", "128Mi", undefined, {
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: ROLE, operator: "In", values: ["gpu"] }] }],
                    },
                },
            },
        });
        one(await check(RULE, [...eks(), req]), "no node pool");
        // Tolerating the data taint without asking for data still lands where it is accepted.
        none(await check(RULE, [...eks(), deployment("x", 1, "100m", "128Mi", "data")]));
    });

    describe("spread constraints", () => {
        const zoneSpread = (minDomains?: number, when = "DoNotSchedule", key = "topology.kubernetes.io/zone") => ({
            topologySpreadConstraints: [
                {
                    maxSkew: 1,
                    topologyKey: key,
                    whenUnsatisfiable: when,
                    labelSelector: { matchLabels: { app: "web" } },
                    ...(minDomains ? { minDomains } : {}),
                },
            ],
        });
        it("passes a zone spread the pools' 3 zones can meet", async () => {
            none(await check(RULE, [...eks(), deployment("web", 6, "100m", "128Mi", undefined, zoneSpread(3))]));
        });
        it("rejects a spread that cannot be met: minDomains 4 over 3 zones with more replicas than 3 x maxSkew", async () => {
            one(
                await check(RULE, [...eks(), deployment("web", 6, "100m", "128Mi", undefined, zoneSpread(4))]),
                'needs 4 domains but the "system" pools offer 3',
                "at most maxSkew x domains = 3 replicas",
            );
            none(await check(RULE, [...eks(), deployment("web", 6, "100m", "128Mi", undefined, zoneSpread(4, "ScheduleAnyway"))]));
        });
        it("rejects a DoNotSchedule spread over a label no node carries", async () => {
            one(
                await check(RULE, [...eks(), deployment("web", 3, "100m", "128Mi", undefined, zoneSpread(undefined, "DoNotSchedule", "example.com/rack"))]),
                "has no domain",
                "example.com/rack",
            );
        });
        it("ignores a constraint whose selector picks other pods", async () => {
            const d = deployment("web", 6, "100m", "128Mi", undefined, zoneSpread(4));
            spec(d).topologySpreadConstraints[0].labelSelector = { matchLabels: { app: "other" } };
            none(await check(RULE, [...eks(), d]));
        });
        it("rejects required anti-affinity on hostname with more replicas than nodes, and on zone with more than zones", async () => {
            const anti = (key: string) => ({
                affinity: {
                    podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: key, labelSelector: { matchLabels: { app: "web" } } }] },
                },
            });
            none(await check(RULE, [...eks(), deployment("web", 3, "100m", "128Mi", undefined, anti("kubernetes.io/hostname"))]));
            one(
                await check(RULE, [...eks(), deployment("web", 4, "100m", "128Mi", undefined, anti("kubernetes.io/hostname"))]),
                "required pod anti-affinity on kubernetes.io/hostname",
                "no more than 3 replicas",
            );
            const twoZones = mutate(
                eks(),
                (s) => (((get(s, "system").props as any).subnetIds = ["subnet-a", "subnet-b"]), ((get(s, "system") as any).dependsOn = ["eks", "s-a", "s-b"])),
            );
            one(
                await check(RULE, [...twoZones, deployment("web", 3, "100m", "128Mi", undefined, anti("topology.kubernetes.io/zone"))]),
                "2 zone(s) with nodes",
                "no more than 2 replicas",
            );
        });
    });

    it("takes DaemonSets off every node of the pools they run on", async () => {
        const ds: Res = {
            type: "kubernetes:apps/v1:DaemonSet",
            name: "agent",
            props: {
                metadata: { name: "agent", namespace: "kube-system" },
                spec: {
                    template: {
                        metadata: { labels: { app: "agent" } },
                        spec: {
                            tolerations: [{ operator: "Exists" }],
                            containers: [{ name: "a", resources: { requests: { cpu: "1500m", memory: "256Mi" } } }],
                        },
                    },
                },
            },
        };
        const stack = [...eks(), deployment("web", 3, "1500m", "1Gi")];
        none(await check(RULE, stack));
        one(await check(RULE, [...stack, ds]), 'node role "system" is too small', "1 DaemonSet(s)");
    });

    describe("operator pods from custom resources", () => {
        const cnpg = (instances: number, type: string): Res => ({
            type: "kubernetes:postgresql.cnpg.io/v1:Cluster",
            name: "pg",
            props: {
                metadata: { name: "pg", namespace: "data-postgres" },
                spec: {
                    instances,
                    resources: { requests: { cpu: "1", memory: "4Gi" } },
                    affinity: {
                        enablePodAntiAffinity: true,
                        podAntiAffinityType: type,
                        topologyKey: "topology.kubernetes.io/zone",
                        tolerations: [{ key: TAINT, operator: "Equal", value: "data", effect: "NoSchedule" }],
                    },
                },
            },
        });
        it("counts CloudNativePG instances and judges their required zone anti-affinity", async () => {
            none(await check(RULE, [...eks(), cnpg(3, "required")]));
            one(
                await check(RULE, [...eks(), cnpg(4, "required")]),
                'Cluster "data-postgres/pg" (CloudNativePG instances): required pod anti-affinity on topology.kubernetes.io/zone',
                "no more than 3 replicas",
            );
            none(await check(RULE, [...eks(), cnpg(4, "preferred")]));
        });
        it("counts PSMDB members, sidecars, the backup agent and the arbiter; advanced affinity replaces antiAffinityTopologyKey", async () => {
            const mongo = (size: number, affinity: Record<string, unknown>, arbiterMem = "128Mi"): Res => ({
                type: "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
                name: "mongo",
                props: {
                    metadata: { name: "mongodb", namespace: "data-mongodb" },
                    spec: {
                        backup: { enabled: true, resources: { requests: { cpu: "100m", memory: "128Mi" } } },
                        replsets: [
                            {
                                name: "rs0",
                                size,
                                resources: { requests: { cpu: "1", memory: "4Gi" } },
                                sidecars: [{ name: "metrics", resources: { requests: { cpu: "50m", memory: "64Mi" } } }],
                                affinity,
                                arbiter: { enabled: true, size: 1, resources: { requests: { cpu: "50m", memory: arbiterMem } } },
                            },
                        ],
                    },
                },
            });
            none(await check(RULE, [...eks(), mongo(3, { antiAffinityTopologyKey: "kubernetes.io/hostname" })]));
            one(
                await check(RULE, [...eks(), mongo(4, { antiAffinityTopologyKey: "kubernetes.io/hostname" })]),
                'replset "rs0" members: required pod anti-affinity on kubernetes.io/hostname',
            );
            none(await check(RULE, [...eks(), mongo(4, { antiAffinityTopologyKey: "kubernetes.io/hostname", advanced: { nodeAffinity: {} } })]));
            one(await check(RULE, [...eks(), mongo(1, {}, "14Gi")]), 'replset "rs0" arbiter: one pod does not fit');
        });
        it("counts RedisReplication pods with the exporter and the Sentinels", async () => {
            const redis: Res = {
                type: "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
                name: "redis",
                props: {
                    metadata: { name: "redis", namespace: "data-redis" },
                    spec: {
                        clusterSize: 3,
                        kubernetesConfig: { resources: { requests: { cpu: "2", memory: "1Gi" } } },
                        redisExporter: { enabled: true, resources: { requests: { cpu: "500m", memory: "64Mi" } } },
                        sentinel: { size: 3, resources: { requests: { cpu: "50m", memory: "64Mi" } } },
                    },
                },
            };
            one(await check(RULE, [...eks(), redis]), 'node role "system" is too small', "CPU 7.65 > 6.94");
        });
    });

    it("judges GKE pools (labels and taints in nodeConfig, per-zone counts)", async () => {
        const gke: Res[] = [
            { type: GKE, name: "gke", props: { name: "prod", location: "europe-west1", removeDefaultNodePool: true } },
            {
                type: GNP,
                name: "sys",
                props: {
                    cluster: "prod",
                    autoscaling: { minNodeCount: 1, maxNodeCount: 2 },
                    nodeConfig: { machineType: "e2-standard-4", labels: { [ROLE]: "system" }, taints: [] },
                },
                dependsOn: ["gke"],
            },
            {
                type: GNP,
                name: "data",
                props: {
                    cluster: "prod",
                    autoscaling: { minNodeCount: 1, maxNodeCount: 2 },
                    nodeConfig: { machineType: "e2-standard-4", labels: { [ROLE]: "data" }, taints: [{ key: TAINT, value: "data", effect: "NO_SCHEDULE" }] },
                },
                dependsOn: ["gke"],
            },
        ];
        none(await check(RULE, [...gke, deployment("db", 3, "2", "4Gi", "data")]));
        one(await check(RULE, [...gke, deployment("db", 3, "3", "4Gi", "data")]), 'node role "data" is too small');
    });

    it("judges AKS pools (nodeLabels, nodeTaints as key=value:effect strings)", async () => {
        const aks = mutate(aksStack(), (s) => {
            const p = (get(s, "aks").props.agentPoolProfiles as any[])[0];
            p.nodeLabels = { [ROLE]: "system" };
        });
        const data: Res = {
            type: "azure-native:containerservice:AgentPool",
            name: "data",
            props: {
                resourceName: "prod",
                vmSize: "Standard_D4s_v5",
                enableAutoScaling: true,
                minCount: 3,
                maxCount: 6,
                availabilityZones: ["1", "2", "3"],
                nodeLabels: { [ROLE]: "data" },
                nodeTaints: [`${TAINT}=data:NoSchedule`],
            },
            dependsOn: ["aks"],
        };
        none(await check(RULE, [...aks, data, deployment("db", 3, "2", "4Gi", "data")]));
        one(await check(RULE, [...aks, data, deployment("db", 3, "3", "4Gi", "data")]), 'node role "data" is too small', `AgentPool "data"`);
        // Without the data pool's taint in the stack the pods are not data-only: a dedicated taint a pod does not tolerate keeps it off.
        one(await check(RULE, [...aks, data, deployment("web", 1, "100m", "128Mi", undefined, { nodeSelector: { [ROLE]: "data" } })]), "no node pool");
    });

    it("judges DOKS pools (labels and taints on the pool)", async () => {
        const doks: Res[] = [
            {
                type: "digitalocean:index/kubernetesCluster:KubernetesCluster",
                name: "doks",
                props: {
                    region: "fra1",
                    nodePool: { name: "system", size: "gd-4vcpu-16gb", autoScale: true, minNodes: 3, maxNodes: 6, labels: { [ROLE]: "system" } },
                },
            },
        ];
        none(await check(RULE, [...doks, deployment("web", 3, "1", "2Gi")]));
        one(await check(RULE, [...doks, deployment("web", 3, "3", "2Gi")]), 'node role "system" is too small', "3 x 4 vCPU / 16 GiB");
    });

    it("fails closed on a machine type the catalogue does not know, and takes machineSizes", async () => {
        const stack = mutate(eks(), (s) => ((get(s, "system").props as any).instanceTypes = ["x9.huge"]));
        one(await check(RULE, stack), "machine type not in the aws size catalogue", '"x9.huge"');
        none(await check(RULE, stack, { machineSizes: { "x9.huge": { vcpu: 4, memoryGib: 16 } } }));
    });

    it("has nothing to judge on a cluster the stack does not create (existing cluster)", async () => {
        none(await check(RULE, [deployment("web", 30, "30", "100Gi")]));
    });

    it("every message has the pack's shape", async () => {
        for (const v of await check(RULE, [...eks(), deployment("big", 9, "5", "1Gi")])) {
            shape(v);
        }
    });

    it("rejects aws-dev as it was shipped before the dev environments were resized (recorded program and chart objects)", async () => {
        const records = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "fit", "aws-dev-before.json"), "utf8")) as ResourceRecord[];
        const v = (await runPolicies(policies, records, loadPolicyConfig("aws-dev"))).filter((x) => x.policy === RULE);
        assert.ok(
            v.every((x) => x.enforcement === "mandatory"),
            "mandatory in dev",
        );
        const msgs = v.map((x) => x.message);
        assert.ok(
            msgs.some((m) => m.startsWith('node role "system" is too small for its workloads at minimum replicas')),
            msgs.join("\n"),
        );
        assert.ok(
            msgs.some(
                (m) =>
                    m.includes('Cluster "data-postgres/pg" (CloudNativePG instances): required pod anti-affinity on topology.kubernetes.io/zone') &&
                    m.includes("2 zone(s) with nodes"),
            ),
            msgs.join("\n"),
        );
    });
});
