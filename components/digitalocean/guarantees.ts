/**
 * What DOKS cannot give the `ClusterTarget` contract, each announced as an `unmetGuarantee`
 * warning (components/contract.ts) so the preview report shows it and the contract suite can tell
 * an announced gap from a silent one. Every statement is about what DigitalOcean lets this program
 * set (the arguments of @pulumi/digitalocean 4.80.1's resources) or prove; none guesses at what
 * DigitalOcean does inside its own platform. docs/clouds.md has the side-by-side table.
 */
import { unmetGuarantee } from "../contract";

/** The announcements a DOKS target carries, for a cluster in `region` with its bucket in `spacesRegion`. */
export function doksUnmetGuarantees(region: string, spacesRegion: string): string[] {
    return [
        unmetGuarantee(
            "zoneRedundancy",
            `DigitalOcean region ${region} is one datacenter without availability zones: nodes carry no topology.kubernetes.io/zone label, the target lists no zones and the platform spreads replicas over nodes only; HA here is the HA control plane and at least 3 nodes per pool, and an outage of the datacenter stops the cluster`,
        ),
        unmetGuarantee(
            "etcdCustomerKey",
            "DOKS has no setting for Secrets encryption in etcd and no customer-managed (KMS) key: Kubernetes Secrets, including the volume encryption key, are protected only by DigitalOcean's managed control plane",
        ),
        unmetGuarantee(
            "controlPlaneAuditLogs",
            "DOKS offers no export of the API server's audit log: API calls to the cluster are not recorded for the operator",
        ),
        unmetGuarantee(
            "nodeDiskCustomerKey",
            "a DOKS node's local disk is part of its droplet size and has no encryption setting or customer-managed key: node disks (container images, emptyDir, logs) are not encrypted by a key you control",
        ),
        unmetGuarantee(
            "objectStoreEncryption",
            `the Spaces bucket (${spacesRegion}) has no encryption-at-rest setting this program can make or prove; backups, logs and traces rely on DigitalOcean's own storage protection`,
        ),
        unmetGuarantee(
            "objectStoreCustomerKey",
            "Spaces has no customer-managed key for a bucket (only per-request SSE-C keys, which Barman, Loki and Tempo do not send)",
        ),
    ];
}

/** DOKS has no private API endpoint; the control-plane firewall is what limits who reaches it. */
export function apiEndpointWarning(allowed: readonly string[]): string {
    return `DOKS has no private API endpoint: the API server has a public address, and its control-plane firewall admits only the nodes and ${allowed.join(", ")}`;
}

/** No cloud identity for pods on DOKS: the object store is reached with one bucket-scoped Spaces key. */
export const STATIC_CREDENTIALS_WARNING =
    "no workload identity on DOKS: every workload that writes to the object store uses the same Spaces access key, limited to the platform's bucket (readwrite) and kept as a Pulumi secret and Kubernetes Secrets";

/** The LUKS key sits in a Kubernetes Secret; losing it loses every encrypted volume. */
export const VOLUME_KEY_WARNING =
    "the block-storage volumes are LUKS-encrypted with a key this stack generates (Pulumi secret) and stores in the Kubernetes Secret kube-system/encrypted-ssd-luks-key: the key is protected from destroy, and the Pulumi state's copy is the only other one";
