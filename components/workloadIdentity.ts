/**
 * The one shape of a cloud workload identity (IRSA on EKS, GKE Workload Identity, Azure Workload
 * Identity): for one Kubernetes ServiceAccount, create a cloud identity that trusts exactly that
 * `namespace/serviceAccount`, grant it read/write on the cluster's object store when asked, and
 * return what the ServiceAccount (annotations) and its pods (labels) must carry. A cloud's binder
 * supplies the three cloud-specific steps; this skeleton keeps binding names unique, makes every
 * resource a child of the cluster component, and refuses object-store access on a cluster that has
 * no store before creating anything.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStoreAccess, ObjectStoreKey, SecretManagerAccess, WorkloadIdentity, WorkloadIdentityBinder } from "./contract";

/** What a binding asks for. */
export interface BindingRequest {
    namespace: string;
    serviceAccount: string;
    objectStoreAccess: ObjectStoreAccess;
    /** Also hand out a long-lived key to the store (contract.ts `ObjectStoreKey`). @default false */
    objectStoreKey?: boolean;
    /** Read the secrets under the cluster's `SecretManager.namePrefix`. @default "none" */
    secretManagerAccess?: SecretManagerAccess;
}

/** A `WorkloadIdentityBinder` built from a cloud's three steps; `I` is what the cloud creates per binding. */
export abstract class CloudIdentityBinder<I> implements WorkloadIdentityBinder {
    private readonly names = new Set<string>();

    /**
     * @param parent the cluster component: default parent of every resource a binding creates
     * @param hasObjectStore whether the cluster has an object store to grant access to
     */
    protected constructor(
        protected readonly parent: pulumi.Resource,
        private readonly hasObjectStore: boolean,
    ) {}

    bind(name: string, request: BindingRequest, opts?: pulumi.CustomResourceOptions): WorkloadIdentity {
        if (this.names.has(name)) {
            throw new Error(`workload identity "${name}" is already bound; give each binding its own name`);
        }
        this.names.add(name);
        if (request.objectStoreAccess === "readWrite" && !this.hasObjectStore) {
            throw new pulumi.ResourceError(`${name}: objectStoreAccess readWrite asked for, but the cluster has no object store`, this.parent);
        }
        if (request.objectStoreKey === true && request.objectStoreAccess !== "readWrite") {
            throw new pulumi.ResourceError(
                `${name}: objectStoreKey asked for with objectStoreAccess ${request.objectStoreAccess}; a key is handed out only with readWrite`,
                this.parent,
            );
        }
        const childOpts: pulumi.CustomResourceOptions = { parent: this.parent, ...opts };
        const identity = this.createIdentity(name, request, childOpts);
        if (request.objectStoreAccess === "readWrite") {
            this.grantObjectStore(name, identity, childOpts);
        }
        if (request.secretManagerAccess === "read") {
            this.grantSecretManagerRead(name, identity, childOpts);
        }
        const key = request.objectStoreKey === true ? this.createObjectStoreKey(name, identity, childOpts) : undefined;
        return {
            serviceAccountAnnotations: this.serviceAccountAnnotations(identity),
            podLabels: this.podLabels(),
            principal: this.principal(identity),
            ...(key ? { objectStoreKey: key } : {}),
        };
    }

    /** Creates the cloud identity and its trust for exactly `request.namespace/request.serviceAccount`. */
    protected abstract createIdentity(name: string, request: BindingRequest, opts: pulumi.CustomResourceOptions): I;

    /** Grants the identity read/write on the cluster's object store. */
    protected abstract grantObjectStore(name: string, identity: I, opts: pulumi.CustomResourceOptions): void;

    /** The annotations the ServiceAccount carries to act as the identity. */
    protected abstract serviceAccountAnnotations(identity: I): pulumi.Output<Record<string, string>>;

    /** The identity's own name (contract.ts `WorkloadIdentity.principal`). */
    protected abstract principal(identity: I): pulumi.Output<string>;

    /**
     * Creates the long-lived object-store key a binding asked for (`objectStoreKey: true`). Clouds
     * whose tools all reach the store as the identity hand out none: the default throws.
     */
    protected createObjectStoreKey(name: string, _identity: I, _opts: pulumi.CustomResourceOptions): ObjectStoreKey {
        throw new pulumi.ResourceError(
            `${name}: an object-store key was asked for, but this cloud hands out none: its tools reach the object store as the workload identity`,
            this.parent,
        );
    }

    /**
     * Grants the identity read of the secrets under the cluster's `SecretManager.namePrefix`. A
     * cloud without a secret manager keeps the default, which throws.
     */
    protected grantSecretManagerRead(name: string, _identity: I, _opts: pulumi.CustomResourceOptions): void {
        throw new pulumi.ResourceError(`${name}: secretManagerAccess read asked for, but this cluster has no secret manager`, this.parent);
    }

    /** The labels the pods carry (none unless the cloud's webhook selects on one). */
    protected podLabels(): Record<string, string> {
        return {};
    }
}
