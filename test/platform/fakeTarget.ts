/**
 * A fake ClusterTarget for platform component tests (part 1 and part 2 share it). It registers a
 * real `pulumi:providers:kubernetes` provider under the harness's mocks, offers an S3-like object
 * store and a workload-identity binder that records every binding it is asked for and answers with
 * IRSA-style annotations, so tests can assert who was bound to what.
 */
import { Provider } from "@pulumi/kubernetes/provider";
import * as pulumi from "@pulumi/pulumi";
import type {
    ClusterTarget,
    ObjectStore,
    ObjectStoreAccess,
    ObjectStoreKey,
    SecretManager,
    SecretManagerAccess,
    WorkloadIdentity,
    WorkloadIdentityBinder,
} from "../../components/contract";
import { NODE_ROLE_LABEL } from "../../components/contract";

/** One call the fake binder received. */
export interface FakeBinding {
    name: string;
    namespace: string;
    serviceAccount: string;
    objectStoreAccess: ObjectStoreAccess;
    /** Present when the binding asked for an object-store key. */
    objectStoreKey?: boolean;
    /** Present when the binding said what it may do with the secret manager. */
    secretManagerAccess?: SecretManagerAccess;
}

/** The private key the fake binder hands out for a GCS store (a secret value that must never leak). */
export const FAKE_GCS_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nZmFrZS1nY3Mta2V5\n-----END PRIVATE KEY-----\n";
/** The account key the fake binder hands out for an Azure Blob store (a secret value that must never leak). */
export const FAKE_AZURE_ACCOUNT_KEY = "ZmFrZS1henVyZS1hY2NvdW50LWtleS0wMTIzNDU2Nzg5YWJjZGVm";

/** The e-mail of the Google service account the fake binder hands out a key of. */
export function fakeServiceAccountEmail(name: string): string {
    return `${name}@fake-project.iam.gserviceaccount.com`;
}

/** What `fakeTarget` returns: the target plus the bindings it recorded. */
export interface FakeTarget {
    target: ClusterTarget;
    bindings: FakeBinding[];
}

/** The role ARN the fake binder hands out for a binding name. */
export function fakeRoleArn(name: string): string {
    return `arn:aws:iam::111122223333:role/${name}`;
}

/** Options for `fakeTarget`. */
export interface FakeTargetOptions {
    /** @default ["zone-a", "zone-b", "zone-c"] */
    zones?: string[];
    /** Give the target an object store. @default true */
    objectStore?: boolean;
    /** @default "encrypted-ssd" */
    storageClass?: string;
    /** The node ceiling. @default 27 (the managed clouds' default production pools) */
    maxNodes?: number;
    /** The target's secret manager. @default none */
    secretManager?: SecretManager;
}

/** Builds a fake ClusterTarget; call inside `runWithMocks`. */
export function fakeTarget(opts: FakeTargetOptions = {}): FakeTarget {
    const bindings: FakeBinding[] = [];
    const bucket = pulumi.output("agents-test-backups");
    const objectStore: ObjectStore | undefined =
        opts.objectStore === false
            ? undefined
            : {
                  kind: "s3",
                  bucket,
                  region: "eu-west-1",
                  url: (prefix: string) => pulumi.interpolate`s3://${bucket}/${prefix}`,
              };
    const workloadIdentity: WorkloadIdentityBinder = {
        bind(name, args): WorkloadIdentity {
            bindings.push({ name, ...args });
            if (args.secretManagerAccess === "read" && !target.secretManager) {
                throw new Error(`${name}: the fake binder has no secret manager to grant read of`);
            }
            // Like the real binders: a key only for GCS and Azure Blob stores (read when asked: tests swap the store).
            let objectStoreKey: ObjectStoreKey | undefined;
            if (args.objectStoreKey) {
                const store = target.objectStore;
                if (store?.kind === "gcs") {
                    objectStoreKey = {
                        kind: "gcsServiceAccountKey",
                        clientEmail: pulumi.output(fakeServiceAccountEmail(name)),
                        privateKey: pulumi.secret(FAKE_GCS_PRIVATE_KEY),
                    };
                } else if (store?.kind === "azureBlob") {
                    objectStoreKey = { kind: "azureSharedKey", accountName: store.storageAccount!, accountKey: pulumi.secret(FAKE_AZURE_ACCOUNT_KEY) };
                } else {
                    throw new Error(`${name}: the fake binder hands out no key for a ${store?.kind ?? "missing"} store`);
                }
            }
            return {
                serviceAccountAnnotations: pulumi.output<Record<string, string>>({ "eks.amazonaws.com/role-arn": fakeRoleArn(name) }),
                podLabels: {},
                principal: pulumi.output(fakeRoleArn(name)),
                ...(objectStoreKey ? { objectStoreKey } : {}),
            };
        },
    };
    const provider = new Provider("fake-cluster", { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
    const target: ClusterTarget = {
        cloud: "aws",
        clusterName: pulumi.output("fake-cluster"),
        provider,
        kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n"),
        zones: opts.zones ?? ["zone-a", "zone-b", "zone-c"],
        ssdStorageClass: pulumi.output(opts.storageClass ?? "encrypted-ssd"),
        objectStore,
        workloadIdentity,
        ...(opts.secretManager ? { secretManager: opts.secretManager } : {}),
        nodeRoleLabel: NODE_ROLE_LABEL,
        maxNodes: opts.maxNodes ?? 27,
        readyResources: [],
        warnings: opts.objectStore === false ? ["no object store: backups disabled"] : [],
    };
    return { target, bindings };
}
