/**
 * The e2e's bootstrap objects and negative controls against the loopback API server (scripts/e2e.ts).
 *
 * Bootstrap (what the cluster's operator provides before the platform's first `pulumi up`, as kind or an
 * on-premises installer would):
 * - the StorageClass the stack names (`existing.storageClass`), with no provisioner: volumes stay Pending;
 * - a ValidatingAdmissionPolicy that refuses Secrets written by the stack's user (the run's admin certificate,
 *   `agent-platform-e2e`) in a namespace the platform does not own, i.e. one without the
 *   `platform.agents.io/component` label the Foundation puts on each namespace it creates.
 *
 * Negative controls: one known-bad object per class, each sent with `dryRun=All` (nothing is stored even if a
 * control were wrongly accepted). Each must be refused by the API server for the expected reason, or the clean
 * result of `pulumi up` does not count:
 * - a Pod breaking Pod Security `restricted` (privileged, root) in a platform namespace: Pod Security admission;
 * - a custom resource missing a field its CRD requires (cert-manager `Certificate` without `secretName`, else the
 *   first installed CRD with a required `spec` field): the CRD's structural schema;
 * - a Secret in `default`, a namespace the stack does not own: the ownership policy above.
 */
import type { Kube, KubeObject } from "../../scripts/controlplane/kube";

/** Label the Foundation puts on every namespace it creates (components/platform/foundation.ts COMPONENT_LABEL). */
export const OWNED_NAMESPACE_LABEL = "platform.agents.io/component";
/** The stack's user in the run (scripts/controlplane/controlplane.ts ADMIN_USER). */
export const STACK_USER = "agent-platform-e2e";
export const OWNERSHIP_POLICY = "agent-platform-e2e-namespace-ownership";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function secretIn(namespace: string, name: string): KubeObject {
    return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, stringData: { token: "negative-control" } };
}

/** Applies the run's bootstrap objects and waits until the ownership policy refuses what it must. */
export async function bootstrapObjects(kube: Kube, storageClass: string): Promise<void> {
    if (storageClass) {
        await kube.apply(
            {
                apiVersion: "storage.k8s.io/v1",
                kind: "StorageClass",
                metadata: { name: storageClass, labels: { "app.kubernetes.io/managed-by": "agent-platform-e2e-bootstrap" } },
                provisioner: "kubernetes.io/no-provisioner",
                volumeBindingMode: "WaitForFirstConsumer",
                reclaimPolicy: "Retain",
            },
            "storageclasses",
        );
    }
    await kube.apply(
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicy",
            metadata: { name: OWNERSHIP_POLICY },
            spec: {
                failurePolicy: "Fail",
                matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["secrets"] }] },
                matchConditions: [{ name: "stack-user", expression: `request.userInfo.username == '${STACK_USER}'` }],
                validations: [
                    {
                        expression: `namespaceObject != null && has(namespaceObject.metadata.labels) && '${OWNED_NAMESPACE_LABEL}' in namespaceObject.metadata.labels`,
                        messageExpression: `'Secret ' + object.metadata.name + ' is in namespace ' + request.namespace + ', which the stack does not own (no ${OWNED_NAMESPACE_LABEL} label)'`,
                        reason: "Forbidden",
                    },
                ],
            },
        },
        "validatingadmissionpolicies",
    );
    await kube.apply(
        {
            apiVersion: "admissionregistration.k8s.io/v1",
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: { name: OWNERSHIP_POLICY },
            spec: { policyName: OWNERSHIP_POLICY, validationActions: ["Deny"] },
        },
        "validatingadmissionpolicybindings",
    );
    // The policy takes effect once the API server has compiled it: wait until it refuses a dry-run Secret.
    for (let i = 0; i < 60; i++) {
        const r = await kube.create(secretIn("default", "ownership-policy-probe"), "secrets?dryRun=All");
        if (r.status === 403 || r.status === 422) {
            return;
        }
        await sleep(1000);
    }
    throw new Error(`the ${OWNERSHIP_POLICY} ValidatingAdmissionPolicy did not take effect within 60 s`);
}

export interface ControlResult {
    id: string;
    refused: boolean;
    detail: string;
}

function verdict(id: string, what: string, r: { status: number; text: string }, expect: RegExp): ControlResult {
    const message = (() => {
        try {
            return String((JSON.parse(r.text) as { message?: string }).message ?? r.text);
        } catch {
            return r.text;
        }
    })().slice(0, 400);
    const refused = r.status >= 400 && expect.test(message);
    return {
        id,
        refused,
        detail: refused
            ? `${what}: refused (${r.status}): ${message}`
            : r.status < 300
              ? `${what}: ACCEPTED by the server (${r.status}): the clean result does not count`
              : `${what}: refused (${r.status}) but not for the expected reason (${expect}): ${message}`,
    };
}

export async function runNegativeControls(kube: Kube): Promise<ControlResult[]> {
    const results: ControlResult[] = [];
    const namespaces = await kube.list("/api/v1/namespaces");
    const restricted = namespaces.find(
        (n) => n.metadata.labels?.[OWNED_NAMESPACE_LABEL] && n.metadata.labels["pod-security.kubernetes.io/enforce"] === "restricted",
    );

    // 1. A pod breaking `restricted`.
    if (!restricted) {
        results.push({
            id: "pod breaking restricted",
            refused: false,
            detail: "no platform namespace enforcing Pod Security restricted exists: the control cannot run",
        });
    } else {
        const ns = restricted.metadata.name;
        const pod: KubeObject = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "negative-control-root", namespace: ns },
            spec: { containers: [{ name: "root", image: "busybox:1.37", securityContext: { privileged: true, runAsUser: 0 } }] },
        };
        results.push(
            verdict("pod breaking restricted", `privileged root Pod in ${ns}`, await kube.create(pod, "pods?dryRun=All"), /violates PodSecurity "restricted/),
        );
    }

    // 2. A custom resource missing a required field.
    const crds = await kube.list("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
    type Crd = {
        spec: {
            group: string;
            names: { kind: string; plural: string };
            scope: string;
            versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema?: { properties?: { spec?: { required?: string[] } } } } }>;
        };
    };
    const candidates = (crds as unknown as Crd[]).flatMap((c) =>
        c.spec.versions
            .filter((v) => v.served && (v.schema?.openAPIV3Schema?.properties?.spec?.required ?? []).length > 0)
            .map((v) => ({ crd: c, version: v.name, required: v.schema!.openAPIV3Schema!.properties!.spec!.required! })),
    );
    const pick = candidates.find((c) => c.crd.spec.group === "cert-manager.io" && c.crd.spec.names.kind === "Certificate") ?? candidates[0];
    if (!pick) {
        results.push({
            id: "custom resource missing a required field",
            refused: false,
            detail: "no CRD with a required spec field is installed (third-party charts off?): the control cannot run",
        });
    } else {
        const ns = pick.crd.spec.scope === "Namespaced" ? (restricted?.metadata.name ?? "default") : undefined;
        const spec: Record<string, unknown> =
            pick.crd.spec.names.kind === "Certificate" ? { issuerRef: { name: "private-ca", kind: "ClusterIssuer" }, dnsNames: ["negative.example.com"] } : {};
        const cr: KubeObject = {
            apiVersion: `${pick.crd.spec.group}/${pick.version}`,
            kind: pick.crd.spec.names.kind,
            metadata: { name: "negative-control-cr", ...(ns ? { namespace: ns } : {}) },
            spec,
        };
        const missing = pick.required.filter((f) => !(f in spec));
        results.push(
            verdict(
                "custom resource missing a required field",
                `${cr.apiVersion} ${cr.kind} without spec.${missing.join(", spec.")}`,
                await kube.create(cr, `${pick.crd.spec.names.plural}?dryRun=All`),
                /Required value/,
            ),
        );
    }

    // 3. A Secret in a namespace the stack does not own.
    results.push(
        verdict(
            "Secret in a namespace the stack does not own",
            "Secret in namespace default",
            await kube.create(secretIn("default", "negative-control-secret"), "secrets?dryRun=All"),
            /which the stack does not own/,
        ),
    );
    return results;
}
