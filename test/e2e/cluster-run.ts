/**
 * Program addition for the e2e's run against the loopback control plane (scripts/e2e.ts copies this file into
 * the project copy as `e2e-cluster-run.ts` and imports it first from the copy's index.ts; the work tree's program
 * never contains it). It registers one stack transform that adapts the run to a cluster without nodes, the way a
 * real cluster's first bootstrap would be adapted; docs/engine.md ("Against a real API server") says why:
 *
 * 1. Readiness waits are skipped: every Kubernetes object gets the provider's documented
 *    `pulumi.com/skipAwait: "true"` annotation and every Helm v4 Chart / YAML v2 group `skipAwait: true`.
 *    Pods are still created by the controller manager and judged by Pod Security admission; they stay Pending.
 * 2. Admission webhooks of the charts fail open for this run (`failurePolicy: Ignore`): their pods cannot run
 *    without nodes, so a `Fail` policy would refuse every object they watch. The API server still enforces its
 *    own admission (Pod Security, ValidatingAdmissionPolicies) and every CRD's structural schema and CEL rules.
 *
 * Nothing else is changed: no object is dropped, no value is rewritten.
 */
import * as pulumi from "@pulumi/pulumi";

const SKIP_AWAIT = "pulumi.com/skipAwait";
const WEBHOOK_KINDS = new Set([
    "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
    "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
]);
const GROUPS_WITH_SKIP_AWAIT = new Set([
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:yaml/v2:ConfigFile",
    "kubernetes:kustomize/v2:Directory",
]);

type Props = Record<string, unknown>;

function annotate(metadata: unknown): unknown {
    const add = (m: Props | undefined): Props => ({
        ...(m ?? {}),
        annotations: { ...((m?.annotations as Record<string, string> | undefined) ?? {}), [SKIP_AWAIT]: "true" },
    });
    if (metadata === undefined || (typeof metadata === "object" && metadata !== null && !pulumi.Output.isInstance(metadata))) {
        return add(metadata as Props | undefined);
    }
    return pulumi.output(metadata as pulumi.Input<Props>).apply((m) => add(m));
}

function failOpen(webhooks: unknown): unknown {
    const open = (list: Props[] | undefined): Props[] | undefined => list?.map((w) => ({ ...w, failurePolicy: "Ignore" }));
    if (webhooks === undefined || Array.isArray(webhooks)) {
        return open(webhooks as Props[] | undefined);
    }
    return pulumi.output(webhooks as pulumi.Input<Props[]>).apply((w) => open(w));
}

pulumi.runtime.registerResourceTransform((args) => {
    if (!args.type.startsWith("kubernetes:")) {
        return undefined;
    }
    if (GROUPS_WITH_SKIP_AWAIT.has(args.type)) {
        return { props: { ...args.props, skipAwait: true }, opts: args.opts };
    }
    if (!args.custom) {
        return undefined;
    }
    const props: Props = { ...args.props, metadata: annotate(args.props.metadata) };
    if (WEBHOOK_KINDS.has(args.type)) {
        props.webhooks = failOpen(args.props.webhooks);
    }
    return { props, opts: args.opts };
});
