/**
 * Every policy of the pack, in one array. Tests, the offline preview and `policy/index.ts` import
 * it; only `policy/index.ts` constructs the PolicyPack (which starts a gRPC server).
 */
import type { Policies } from "@pulumi/policy";
import { auditLoadbalancerEnforceAccessLogs } from "./audit/accessLogs";
import { auditClusterEnforceControlPlaneLogs } from "./audit/controlPlaneLogs";
import { dataDatabaseEnforceBackupRetention } from "./data/backupRetention";
import { dataChartEnforceRequiredValues } from "./data/chartValues";
import { dataBackupEnforceCrossRegion } from "./data/crossRegion";
import { dataDatabaseEnforcePersistence } from "./data/databaseStorage";
import { dataDatabaseEnforceHighAvailability } from "./data/highAvailability";
import { dataStorageclassEnforceRetainPolicy } from "./data/retainVolumes";
import { dataStatefulEnforceProtection } from "./data/statefulProtection";
import { nodesPoolEnforceDiskSize } from "./nodes/diskSize";
import { nodesPoolEnforceMachineSize } from "./nodes/machineSize";
import { nodesDokspoolEnforceAutoscaling } from "./nodes/doksAutoscaling";
import { nodesClusterConfigureManagedUpgrades } from "./nodes/managedUpgrades";
import { nodesClusterEnforceMinimumCount } from "./nodes/minimumCount";
import { nodesPoolEnforceSsdDisk } from "./nodes/ssdDisk";
import { nodesClusterEnforceSupportedVersion } from "./nodes/supportedVersion";
import { nodesPoolEnforceWorkloadFit } from "./nodes/workloadFit";
import { nodesPoolEnforceZoneSpread } from "./nodes/zoneSpread";
import { secretsAksclusterEnforceKeyvaultKms } from "./secrets/aksEncryption";
import { secretsBucketEnforceEncryption } from "./secrets/bucketEncryption";
import { secretsDiskEnforceEncryption } from "./secrets/diskEncryption";
import { secretsEksclusterEnforceKmsEncryption } from "./secrets/eksEncryption";
import { secretsGkeclusterEnforceApplicationEncryption } from "./secrets/gkeEncryption";
import { secretsKmskeyEnforceRotation } from "./secrets/keyRotation";
import { secretsKubernetesDisallowPlaintext } from "./secrets/plaintext";
import { secretsStorageclassEnforceEncryption } from "./secrets/storageClass";
import { tlsDatabaseEnforceEncryptedConnections } from "./tls/databaseConnections";
import { tlsDatabaseEnforceInClusterTls } from "./tls/inClusterDatabases";
import { tlsIngressEnforceHostCoverage } from "./tls/ingressHosts";
import { tlsServiceEnforceLoadbalancerTls } from "./tls/loadBalancerService";
import { tlsListenerEnforceModernPolicy } from "./tls/modernPolicy";
import { tlsLoadbalancerDisallowPlainHttp } from "./tls/plainHttp";
import { tlsClusterDisallowPublicEndpoint } from "./tls/publicEndpoint";
import { workloadsPdbDisallowZeroDisruption } from "./workloads/disruptionBudget";
import { workloadsPodEnforceNonRoot } from "./workloads/nonRoot";
import { workloadsNamespaceEnforceNetworkPolicy } from "./workloads/networkPolicy";
import { workloadsPodDisallowUnpinnedImages } from "./workloads/pinnedImages";
import { workloadsImageEnforceRegistry } from "./workloads/imageRegistry";
import { workloadsPodDisallowPrivilege } from "./workloads/privilege";
import { workloadsPodEnforceProbes } from "./workloads/probes";
import { workloadsDeploymentEnforceMinimumReplicas } from "./workloads/replicas";
import { workloadsPodEnforceResources } from "./workloads/resources";

/** The pack's name (PulumiPolicy.yaml and `--policy-pack`). */
export const PACK_NAME = "agent-platform";

/** Rules that size nodes: advisory on development stacks, mandatory in production. */
export const SIZING_POLICIES = [
    "nodes-cluster-enforce-minimum-count",
    "nodes-pool-enforce-zone-spread",
    "nodes-pool-enforce-machine-size",
    "nodes-pool-enforce-disk-size",
    "nodes-pool-enforce-ssd-disk",
    "nodes-dokspool-enforce-autoscaling",
    "nodes-cluster-enforce-supported-version",
    "workloads-deployment-enforce-minimum-replicas",
    "data-database-enforce-persistence",
] as const;

export const policies: Policies = [
    // Node provisioning and HA.
    nodesClusterEnforceMinimumCount,
    nodesPoolEnforceZoneSpread,
    nodesPoolEnforceMachineSize,
    nodesPoolEnforceDiskSize,
    nodesPoolEnforceSsdDisk,
    nodesClusterConfigureManagedUpgrades,
    nodesDokspoolEnforceAutoscaling,
    nodesClusterEnforceSupportedVersion,
    nodesPoolEnforceWorkloadFit,
    // TLS in transit.
    tlsIngressEnforceHostCoverage,
    tlsLoadbalancerDisallowPlainHttp,
    tlsListenerEnforceModernPolicy,
    tlsServiceEnforceLoadbalancerTls,
    tlsDatabaseEnforceEncryptedConnections,
    tlsDatabaseEnforceInClusterTls,
    tlsClusterDisallowPublicEndpoint,
    // Secrets and encryption at rest.
    secretsEksclusterEnforceKmsEncryption,
    secretsGkeclusterEnforceApplicationEncryption,
    secretsAksclusterEnforceKeyvaultKms,
    secretsKubernetesDisallowPlaintext,
    secretsDiskEnforceEncryption,
    secretsStorageclassEnforceEncryption,
    secretsBucketEnforceEncryption,
    secretsKmskeyEnforceRotation,
    // Workload hardening.
    workloadsPodDisallowPrivilege,
    workloadsPodEnforceNonRoot,
    workloadsPodEnforceResources,
    workloadsPodDisallowUnpinnedImages,
    workloadsImageEnforceRegistry,
    workloadsPodEnforceProbes,
    workloadsDeploymentEnforceMinimumReplicas,
    workloadsPdbDisallowZeroDisruption,
    workloadsNamespaceEnforceNetworkPolicy,
    // Audit logging.
    auditClusterEnforceControlPlaneLogs,
    auditLoadbalancerEnforceAccessLogs,
    // Data protection.
    dataDatabaseEnforceBackupRetention,
    dataStatefulEnforceProtection,
    dataDatabaseEnforceHighAvailability,
    dataStorageclassEnforceRetainPolicy,
    dataDatabaseEnforcePersistence,
    dataChartEnforceRequiredValues,
    dataBackupEnforceCrossRegion,
];
