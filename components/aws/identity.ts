/**
 * IAM Roles for Service Accounts (IRSA): binds a Kubernetes ServiceAccount to an IAM role trusted
 * through the cluster's OIDC provider, optionally with read/write access to the object store. The
 * binding's shape is components/workloadIdentity.ts.
 */
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import * as pulumi from "@pulumi/pulumi";
import { BindingRequest, CloudIdentityBinder } from "../workloadIdentity";
import { bucketReadWritePolicy, irsaTrustPolicy, secretsReadPolicy } from "./iamPolicies";

/** The ServiceAccount annotation that names the IAM role a pod assumes. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** Arguments of `createIrsaRole`. */
export interface IrsaRoleArgs {
    /** Resource name of the role. */
    name: string;
    oidcProviderArn: pulumi.Input<string>;
    /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
    issuerUrl: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
    tags: Record<string, string>;
}

/** Creates an IAM role that only `namespace/serviceAccount` of this cluster can assume. */
export function createIrsaRole(a: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): Role {
    return new Role(
        a.name,
        {
            description: `IRSA role of ${a.namespace}/${a.serviceAccount}`,
            assumeRolePolicy: pulumi
                .all([a.oidcProviderArn, a.issuerUrl])
                .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, a.namespace, a.serviceAccount))),
            tags: { ...a.tags, "kubernetes-namespace": a.namespace, "kubernetes-service-account": a.serviceAccount },
        },
        opts,
    );
}

/** Arguments of `IrsaBinder`. */
export interface IrsaBinderArgs {
    /** Prefix of every resource name (the cluster component's name). */
    namePrefix: string;
    oidcProviderArn: pulumi.Input<string>;
    issuerUrl: pulumi.Input<string>;
    /** Object store bucket ARN and its KMS key, for `objectStoreAccess: "readWrite"`. */
    bucketArn: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    /**
     * The Secrets Manager ARN pattern a `secretManagerAccess: "read"` binding may read:
     * `arn:<partition>:secretsmanager:<region>:<account>:secret:<cluster name>/*`.
     */
    secretArnPattern: pulumi.Input<string>;
    tags: Record<string, string>;
    /** Default parent of the roles (the cluster component). */
    parent: pulumi.Resource;
}

/** The AWS `WorkloadIdentityBinder`: one IRSA role (and bucket policy when asked) per binding, named `<cluster>-<name>`. */
export class IrsaBinder extends CloudIdentityBinder<{ role: Role; resourceName: string }> {
    constructor(private readonly a: IrsaBinderArgs) {
        super(a.parent, true);
    }

    protected createIdentity(name: string, request: BindingRequest, opts: pulumi.CustomResourceOptions): { role: Role; resourceName: string } {
        const resourceName = `${this.a.namePrefix}-${name}`;
        const role = createIrsaRole(
            {
                name: resourceName,
                oidcProviderArn: this.a.oidcProviderArn,
                issuerUrl: this.a.issuerUrl,
                namespace: request.namespace,
                serviceAccount: request.serviceAccount,
                tags: this.a.tags,
            },
            opts,
        );
        return { role, resourceName };
    }

    protected grantObjectStore(_name: string, identity: { role: Role; resourceName: string }, opts: pulumi.CustomResourceOptions): void {
        new RolePolicy(
            `${identity.resourceName}-object-store`,
            {
                role: identity.role.name,
                policy: pulumi.all([this.a.bucketArn, this.a.kmsKeyArn]).apply(([bucket, key]) => JSON.stringify(bucketReadWritePolicy(bucket, key))),
            },
            opts,
        );
    }

    protected grantSecretManagerRead(_name: string, identity: { role: Role; resourceName: string }, opts: pulumi.CustomResourceOptions): void {
        new RolePolicy(
            `${identity.resourceName}-secrets-read`,
            { role: identity.role.name, policy: pulumi.output(this.a.secretArnPattern).apply((arn) => JSON.stringify(secretsReadPolicy(arn))) },
            opts,
        );
    }

    protected principal(identity: { role: Role; resourceName: string }): pulumi.Output<string> {
        return identity.role.arn;
    }

    protected serviceAccountAnnotations(identity: { role: Role; resourceName: string }): pulumi.Output<Record<string, string>> {
        return identity.role.arn.apply((arn): Record<string, string> => ({ [IRSA_ROLE_ANNOTATION]: arn }));
    }
}
