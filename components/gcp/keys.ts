/**
 * The GKE cluster's Cloud KMS keys: one key ring with a key per purpose (etcd secrets, node and
 * volume disks, the backup bucket), rotated, protected and kept in the cloud if Pulumi ever deletes
 * them (a deleted key would make every backup encrypted with it unreadable), each usable only by
 * the service agent that needs it. A dual-region bucket gets its key in the KMS location of the
 * multi-region around it. Resources are children of the calling component.
 */
import { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { CryptoKeyIAMMember } from "@pulumi/gcp/kms/cryptoKeyIAMMember";
import { KeyRing } from "@pulumi/gcp/kms/keyRing";
import { getProjectServiceAccountOutput } from "@pulumi/gcp/storage/getProjectServiceAccount";
import * as pulumi from "@pulumi/pulumi";
import { computeServiceAgent, GCS_KMS_LOCATION, gcsMultiRegion, gkeServiceAgent } from "./helpers";

/** Role that lets a service agent use a Cloud KMS key. */
export const KMS_USER_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/** Arguments of `createGkeKeys`. */
export interface GkeKeysArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    /** The project's number (the service agents' addresses carry it). */
    projectNumber: pulumi.Output<string>;
    region: string;
    /** The bucket's second region; with it the bucket key lives in the multi-region's KMS location. */
    drRegion?: string;
    /** Rotation period, e.g. `7776000s`. */
    rotationPeriod: string;
    labels: Record<string, string>;
    /** Protect (and retain on delete) the ring and keys. */
    protect: boolean;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** What `createGkeKeys` built. */
export interface GkeKeys {
    /** Encrypts Kubernetes Secrets in etcd (application-layer secrets encryption). */
    secretsKey: CryptoKey;
    /** Encrypts node boot disks and persistent disks. */
    diskKey: CryptoKey;
    /** Encrypts the backup bucket. */
    bucketKey: CryptoKey;
    /** The GKE service agent's use of the secrets key (the cluster waits for it). */
    secretsGrant: CryptoKeyIAMMember;
    /** The Compute Engine service agent's use of the disk key (nodes wait for it). */
    diskGrant: CryptoKeyIAMMember;
    /** The Cloud Storage service agent's use of the bucket key (the bucket waits for it). */
    bucketGrant: CryptoKeyIAMMember;
}

/** Creates the key ring, the three keys and each service agent's grant. */
export function createGkeKeys(a: GkeKeysArgs): GkeKeys {
    const { name, project, labels } = a;
    const stateful = { parent: a.parent, protect: a.protect, retainOnDelete: a.protect };
    const versionTemplate = { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: "SOFTWARE" };
    const ring = new KeyRing(`${name}-keys`, { project, location: a.region }, stateful);
    const key = (purpose: string): CryptoKey =>
        new CryptoKey(
            `${name}-${purpose}`,
            { keyRing: ring.id, purpose: "ENCRYPT_DECRYPT", rotationPeriod: a.rotationPeriod, labels, versionTemplate },
            stateful,
        );
    const secretsKey = key("secrets");
    const diskKey = key("disks");
    // A dual-region bucket needs its key in the KMS location of the multi-region around it.
    const multiRegion = a.drRegion ? gcsMultiRegion(a.region) : undefined;
    const bucketKey = multiRegion
        ? new CryptoKey(
              `${name}-bucket-dr`,
              {
                  keyRing: new KeyRing(`${name}-keys-${multiRegion.toLowerCase()}`, { project, location: GCS_KMS_LOCATION[multiRegion] }, stateful).id,
                  purpose: "ENCRYPT_DECRYPT",
                  rotationPeriod: a.rotationPeriod,
                  labels,
                  versionTemplate,
              },
              stateful,
          )
        : key("bucket");
    const grant = (id: string, k: CryptoKey, member: pulumi.Input<string>): CryptoKeyIAMMember =>
        new CryptoKeyIAMMember(`${name}-${id}`, { cryptoKeyId: k.id, role: KMS_USER_ROLE, member }, { parent: a.parent });
    const secretsGrant = grant("secrets-gke-agent", secretsKey, pulumi.interpolate`serviceAccount:${a.projectNumber.apply(gkeServiceAgent)}`);
    const diskGrant = grant("disks-compute-agent", diskKey, pulumi.interpolate`serviceAccount:${a.projectNumber.apply(computeServiceAgent)}`);
    const gcsAgent = getProjectServiceAccountOutput({ project }, { parent: a.parent });
    const bucketGrant = grant("bucket-gcs-agent", bucketKey, pulumi.interpolate`serviceAccount:${gcsAgent.emailAddress}`);
    return { secretsKey, diskKey, bucketKey, secretsGrant, diskGrant, bucketGrant };
}
