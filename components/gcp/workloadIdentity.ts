/**
 * GKE Workload Identity: one Google service account per bound Kubernetes ServiceAccount, the
 * `roles/iam.workloadIdentityUser` binding that lets the KSA impersonate it, and (when asked)
 * `roles/storage.objectAdmin` on the cluster's bucket. The KSA carries the
 * `iam.gke.io/gcp-service-account` annotation. The binding's shape is components/workloadIdentity.ts.
 * For a tool that cannot use Workload Identity (Percona Backup for MongoDB 2.12), a binding may
 * also ask for a key of its service account (`objectStoreKey`): the key reaches exactly the
 * bucket grant, and creating it needs the organisation policy
 * `iam.disableServiceAccountKeyCreation` off for the project (docs/data.md).
 * A binding with `secretManagerAccess: "read"` gets `roles/secretmanager.secretAccessor` on the
 * project under an IAM condition that limits it to the secrets whose ID starts with the cluster's
 * prefix (`secretReadCondition`): Secret Manager evaluates `resource.name` in conditions.
 */
import { Account } from "@pulumi/gcp/serviceaccount/account";
import { IAMMember } from "@pulumi/gcp/serviceaccount/iammember";
import { Key } from "@pulumi/gcp/serviceaccount/key";
import { IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects/iammember";
import { BucketIAMMember } from "@pulumi/gcp/storage/bucketIAMMember";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectStoreKey } from "../contract";
import { BindingRequest, CloudIdentityBinder } from "../workloadIdentity";
import { serviceAccountId, workloadIdentityMember } from "./helpers";

/** Annotation GKE reads on a Kubernetes ServiceAccount to map it to a Google service account. */
export const GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account";

/** Role a bound identity gets on the bucket for `objectStoreAccess: "readWrite"`. */
export const BUCKET_READ_WRITE_ROLE = "roles/storage.objectAdmin";

/** Role a bound identity gets for `secretManagerAccess: "read"` (the secrets' payloads and metadata). */
export const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";

/**
 * The IAM condition that limits a project-level secret grant to the secrets whose ID starts with
 * `prefix`: the secret's and its versions' resource names are
 * `projects/<project number>/secrets/<id>[/versions/<n>]` (Secret Manager, "IAM conditions").
 */
export function secretReadCondition(projectNumber: string, prefix: string): { title: string; description: string; expression: string } {
    return {
        title: "cluster-secrets",
        description: `Secrets whose ID starts with ${prefix}`,
        expression: `resource.name.startsWith("projects/${projectNumber}/secrets/${prefix}")`,
    };
}

/** What the binder needs from the cluster. */
export interface GkeBinderArgs {
    /** Project of the cluster (the Workload Identity pool is `<project>.svc.id.goog`). */
    project: string;
    /** The cluster's bucket, or undefined when it has none. */
    bucket?: pulumi.Output<string>;
    /** The project's number (the secrets' resource names carry it). */
    projectNumber: pulumi.Input<string>;
    /** Prefix of the secret IDs a `secretManagerAccess: "read"` binding may read (`<cluster name>-`). */
    secretPrefix: pulumi.Input<string>;
    /** Default parent of the created resources (the cluster component). */
    parent: pulumi.Resource;
    /** Resources the bindings wait for (the cluster: the pool exists once it does). */
    dependsOn: pulumi.Resource[];
}

/** Binds Kubernetes ServiceAccounts to Google service accounts through GKE Workload Identity. */
export class GkeWorkloadIdentityBinder extends CloudIdentityBinder<Account> {
    constructor(private readonly args: GkeBinderArgs) {
        super(args.parent, args.bucket !== undefined);
    }

    protected createIdentity(name: string, a: BindingRequest, opts: pulumi.CustomResourceOptions): Account {
        const gsa = new Account(
            name,
            {
                project: this.args.project,
                accountId: serviceAccountId(name),
                displayName: `${a.namespace}/${a.serviceAccount} (GKE Workload Identity)`,
                description: `Impersonated by Kubernetes ServiceAccount ${a.namespace}/${a.serviceAccount}`,
            },
            opts,
        );
        new IAMMember(
            `${name}-wi`,
            {
                serviceAccountId: gsa.name,
                role: "roles/iam.workloadIdentityUser",
                member: workloadIdentityMember(this.args.project, a.namespace, a.serviceAccount),
            },
            { ...opts, dependsOn: this.args.dependsOn },
        );
        return gsa;
    }

    protected grantObjectStore(name: string, gsa: Account, opts: pulumi.CustomResourceOptions): void {
        // The skeleton asks for a grant only when the cluster has a bucket.
        new BucketIAMMember(
            `${name}-bucket`,
            { bucket: this.args.bucket!, role: BUCKET_READ_WRITE_ROLE, member: pulumi.interpolate`serviceAccount:${gsa.email}` },
            opts,
        );
    }

    protected grantSecretManagerRead(name: string, gsa: Account, opts: pulumi.CustomResourceOptions): void {
        new ProjectIAMMember(
            `${name}-secrets-read`,
            {
                project: this.args.project,
                role: SECRET_ACCESSOR_ROLE,
                member: pulumi.interpolate`serviceAccount:${gsa.email}`,
                condition: pulumi.all([this.args.projectNumber, this.args.secretPrefix]).apply(([n, p]) => secretReadCondition(n, p)),
            },
            opts,
        );
    }

    protected createObjectStoreKey(name: string, gsa: Account, opts: pulumi.CustomResourceOptions): ObjectStoreKey {
        // The provider returns the key as a base64 credentials file (JSON), marked secret.
        const key = new Key(`${name}-key`, { serviceAccountId: gsa.name }, opts);
        const privateKey = pulumi.all([key.privateKey, gsa.email]).apply(([k, email]) => {
            const file = credentialsFile(k, name);
            if (file.clientEmail !== email) {
                throw new Error(`${name}: the service-account key belongs to ${file.clientEmail}, not ${email}`);
            }
            return file.privateKey;
        });
        return { kind: "gcsServiceAccountKey", clientEmail: gsa.email, privateKey: pulumi.secret(privateKey) };
    }

    protected principal(gsa: Account): pulumi.Output<string> {
        return gsa.email;
    }

    protected serviceAccountAnnotations(gsa: Account): pulumi.Output<Record<string, string>> {
        return gsa.email.apply((email): Record<string, string> => ({ [GKE_SA_ANNOTATION]: email }));
    }
}

/**
 * The e-mail and PEM private key of a service-account credentials file as `google_service_account_key`
 * returns it (base64 of the JSON file with `client_email` and `private_key`); throws, naming the
 * binding, when either is missing.
 */
export function credentialsFile(base64: string, name: string): { clientEmail: string; privateKey: string } {
    let parsed: { client_email?: unknown; private_key?: unknown } = {};
    try {
        parsed = JSON.parse(Buffer.from(base64, "base64").toString("utf8")) as typeof parsed;
    } catch {
        // Reported below.
    }
    if (typeof parsed.client_email !== "string" || typeof parsed.private_key !== "string") {
        throw new Error(`${name}: the service-account key is not a credentials file with client_email and private_key`);
    }
    return { clientEmail: parsed.client_email, privateKey: parsed.private_key };
}
