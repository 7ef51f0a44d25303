/** Node provisioning rules on EKS (node group + launch template + subnets), GKE and AKS. */
import { aksAgentPool, aksStack, AP, eksStack, get, gkeStack, GKE, GNP, LT, NG, SUBNET } from "./fixtures";
import { check, mutate, none, one, Res } from "./helpers";

const p = (list: Res[], name: string): any => get(list, name).props;

describe("policy nodes-cluster-enforce-minimum-count", () => {
    const rule = "nodes-cluster-enforce-minimum-count";
    it("passes an EKS node group with minSize 3", async () => none(await check(rule, eksStack())));
    it("passes a regional GKE pool with 1 node per zone (x3 zones)", async () => none(await check(rule, gkeStack())));
    it("passes an AKS cluster with 3 inline nodes", async () => none(await check(rule, aksStack())));
    it("rejects an EKS node group with minSize 2, naming the count and where it came from", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").scalingConfig.minSize = 2));
        one(
            await check(rule, s),
            'Cluster "eks" is under-provisioned',
            'found 2 node(s) at the autoscaler minimum: NodeGroup "ng" 2 (scalingConfig.minSize)',
            "required at least 3 nodes",
        );
    });
    it("uses desiredSize when minSize is absent", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").scalingConfig = { desiredSize: 1, maxSize: 3 }));
        one(await check(rule, s), "1 (scalingConfig.desiredSize (no minSize))");
    });
    it("multiplies GKE per-zone counts by the pool's nodeLocations (1 x 2 zones = 2)", async () => {
        const s = mutate(gkeStack(), (x) => (p(x, "pool").nodeLocations = ["europe-west1-b", "europe-west1-c"]));
        one(await check(rule, s), "autoscaling.minNodeCount 1 per zone x 2 zones", "found 2 node(s)");
    });
    it("uses GKE autoscaling.totalMinNodeCount as a total", async () => {
        const s = mutate(gkeStack(), (x) => (p(x, "pool").autoscaling = { totalMinNodeCount: 2, totalMaxNodeCount: 6 }));
        one(await check(rule, s), "2 (autoscaling.totalMinNodeCount)");
    });
    it("counts a GKE cluster's default pool (initialNodeCount per zone) when it is not removed: zonal cluster = 1 node", async () => {
        const s = mutate(gkeStack(), (x) => {
            Object.assign(p(x, "gke"), { removeDefaultNodePool: false, location: "europe-west1-b", nodeConfig: { machineType: "e2-standard-4" } });
        }).filter((r) => r.type !== GNP);
        one(await check(rule, s), "default node pool 1 (initialNodeCount 1 per zone x 1 zones)");
    });
    it("rejects a cluster with no node pools at all", async () => {
        one(
            await check(
                rule,
                gkeStack().filter((r) => r.type !== GNP),
            ),
            "found 0 node(s) at the autoscaler minimum (no node pools)",
        );
    });
    it("rejects an AKS inline pool with count 2", async () => {
        const s = mutate(aksStack(), (x) => (p(x, "aks").agentPoolProfiles[0].count = 2));
        one(await check(rule, s), 'agentPoolProfiles[0] "system" 2 (count)');
    });
    it("reads AKS minCount when autoscaling is on", async () => {
        const s = mutate(aksStack(), (x) => Object.assign(p(x, "aks").agentPoolProfiles[0], { enableAutoScaling: true, minCount: 1, maxCount: 5 }));
        one(await check(rule, s), "1 (minCount (autoscaling on))");
    });
    it("sums an AKS inline pool and a separate AgentPool of the same cluster (2 + 3)", async () => {
        const s = mutate([...aksStack(), aksAgentPool()], (x) => (p(x, "aks").agentPoolProfiles[0].count = 2));
        none(await check(rule, s));
    });
    it("honours minNodes from config (2 passes with minNodes 2)", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").scalingConfig.minSize = 2));
        none(await check(rule, s, { minNodes: 2 }));
    });
});

describe("policy nodes-pool-enforce-zone-spread", () => {
    const rule = "nodes-pool-enforce-zone-spread";
    it("passes node pools over three zones on every cloud", async () => {
        none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack(), aksAgentPool()]));
    });
    it("rejects an EKS node group in subnets of two zones", async () => {
        const s = mutate(eksStack(), (x) => (get(x, "ng").dependsOn = ["eks", "lt", "a", "b"]));
        one(await check(rule, s), 'NodeGroup "ng" spans too few availability zones', "found 2 zone(s) [eu-west-1a, eu-west-1b]", "subnetIds");
    });
    it("fails closed when the subnets are not in the stack, and accepts them once subnetZones declares them", async () => {
        const s = eksStack().filter((r) => r.type !== SUBNET);
        one(await check(rule, s), "its zones cannot be determined", "subnetZones");
        none(await check(rule, s, { subnetZones: { "subnet-a": "eu-west-1a", "subnet-b": "eu-west-1b", "subnet-c": "eu-west-1c" } }));
    });
    it("rejects a GKE pool of a zonal cluster", async () => {
        const s = mutate(gkeStack(), (x) => {
            p(x, "gke").location = "europe-west1-b";
            p(x, "pool").location = "europe-west1-b";
        });
        one(await check(rule, s), 'NodePool "pool" spans too few', "1 zone(s) [europe-west1-b]", "nodeLocations");
    });
    it("rejects an AKS pool without availabilityZones", async () => {
        const s = mutate(aksStack(), (x) => delete p(x, "aks").agentPoolProfiles[0].availabilityZones);
        one(await check(rule, s), "found 0 zone(s) [] from availabilityZones not set", 'availabilityZones to 3 zones, e.g. ["1", "2", "3"]');
    });
    it("rejects a separate AKS AgentPool over two zones", async () => {
        const s = mutate([...aksStack(), aksAgentPool()], (x) => (p(x, "agents").availabilityZones = ["1", "2"]));
        one(await check(rule, s), 'AgentPool "agents"', "2 zone(s) [1, 2]");
    });
});

describe("policy nodes-pool-enforce-machine-size", () => {
    const rule = "nodes-pool-enforce-machine-size";
    it("passes m6i.xlarge, e2-standard-4 and Standard_D4s_v5", async () => none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack()])));
    it("rejects t3.large for both vCPU and memory", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").instanceTypes = ["t3.large"]));
        one(await check(rule, s), 'machine type "t3.large" is too small (2 vCPU < 4, 8 GiB < 16 GiB)', "required at least 4 vCPU and 16 GiB per node");
    });
    it("rejects c6i.xlarge for memory only", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").instanceTypes = ["c6i.xlarge"]));
        one(await check(rule, s), "(8 GiB < 16 GiB)");
    });
    it("fails closed on an unknown machine type, telling how to declare it", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").instanceTypes = ["x9.mega"]));
        one(await check(rule, s), '"x9.mega" is not in the aws size catalogue', '"machineSizes": {"x9.mega": {"vcpu": <n>, "memoryGib": <n>}}');
    });
    it("accepts an unknown type once machineSizes declares it", async () => {
        const s = mutate(eksStack(), (x) => (p(x, "ng").instanceTypes = ["x9.mega"]));
        none(await check(rule, s, { machineSizes: { "x9.mega": { vcpu: 8, memoryGib: 32 } } }));
    });
    it("reads the launch template's instanceType when the node group names none", async () => {
        const s = mutate(eksStack(), (x) => {
            delete p(x, "ng").instanceTypes;
            p(x, "lt").instanceType = "m6i.large";
        });
        one(await check(rule, s), '"m6i.large" with 2 vCPU and 8 GiB (launch template "lt" instanceType)');
    });
    it("takes the EKS default t3.medium when no instance type is set anywhere", async () => {
        const s = mutate(eksStack(), (x) => delete p(x, "ng").instanceTypes);
        one(await check(rule, s), '"t3.medium" with 2 vCPU and 4 GiB (the EKS default (instanceTypes not set))');
    });
    it("parses GKE custom types (custom-4-16384 passes, custom-2-8192 fails)", async () => {
        none(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "pool").nodeConfig.machineType = "custom-4-16384")),
            ),
        );
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "pool").nodeConfig.machineType = "n2-custom-2-8192")),
            ),
            "2 vCPU < 4, 8 GiB < 16 GiB",
        );
    });
    it("takes the GKE default e2-medium when nodeConfig.machineType is missing", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => delete p(x, "pool").nodeConfig.machineType),
            ),
            '"e2-medium" with 2 vCPU and 4 GiB',
        );
    });
    it("rejects Standard_D2s_v5 on AKS and matches Azure sizes case-insensitively", async () => {
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => (p(x, "aks").agentPoolProfiles[0].vmSize = "Standard_D2s_v5")),
            ),
            '"Standard_D2s_v5" with 2 vCPU and 8 GiB',
        );
        none(
            await check(
                rule,
                mutate(aksStack(), (x) => (p(x, "aks").agentPoolProfiles[0].vmSize = "standard_d4S_V5")),
            ),
        );
    });
    it("honours minVcpu/minMemoryGib from config", async () => {
        none(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "ng").instanceTypes = ["t3.large"])),
                { minVcpu: 2, minMemoryGib: 8 },
            ),
        );
    });
});

describe("policy nodes-pool-enforce-disk-size", () => {
    const rule = "nodes-pool-enforce-disk-size";
    it("passes 100 GB roots on every cloud (GKE and AKS defaults included)", async () => {
        const g = mutate(gkeStack(), (x) => delete p(x, "pool").nodeConfig.diskSizeGb);
        const a = mutate(aksStack(), (x) => delete p(x, "aks").agentPoolProfiles[0].osDiskSizeGB);
        none(await check(rule, [...eksStack(), ...g, ...a]));
    });
    it("rejects a 50 GB launch-template root volume", async () => {
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "lt").blockDeviceMappings[0].ebs.volumeSize = 50)),
            ),
            'found 50 GB (launch template "lt" root volumeSize)',
            "required at least 100 GB",
        );
    });
    it("takes the AMI's 20 GB when the launch template sets no volumeSize", async () => {
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "lt").blockDeviceMappings[0].ebs.volumeSize),
            ),
            "found 20 GB (the AMI default",
        );
    });
    it("takes the EKS default of 20 GB for a node group without launch template or diskSize", async () => {
        const s = mutate(eksStack(), (x) => delete p(x, "ng").launchTemplate).filter((r) => r.type !== LT);
        s.find((r) => r.type === NG)!.dependsOn = ["eks", "a", "b", "c"];
        one(await check(rule, s), "found 20 GB (the EKS default (diskSize not set))");
    });
    it("joins the launch template by name when it is not among the dependencies", async () => {
        const s = mutate(eksStack(), (x) => {
            p(x, "lt").name = "prod-lt";
            p(x, "lt").blockDeviceMappings[0].ebs.volumeSize = 40;
            p(x, "ng").launchTemplate = { name: "prod-lt", version: "$Latest" };
            get(x, "ng").dependsOn = ["eks", "a", "b", "c"];
        });
        one(await check(rule, s), 'found 40 GB (launch template "lt" root volumeSize)');
    });
    it("rejects a 50 GB GKE disk and a 64 GB AKS OS disk", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "pool").nodeConfig.diskSizeGb = 50)),
            ),
            "found 50 GB (nodeConfig.diskSizeGb)",
            "nodeConfig.diskSizeGb to 100",
        );
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => (p(x, "aks").agentPoolProfiles[0].osDiskSizeGB = 64)),
            ),
            "found 64 GB (osDiskSizeGB)",
            "osDiskSizeGB to 100",
        );
    });
    it("honours minDiskGb from config (200 rejects the 100 GB root)", async () => {
        one(await check(rule, eksStack(), { minDiskGb: 200 }), "required at least 200 GB");
    });
});

describe("policy nodes-pool-enforce-ssd-disk", () => {
    const rule = "nodes-pool-enforce-ssd-disk";
    it("passes gp3, pd-balanced and premium-capable managed disks", async () => none(await check(rule, [...eksStack(), ...gkeStack(), ...aksStack()])));
    it("rejects an st1 (HDD) launch-template root volume", async () => {
        one(
            await check(
                rule,
                mutate(eksStack(), (x) => (p(x, "lt").blockDeviceMappings[0].ebs.volumeType = "st1")),
            ),
            'disk type "st1"',
            "volumeType to gp3",
        );
    });
    it("treats a launch template without volumeType as gp2 (SSD)", async () => {
        none(
            await check(
                rule,
                mutate(eksStack(), (x) => delete p(x, "lt").blockDeviceMappings[0].ebs.volumeType),
            ),
        );
    });
    it("rejects GKE pd-standard", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "pool").nodeConfig.diskType = "pd-standard")),
            ),
            'disk type "pd-standard" (nodeConfig.diskType)',
        );
    });
    it("rejects an AKS managed OS disk on a VM size without premium storage, accepts it ephemeral", async () => {
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => (p(x, "aks").agentPoolProfiles[0].vmSize = "Standard_D4_v5")),
            ),
            'disk type "Managed"',
            "premium storage",
        );
        none(
            await check(
                rule,
                mutate(aksStack(), (x) => Object.assign(p(x, "aks").agentPoolProfiles[0], { vmSize: "Standard_D4_v5", osDiskType: "Ephemeral" })),
            ),
        );
    });
});

describe("policy nodes-cluster-configure-managed-upgrades", () => {
    const rule = "nodes-cluster-configure-managed-upgrades";
    it("passes GKE with auto-repair/upgrade on a channel and AKS on a channel with Standard tier", async () =>
        none(await check(rule, [...gkeStack(), ...aksStack()])));
    it("rejects a GKE node pool with autoRepair off", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "pool").management.autoRepair = false)),
            ),
            "management.autoRepair is off",
            "found false",
        );
    });
    it("rejects a GKE cluster with release channel UNSPECIFIED", async () => {
        one(
            await check(
                rule,
                mutate(gkeStack(), (x) => (p(x, "gke").releaseChannel.channel = "UNSPECIFIED")),
            ),
            'releaseChannel.channel "UNSPECIFIED"',
        );
    });
    it("rejects an AKS cluster without an upgrade channel (default none)", async () => {
        one(
            await check(
                rule,
                mutate(aksStack(), (x) => delete p(x, "aks").autoUpgradeProfile),
            ),
            "autoUpgradeProfile.upgradeChannel not set (AKS default: none)",
        );
    });
    it("rejects the AKS Free tier unless requirePaidTier is off", async () => {
        const s = mutate(aksStack(), (x) => (p(x, "aks").sku.tier = "Free"));
        one(await check(rule, s), 'sku.tier "Free"', "Standard or Premium");
        none(await check(rule, s, { requirePaidTier: false }));
    });
    it("ignores resources of other types", async () => none(await check(rule, eksStack())));
});

void [AP, GKE];
