/** Workload hardening rules on every pod shape, init containers included. */
import * as assert from "assert";
import { check, mutate, none, one, Res } from "./helpers";
import { kind, podSpec, SHAPES, specOf, workload } from "./pods";
import { DEFAULT_LEADER_ELECTED, DEFAULT_SINGLETONS } from "../../policy/workloads/replicas";

function withSpec(type: string, change: (spec: any) => void): Res {
    const w = workload(type);
    change(specOf(w));
    return w;
}

describe("policy workloads-pod-disallow-privilege", () => {
    const rule = "workloads-pod-disallow-privilege";
    for (const type of SHAPES) {
        it(`passes a hardened ${kind(type)} and rejects a privileged init container in it`, async () => {
            none(await check(rule, [workload(type)]));
            const bad = withSpec(type, (s) => (s.initContainers[0].securityContext.privileged = true));
            one(await check(rule, [bad]), `${kind(type)} "w"`, 'init container "migrate" is privileged', "securityContext.privileged true");
        });
    }
    it("rejects allowPrivilegeEscalation not false (unset)", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:Deployment", (s) => delete s.containers[0].securityContext.allowPrivilegeEscalation)]),
            'container "app" may escalate privileges',
            "allowPrivilegeEscalation not set",
        );
    });
    it("rejects an added SYS_ADMIN capability", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]))]),
            "adds forbidden capabilities",
            'capabilities.add ["SYS_ADMIN"]',
        );
    });
    it("rejects a container that does not drop ALL capabilities", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:StatefulSet", (s) => (s.containers[0].securityContext.capabilities.drop = ["NET_RAW"]))]),
            "keeps the default capabilities",
            'capabilities.drop ["NET_RAW"]',
        );
    });
    it("rejects hostNetwork, hostPath and hostPort (one violation each)", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:DaemonSet", (s) => (s.hostNetwork = true))]),
            "spec.template.spec.hostNetwork shares the node's namespace",
        );
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:DaemonSet", (s) => (s.volumes = [{ name: "root", hostPath: { path: "/" } }]))]),
            'volume "root" mounts a hostPath',
            'hostPath "/"',
        );
        one(await check(rule, [withSpec("kubernetes:core/v1:Pod", (s) => (s.containers[0].ports[0].hostPort = 3000))]), "binds a hostPort", "hostPort 3000");
    });
    it("exempts a namespace listed in exemptNamespaces", async () => {
        const bad = withSpec("kubernetes:apps/v1:DaemonSet", (s) => (s.hostNetwork = true));
        none(await check(rule, [bad], { exemptNamespaces: ["jamie"] }));
    });
});

describe("policy workloads-pod-enforce-non-root", () => {
    const rule = "workloads-pod-enforce-non-root";
    for (const type of SHAPES) {
        it(`passes a hardened ${kind(type)} and rejects its init container running as root`, async () => {
            none(await check(rule, [workload(type)]));
            one(
                await check(rule, [withSpec(type, (s) => (s.initContainers[0].securityContext.runAsUser = 0))]),
                'init container "migrate" runs as root',
                "runAsUser 0",
            );
        });
    }
    it("rejects runAsNonRoot missing on both pod and container", async () => {
        const w = withSpec("kubernetes:apps/v1:Deployment", (s) => {
            delete s.securityContext.runAsNonRoot;
            delete s.containers[0].securityContext.runAsNonRoot;
        });
        one(await check(rule, [w]), 'container "app" may run as root', "runAsNonRoot not set (container and pod)");
    });
    it("rejects a writable root filesystem unless the config turns the check off", async () => {
        const w = withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].securityContext.readOnlyRootFilesystem = false));
        one(await check(rule, [w]), "has a writable root filesystem", "readOnlyRootFilesystem false");
        none(await check(rule, [w], { requireReadOnlyRootFilesystem: false }));
    });
    it("rejects a missing seccomp profile, and accepts it set on the pod only", async () => {
        const w = withSpec("kubernetes:batch/v1:Job", (s) => {
            delete s.securityContext.seccompProfile;
            delete s.containers[0].securityContext.seccompProfile;
        });
        one(await check(rule, [w]), 'container "app" has no seccomp profile', "seccompProfile.type not set");
        none(await check(rule, [withSpec("kubernetes:batch/v1:Job", (s) => delete s.containers[0].securityContext.seccompProfile)]));
    });
});

describe("policy workloads-pod-enforce-resources", () => {
    const rule = "workloads-pod-enforce-resources";
    for (const type of SHAPES) {
        it(`passes a ${kind(type)} with requests and limits and rejects its init container without them`, async () => {
            none(await check(rule, [workload(type)]));
            one(
                await check(rule, [withSpec(type, (s) => delete s.initContainers[0].resources)]),
                'init container "migrate" has no resource requests.cpu, requests.memory, limits.memory',
            );
        });
    }
    it("rejects a missing memory limit only", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:Deployment", (s) => delete s.containers[0].resources.limits)]),
            "has no resource limits.memory",
            "found resources limits.memory not set",
            "Fix: set resources.limits.memory",
        );
    });
    it("requires a CPU limit only when requireCpuLimit is on", async () => {
        none(await check(rule, [workload("kubernetes:apps/v1:Deployment")]));
        const v = await check(rule, [workload("kubernetes:apps/v1:Deployment")], { requireCpuLimit: true });
        assert.strictEqual(v.length, 2);
        assert.ok(v.every((x) => x.message.includes("limits.cpu")));
    });
});

describe("policy workloads-pod-disallow-unpinned-images", () => {
    const rule = "workloads-pod-disallow-unpinned-images";
    for (const type of SHAPES) {
        it(`passes pinned images in a ${kind(type)} and rejects a :latest init image`, async () => {
            none(await check(rule, [workload(type)]));
            one(
                await check(rule, [withSpec(type, (s) => (s.initContainers[0].image = "busybox:latest"))]),
                'init container "migrate" uses an unpinned image',
                'found "busybox:latest"',
            );
        });
    }
    it("rejects an untagged image (registry port is not a tag)", async () => {
        one(
            await check(rule, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "registry.local:5000/jamie"))]),
            'found "registry.local:5000/jamie"',
        );
    });
    it("accepts a digest and requires one when requireDigest is on", async () => {
        none(await check(rule, [withSpec("kubernetes:apps/v1:Deployment", (s) => (s.containers[0].image = "ghcr.io/x/y@sha256:abc"))]));
        const v = await check(rule, [workload("kubernetes:apps/v1:Deployment")], { requireDigest: true });
        assert.strictEqual(v.length, 2);
        assert.ok(v[0].message.includes("is not pinned by digest"));
    });
    it("rejects a container without an image", async () => {
        one(await check(rule, [withSpec("kubernetes:core/v1:Pod", (s) => delete s.containers[0].image)]), 'container "app" has no image');
    });
});

describe("policy workloads-pod-enforce-probes", () => {
    const rule = "workloads-pod-enforce-probes";
    for (const type of SHAPES.filter((t) => !t.startsWith("kubernetes:batch"))) {
        it(`passes a ${kind(type)} with probes and rejects one without a readiness probe`, async () => {
            none(await check(rule, [workload(type)]));
            one(await check(rule, [withSpec(type, (s) => delete s.containers[0].readinessProbe)]), 'container "app" has no readinessProbe');
        });
    }
    it("does not ask init containers for probes", async () => none(await check(rule, [workload("kubernetes:apps/v1:Deployment")])));
    it("skips Jobs and CronJobs (they run to completion)", async () => {
        none(
            await check(rule, [
                withSpec("kubernetes:batch/v1:Job", (s) => delete s.containers[0].livenessProbe),
                withSpec("kubernetes:batch/v1:CronJob", (s) => delete s.containers[0].livenessProbe),
            ]),
        );
    });
    it("names both probes when both are missing", async () => {
        one(
            await check(rule, [
                withSpec("kubernetes:apps/v1:Deployment", (s) => ["livenessProbe", "readinessProbe"].forEach((k) => delete s.containers[0][k])),
            ]),
            "has no livenessProbe or readinessProbe",
        );
    });
    const noProbes = (namespace: string, name: string, container: string): Res => {
        const w = withSpec("kubernetes:apps/v1:Deployment", (s) => {
            s.containers[0].name = container;
            delete s.containers[0].livenessProbe;
            delete s.containers[0].readinessProbe;
        });
        Object.assign(w.props.metadata as object, { namespace, name });
        return w;
    };
    it("excuses a listed container from the listed probes only", async () => {
        none(await check(rule, [noProbes("cert-manager", "cert-manager-cainjector", "cert-manager-cainjector")]));
        one(
            await check(rule, [noProbes("cert-manager", "cert-manager", "cert-manager-controller")]),
            'container "cert-manager-controller" has no livenessProbe',
            "livenessProbe not set",
        );
    });
    it("does not excuse another container of a listed workload, nor the same container name elsewhere", async () => {
        one(await check(rule, [noProbes("cert-manager", "cert-manager-cainjector", "sidecar")]), "has no livenessProbe or readinessProbe");
        one(await check(rule, [noProbes("team", "cert-manager-cainjector", "cert-manager-cainjector")]), "has no livenessProbe or readinessProbe");
    });
    it("takes probeExemptions from config", async () => {
        one(
            await check(rule, [noProbes("cert-manager", "cert-manager-cainjector", "cert-manager-cainjector")], { probeExemptions: [] }),
            "has no livenessProbe or readinessProbe",
        );
        none(
            await check(rule, [noProbes("team", "worker", "app")], {
                probeExemptions: [
                    { workload: "team/worker", container: "app", probes: ["livenessProbe", "readinessProbe"], reason: "a queue worker with no endpoint" },
                ],
            }),
        );
    });
});

describe("policy workloads-deployment-enforce-minimum-replicas", () => {
    const rule = "workloads-deployment-enforce-minimum-replicas";
    it("passes 3 replicas on Deployment and StatefulSet", async () =>
        none(await check(rule, [workload("kubernetes:apps/v1:Deployment"), workload("kubernetes:apps/v1:StatefulSet")])));
    it("rejects 2 replicas", async () => {
        one(
            await check(rule, [mutate(workload("kubernetes:apps/v1:Deployment"), (w) => ((w.props.spec as any).replicas = 2))]),
            "spec.replicas 2",
            "at least 3",
        );
    });
    it("judges an unset replica count as the Kubernetes default 1", async () => {
        one(
            await check(rule, [mutate(workload("kubernetes:apps/v1:StatefulSet"), (w) => delete (w.props.spec as any).replicas)]),
            "spec.replicas not set (Kubernetes default 1)",
        );
    });
    describe("with a HorizontalPodAutoscaler (replicas left unset so that pulumi up never resets the HPA's count)", () => {
        const hpa = (kind: string, name: string, minReplicas?: number): Res => ({
            type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            name: `hpa-${name}`,
            props: {
                metadata: { name, namespace: "jamie" },
                spec: { scaleTargetRef: { apiVersion: "apps/v1", kind, name }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 9 },
            },
        });
        const unset = (): Res => mutate(workload("kubernetes:apps/v1:Deployment"), (w) => delete (w.props.spec as any).replicas);
        const nameOf = (w: Res): string => (w.props.metadata as any).name;
        it("passes an unset count when an HPA targets the workload with minReplicas 3", async () => {
            const w = unset();
            none(await check(rule, [w, hpa("Deployment", nameOf(w), 3)]));
        });
        it("rejects an HPA floor of 2, naming it", async () => {
            const w = unset();
            one(await check(rule, [w, hpa("Deployment", nameOf(w), 2)]), "spec.replicas unset, HorizontalPodAutoscaler minReplicas 2", "at least 3");
        });
        it("takes an HPA without minReplicas at Kubernetes' default of 1", async () => {
            const w = unset();
            one(await check(rule, [w, hpa("Deployment", nameOf(w))]), "HorizontalPodAutoscaler minReplicas 1");
        });
        it("ignores an HPA aimed at another kind or name", async () => {
            const w = unset();
            one(await check(rule, [w, hpa("StatefulSet", nameOf(w), 3)]), "spec.replicas not set (Kubernetes default 1)");
            one(await check(rule, [w, hpa("Deployment", "other", 3)]), "spec.replicas not set (Kubernetes default 1)");
        });
    });
    it("honours minReplicas and name exemptions", async () => {
        const w = mutate(workload("kubernetes:apps/v1:Deployment"), (x) => ((x.props.spec as any).replicas = 1));
        none(await check(rule, [w], { minReplicas: 1 }));
        none(await check(rule, [w], { exemptNames: ["jamie/*"] }));
    });
    const named = (namespace: string, name: string, replicas: number | undefined): Res =>
        mutate(workload("kubernetes:apps/v1:Deployment"), (x) => {
            (x.props.metadata as any).namespace = namespace;
            (x.props.metadata as any).name = name;
            (x.props.spec as any).replicas = replicas;
            if (replicas === undefined) delete (x.props.spec as any).replicas;
        });
    it("passes a listed leader-elected controller at 2 replicas and rejects it at 1", async () => {
        none(await check(rule, [named("cert-manager", "cert-manager", 2)]));
        one(await check(rule, [named("data-postgres", "cloudnative-pg", 1)]), "a leader-elected controller", "spec.replicas 1", "at least 2");
    });
    it("holds an unlisted controller to minReplicas", async () => {
        one(await check(rule, [named("other", "some-operator", 2)]), "spec.replicas 2", "at least 3");
    });
    it("passes a listed singleton at 1 and honours leaderElectedMinReplicas and the lists from config", async () => {
        none(await check(rule, [named("monitoring", "monitoring-operator", undefined)]));
        one(await check(rule, [named("cert-manager", "cert-manager", 2)], { leaderElectedMinReplicas: 3 }), "at least 3");
        one(await check(rule, [named("ollama", "ollama", 1)], { singletons: [] }), "at least 3");
        none(await check(rule, [named("team", "my-operator", 2)], { leaderElected: [{ workload: "team/my-*", reason: "leader-elected by its own lease" }] }));
    });
    it("gives every listed workload a reason", () => {
        for (const e of [...DEFAULT_LEADER_ELECTED, ...DEFAULT_SINGLETONS]) {
            assert.ok(e.reason.length >= 10 && /^[a-z0-9*-]+\/[a-z0-9*-]+$/.test(e.workload), JSON.stringify(e));
        }
    });
});

describe("policy workloads-pdb-disallow-zero-disruption", () => {
    const rule = "workloads-pdb-disallow-zero-disruption";
    const pdb = (spec: any): Res => ({
        type: "kubernetes:policy/v1:PodDisruptionBudget",
        name: "pdb",
        props: { metadata: { name: "jamie", namespace: "jamie" }, spec },
    });
    it("passes maxUnavailable 1 and minAvailable 2", async () => none(await check(rule, [pdb({ maxUnavailable: 1 }), pdb({ minAvailable: 2 })])));
    it("rejects maxUnavailable 0", async () =>
        one(await check(rule, [pdb({ maxUnavailable: 0 })]), "blocks every voluntary disruption", "spec.maxUnavailable 0"));
    it("rejects minAvailable 100%", async () => one(await check(rule, [pdb({ minAvailable: "100%" })]), 'spec.minAvailable "100%"'));
    it("rejects a budget with neither bound", async () => one(await check(rule, [pdb({})]), "sets no bound"));
});

describe("policy workloads-namespace-enforce-network-policy", () => {
    const rule = "workloads-namespace-enforce-network-policy";
    const ns = (name: string): Res => ({ type: "kubernetes:core/v1:Namespace", name: `ns-${name}`, props: { metadata: { name } } });
    const np = (namespace: string): Res => ({
        type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        name: `np-${namespace}`,
        props: { metadata: { name: "default-deny", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    });
    const eks = (cni?: string): Res[] => [
        { type: "aws:eks/cluster:Cluster", name: "eks", props: { name: "prod" } },
        ...(cni === undefined
            ? []
            : [{ type: "aws:eks/addon:Addon", name: "cni", props: { clusterName: "prod", addonName: "vpc-cni", configurationValues: cni } }]),
    ];
    it("passes an EKS cluster with vpc-cni network policy and a policy in every namespace", async () => {
        none(await check(rule, [...eks('{"enableNetworkPolicy":"true"}'), ns("jamie"), np("jamie"), ns("kube-system")]));
    });
    it("rejects a namespace without a NetworkPolicy", async () => {
        one(await check(rule, [...eks('{"enableNetworkPolicy":"true"}'), ns("jamie"), ns("scarlet"), np("jamie")]), 'Namespace "scarlet" has no NetworkPolicy');
    });
    it("rejects an EKS cluster whose vpc-cni does not enforce network policy, or that has no vpc-cni add-on", async () => {
        one(await check(rule, eks("{}")), "vpc-cni configurationValues without enableNetworkPolicy");
        one(await check(rule, eks()), "no vpc-cni aws:eks/addon:Addon");
    });
    it("rejects GKE without Dataplane V2 or network policy, and AKS with networkPolicy none", async () => {
        one(await check(rule, [{ type: "gcp:container/cluster:Cluster", name: "gke", props: {} }]), "datapathProvider not set, networkPolicy.enabled not set");
        one(
            await check(rule, [{ type: "azure-native:containerservice:ManagedCluster", name: "aks", props: { networkProfile: { networkPolicy: "none" } } }]),
            'networkProfile.networkPolicy "none"',
        );
    });
});

void podSpec;
