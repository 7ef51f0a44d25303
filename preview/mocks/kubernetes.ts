/**
 * Mock answers for @pulumi/kubernetes resources (see ./index.ts): what the API server and the
 * provider would report back. Every object gets its name (the provider's auto-naming is not run),
 * a uid, a resourceVersion and a creation time; Services get a cluster IP (and a load-balancer
 * hostname when of type LoadBalancer); Helm releases report `deployed`. A `helm.v4.Chart` is a
 * component: offline it renders nothing, so its `resources` output is an empty list.
 */
import { createHash } from "crypto";
import type { MockTable } from "./types";

function hash(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** A stable RFC 4122-shaped uid for an object. */
function uid(kind: string, name: string, namespace: string | undefined): string {
    const h = hash(kind, namespace ?? "", name);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable cluster IP inside the usual service range 172.20.0.0/16. */
function clusterIp(name: string, namespace: string | undefined): string {
    const h = hash("svc", namespace ?? "", name);
    return `172.20.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2, 4), 16) % 253) + 1}`;
}

const CREATED = "2026-01-01T00:00:00Z";

export const kubernetesMocks: MockTable = {
    prefix: "kubernetes:",
    states: {
        "kubernetes:core/v1:Namespace": () => ({ status: { phase: "Active" } }),
        "kubernetes:core/v1:Service": (name, inputs) => {
            const ns = inputs.metadata?.namespace;
            const svcName = inputs.metadata?.name ?? name;
            const type = inputs.spec?.type ?? "ClusterIP";
            return {
                spec: { ...(inputs.spec ?? {}), type, clusterIP: clusterIp(svcName, ns), clusterIPs: [clusterIp(svcName, ns)] },
                status:
                    type === "LoadBalancer"
                        ? { loadBalancer: { ingress: [{ hostname: `a${hash("lb", ns ?? "", svcName).slice(0, 31)}.elb.eu-west-1.amazonaws.com` }] } }
                        : { loadBalancer: {} },
            };
        },
        "kubernetes:core/v1:Secret": (_name, inputs) => ({ type: inputs.type ?? "Opaque" }),
        "kubernetes:core/v1:ServiceAccount": () => ({ secrets: [] }),
        "kubernetes:helm.sh/v4:Chart": () => ({ resources: [] }),
        "kubernetes:helm.sh/v3:Release": (name, inputs) => ({
            status: {
                name: inputs.name ?? name,
                namespace: inputs.namespace ?? "default",
                chart: inputs.chart,
                version: inputs.version ?? "",
                appVersion: "",
                revision: 1,
                status: "deployed",
            },
        }),
    },
    calls: {},
    // The provider reports back the object's metadata with the name it used and server-set fields.
    fallback: (name, inputs) => {
        if (!inputs.metadata && !inputs.apiVersion) {
            return {};
        }
        const objName = inputs.metadata?.name ?? name;
        return {
            metadata: {
                ...(inputs.metadata ?? {}),
                name: objName,
                uid: uid(String(inputs.kind ?? ""), objName, inputs.metadata?.namespace),
                resourceVersion: String(parseInt(hash("rv", objName).slice(0, 6), 16)),
                generation: 1,
                creationTimestamp: CREATED,
            },
        };
    },
};
