/**
 * The pod template inside every workload kind, and its containers (regular, init and ephemeral),
 * so pod rules are written once and apply to Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * Job and CronJob alike.
 */
import { arr, obj } from "./util";

/** Every type token that carries a pod template. */
export const POD_TYPES = [
    "kubernetes:core/v1:Pod",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
] as const;

export type Props = Record<string, unknown>;

/** The pod spec of a workload's props (undefined when absent). */
export function podSpec(type: string, props: Props): Props | undefined {
    switch (type) {
        case "kubernetes:core/v1:Pod":
            return obj(props.spec);
        case "kubernetes:batch/v1:CronJob":
            return obj(obj(obj(obj(obj(props.spec)?.jobTemplate)?.spec)?.template)?.spec);
        default:
            return obj(obj(obj(props.spec)?.template)?.spec);
    }
}

/** Where a pod spec sits in the props, for messages. */
export function podPath(type: string): string {
    return type === "kubernetes:core/v1:Pod" ? "spec" : type === "kubernetes:batch/v1:CronJob" ? "spec.jobTemplate.spec.template.spec" : "spec.template.spec";
}

/** One container with its list and index. */
export interface ContainerRef {
    kind: "containers" | "initContainers" | "ephemeralContainers";
    index: number;
    name: string;
    c: Props;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containers(spec: Props): ContainerRef[] {
    const out: ContainerRef[] = [];
    for (const kind of ["containers", "initContainers", "ephemeralContainers"] as const) {
        arr<Props>(spec[kind]).forEach((c, index) => {
            const co = obj(c) ?? {};
            out.push({ kind, index, name: typeof co.name === "string" ? co.name : `#${index}`, c: co });
        });
    }
    return out;
}

/** `initContainers "setup"` style label. */
export function cname(ref: ContainerRef): string {
    return `${ref.kind === "containers" ? "container" : ref.kind === "initContainers" ? "init container" : "ephemeral container"} ${JSON.stringify(ref.name)}`;
}
