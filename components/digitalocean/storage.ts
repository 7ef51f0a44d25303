/**
 * The encrypted SSD StorageClass of a DOKS cluster. DigitalOcean block-storage volumes are SSD;
 * DOKS's CSI driver (`dobs.csi.digitalocean.com`, preinstalled and managed by DigitalOcean) formats
 * a volume with LUKS when its StorageClass says so, with the key it reads from the Secret the class
 * names at node-stage time. The key is generated here (a 64-character random secret), kept as a
 * Pulumi secret and a Kubernetes Secret in kube-system, and protected: without it no encrypted
 * volume can be opened again.
 *
 * What this encrypts: the volume's contents, on the node, before they reach DigitalOcean's block
 * storage, with a key this stack owns. What it does not: the key's own storage (a Secret in etcd,
 * which DOKS does not encrypt with a customer key), the nodes' local disks, snapshots' keys (a
 * snapshot holds the LUKS ciphertext and needs the same key).
 */
import { Secret } from "@pulumi/kubernetes/core/v1";
import type { Provider } from "@pulumi/kubernetes/provider";
import { StorageClass } from "@pulumi/kubernetes/storage/v1";
import * as pulumi from "@pulumi/pulumi";
import { RandomPassword } from "@pulumi/random/randomPassword";

/** The CSI driver DOKS installs for DigitalOcean block storage. */
export const DO_CSI_PROVISIONER = "dobs.csi.digitalocean.com";

/** Name of the StorageClass (the same on GKE and AKS). */
export const SSD_STORAGE_CLASS = "encrypted-ssd";

/** Where the LUKS key lives. */
export const LUKS_KEY_SECRET = { namespace: "kube-system", name: "encrypted-ssd-luks-key" } as const;

/** LUKS settings: AES-XTS with a 512-bit key (two AES-256 keys), the driver's documented parameters. */
export const LUKS_CIPHER = "aes-xts-plain64";
export const LUKS_KEY_SIZE = "512";

/** Length of the generated passphrase (characters from 62 symbols: about 380 bits). */
export const LUKS_PASSPHRASE_LENGTH = 64;

/** StorageClass parameters that make the DigitalOcean CSI driver create LUKS volumes with our key. */
export function luksParameters(secret: { namespace: string; name: string } = LUKS_KEY_SECRET): Record<string, string> {
    return {
        "dobs.csi.digitalocean.com/luks-encrypted": "true",
        "dobs.csi.digitalocean.com/luks-cipher": LUKS_CIPHER,
        "dobs.csi.digitalocean.com/luks-key-size": LUKS_KEY_SIZE,
        "csi.storage.k8s.io/node-stage-secret-namespace": secret.namespace,
        "csi.storage.k8s.io/node-stage-secret-name": secret.name,
        "csi.storage.k8s.io/fstype": "ext4",
    };
}

/** Creates the LUKS key, its Secret and the StorageClass. */
export function createEncryptedStorage(a: { name: string; provider: Provider; protect: boolean; parent: pulumi.Resource; dependsOn: pulumi.Resource[] }): {
    secret: Secret;
    storageClass: StorageClass;
} {
    const stateful = { parent: a.parent, protect: a.protect, retainOnDelete: a.protect };
    const passphrase = new RandomPassword(`${a.name}-luks-key`, { length: LUKS_PASSPHRASE_LENGTH, special: false }, stateful);
    const secret = new Secret(
        `${a.name}-luks-key`,
        {
            metadata: { namespace: LUKS_KEY_SECRET.namespace, name: LUKS_KEY_SECRET.name, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
            type: "Opaque",
            stringData: { luksKey: passphrase.result },
        },
        { ...stateful, provider: a.provider, dependsOn: a.dependsOn },
    );
    const storageClass = new StorageClass(
        `${a.name}-${SSD_STORAGE_CLASS}`,
        {
            // Not marked default: DOKS keeps its own do-block-storage class as the default; the
            // platform names this class explicitly (ClusterTarget.ssdStorageClass).
            metadata: { name: SSD_STORAGE_CLASS },
            provisioner: DO_CSI_PROVISIONER,
            parameters: luksParameters(),
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Retain",
            // Off: growing an encrypted volume needs the LUKS mapping resized on the node, which this
            // program has not verified the DigitalOcean driver does (its Linode fork documents that
            // it does not). Size volumes for their lifetime, or migrate to a larger one.
            allowVolumeExpansion: false,
        },
        { parent: a.parent, provider: a.provider, dependsOn: [secret, ...a.dependsOn] },
    );
    return { secret, storageClass };
}
