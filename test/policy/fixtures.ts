/** Known-good resources per cloud for the policy tests; every test mutates one thing. */
import type { Res } from "./helpers";

export const EKS = "aws:eks/cluster:Cluster";
export const NG = "aws:eks/nodeGroup:NodeGroup";
export const LT = "aws:ec2/launchTemplate:LaunchTemplate";
export const SUBNET = "aws:ec2/subnet:Subnet";
export const GKE = "gcp:container/cluster:Cluster";
export const GNP = "gcp:container/nodePool:NodePool";
export const AKS = "azure-native:containerservice:ManagedCluster";
export const AP = "azure-native:containerservice:AgentPool";

/** An EKS cluster, one launch template, one node group over three private subnets. */
export function eksStack(): Res[] {
    return [
        { type: SUBNET, name: "a", props: { availabilityZone: "eu-west-1a", cidrBlock: "10.0.0.0/18" } },
        { type: SUBNET, name: "b", props: { availabilityZone: "eu-west-1b", cidrBlock: "10.0.64.0/18" } },
        { type: SUBNET, name: "c", props: { availabilityZone: "eu-west-1c", cidrBlock: "10.0.128.0/18" } },
        {
            type: EKS,
            name: "eks",
            props: {
                name: "prod",
                enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" } },
                vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-a", "subnet-b", "subnet-c"] },
            },
        },
        {
            type: LT,
            name: "lt",
            props: {
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: "arn:aws:kms:eu-west-1:111122223333:key/k" },
                    },
                ],
            },
        },
        {
            type: NG,
            name: "ng",
            props: {
                clusterName: "prod",
                instanceTypes: ["m6i.xlarge"],
                launchTemplate: { id: "lt-0abc", version: "1" },
                scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 },
                subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
            },
            dependsOn: ["eks", "lt", "a", "b", "c"],
        },
    ];
}

/** A regional GKE cluster without its default pool and one autoscaled node pool. */
export function gkeStack(): Res[] {
    return [
        {
            type: GKE,
            name: "gke",
            props: {
                name: "prod",
                location: "europe-west1",
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                datapathProvider: "ADVANCED_DATAPATH",
                databaseEncryption: { state: "ENCRYPTED", keyName: "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k" },
                privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true },
                releaseChannel: { channel: "REGULAR" },
            },
        },
        {
            type: GNP,
            name: "pool",
            props: {
                cluster: "prod",
                location: "europe-west1",
                autoscaling: { minNodeCount: 1, maxNodeCount: 3 },
                management: { autoRepair: true, autoUpgrade: true },
                nodeConfig: {
                    machineType: "e2-standard-4",
                    diskSizeGb: 100,
                    diskType: "pd-balanced",
                    bootDiskKmsKey: "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k",
                },
            },
            dependsOn: ["gke"],
        },
    ];
}

/** An AKS cluster with one inline zone-redundant system pool. */
export function aksStack(): Res[] {
    return [
        {
            type: AKS,
            name: "aks",
            props: {
                resourceName: "prod",
                resourceGroupName: "rg",
                sku: { name: "Base", tier: "Standard" },
                autoUpgradeProfile: { upgradeChannel: "stable" },
                networkProfile: { networkPlugin: "azure", networkPolicy: "cilium" },
                apiServerAccessProfile: { enablePrivateCluster: true },
                securityProfile: {
                    azureKeyVaultKms: {
                        enabled: true,
                        keyId: "https://v.vault.azure.net/keys/k/1",
                        keyVaultNetworkAccess: "Private",
                        keyVaultResourceId: "/subscriptions/s/vaults/v",
                    },
                },
                azureMonitorProfile: { metrics: { enabled: true } },
                agentPoolProfiles: [
                    {
                        name: "system",
                        mode: "System",
                        vmSize: "Standard_D4s_v5",
                        count: 3,
                        enableAutoScaling: false,
                        availabilityZones: ["1", "2", "3"],
                        osDiskSizeGB: 128,
                        osDiskType: "Managed",
                        enableEncryptionAtHost: true,
                    },
                ],
            },
        },
    ];
}

/** A separate AKS AgentPool for the cluster of `aksStack`. */
export function aksAgentPool(): Res {
    return {
        type: AP,
        name: "agents",
        props: {
            resourceName: "prod",
            resourceGroupName: "rg",
            agentPoolName: "agents",
            vmSize: "Standard_D8s_v5",
            enableAutoScaling: true,
            minCount: 3,
            maxCount: 6,
            availabilityZones: ["1", "2", "3"],
            osDiskSizeGB: 128,
            enableEncryptionAtHost: true,
        },
        dependsOn: ["aks"],
    };
}

/** The resource named `name` in a list (for one-line mutations). */
export function get(list: Res[], name: string): Res {
    const r = list.find((x) => x.name === name);
    if (!r) {
        throw new Error(`no fixture resource ${name}`);
    }
    return r;
}
