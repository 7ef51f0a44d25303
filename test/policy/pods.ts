/** Known-good pod specs in every workload shape, with an init container. */
import type { Res } from "./helpers";

export const SHAPES = [
    "kubernetes:core/v1:Pod",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
] as const;

const SC = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 10001,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
};
const RES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } };

/** A hardened pod spec: one app container with probes, one init container. */
export function podSpec(): any {
    return {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [{ name: "migrate", image: "ghcr.io/example/jamie:1.4.2", securityContext: { ...SC }, resources: structuredClone(RES) }],
        containers: [
            {
                name: "app",
                image: "ghcr.io/example/jamie:1.4.2",
                ports: [{ containerPort: 3000 }],
                securityContext: { ...SC, capabilities: { drop: ["ALL"] } },
                resources: structuredClone(RES),
                livenessProbe: { httpGet: { path: "/healthz", port: 9000 } },
                readinessProbe: { httpGet: { path: "/ready", port: 9000 } },
                env: [
                    { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
                    { name: "LOG_LEVEL", value: "info" },
                ],
            },
        ],
    };
}

/** Props of a workload of `type` around `spec`. */
export function workload(type: string, spec: any = podSpec()): Res {
    const metadata = { name: "jamie", namespace: "jamie" };
    const template = { metadata: { labels: { app: "jamie" } }, spec };
    switch (type) {
        case "kubernetes:core/v1:Pod":
            return { type, name: "w", props: { metadata, spec } };
        case "kubernetes:batch/v1:CronJob":
            return { type, name: "w", props: { metadata, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template } } } } };
        case "kubernetes:batch/v1:Job":
            return { type, name: "w", props: { metadata, spec: { template } } };
        default:
            return { type, name: "w", props: { metadata, spec: { replicas: 3, selector: { matchLabels: { app: "jamie" } }, template } } };
    }
}

/** The pod spec inside a workload's props. */
export function specOf(r: Res): any {
    const s = r.props.spec as any;
    return r.type === "kubernetes:core/v1:Pod" ? s : r.type === "kubernetes:batch/v1:CronJob" ? s.jobTemplate.spec.template.spec : s.template.spec;
}

/** The label the rules use for a shape. */
export function kind(type: string): string {
    return type.split(":").pop()!;
}
