/**
 * D3, D4, D7: run as non-root, read-only root filesystem, RuntimeDefault seccomp.
 *
 * Node agents whose chart fixes a root security context by design are listed by workload and
 * container with exactly the checks they are excused from (`nodeAgents`) and why; docs/policies.md
 * prints the list.
 */
import { containerExemptions, reasonedExemptionSchema, type ContainerExemption } from "../lib/exemptions";
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { at, k8sId, label, msg, obj, show } from "../lib/util";

/** The checks of this rule a listed container can be excused from. */
export type NonRootCheck = "runAsRoot" | "writableRootFilesystem" | "seccompProfile";

/** A node agent's container excused from some checks, with why. */
export interface NodeAgentRoot extends ContainerExemption {
    /** The checks it is excused from. */
    allow: NonRootCheck[];
}

interface Config {
    requireReadOnlyRootFilesystem: boolean;
    nodeAgents: NodeAgentRoot[];
}

/** The platform's node agents (Istio ambient mode), each with what its chart fixes and why. */
export const DEFAULT_NODE_AGENT_ROOT: NodeAgentRoot[] = [
    {
        workload: "istio-system/istio-cni-node",
        container: "install-cni",
        allow: ["runAsRoot", "writableRootFilesystem"],
        reason: "Istio's CNI node agent writes its plugin and configuration into root-owned host directories and enters meshed pods' network namespaces, as root: the cni chart (1.29.2) fixes runAsUser 0 and has no readOnlyRootFilesystem setting. Its seccomp profile is set (RuntimeDefault).",
    },
    {
        workload: "istio-system/ztunnel",
        container: "istio-proxy",
        allow: ["runAsRoot", "seccompProfile"],
        reason: "Istio's node proxy enters meshed pods' network namespaces as root: the ztunnel chart (1.29.2) fixes runAsUser 0 in the container's security context and has no seccomp setting (container or pod). Its root filesystem is read-only.",
    },
];

export const workloadsPodEnforceNonRoot = resourceRule<Config>({
    name: "workloads-pod-enforce-non-root",
    description: "Requires every container to run as a non-root user with a read-only root filesystem and the RuntimeDefault (or Localhost) seccomp profile.",
    types: POD_TYPES,
    config: {
        requireReadOnlyRootFilesystem: {
            type: "boolean",
            default: true,
            description: "Require securityContext.readOnlyRootFilesystem: true on every container.",
        },
        nodeAgents: reasonedExemptionSchema(
            "Node agents (workload namespace/name, container) whose chart fixes a root security context by design: the checks each is excused from, with its reason.",
            DEFAULT_NODE_AGENT_ROOT,
            {
                container: { type: "string", minLength: 1 },
                allow: { type: "array", minItems: 1, items: { type: "string", enum: ["runAsRoot", "writableRootFilesystem", "seccompProfile"] } },
            },
        ),
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        const where = `${label(r)} ${podPath(r.type)}`;
        const pod = obj(spec.securityContext) ?? {};
        const id = k8sId(r.props);
        for (const ref of containers(spec)) {
            const sc = obj(ref.c.securityContext) ?? {};
            const who = `${where}: ${cname(ref)}`;
            const excused = new Set(containerExemptions(cfg.nodeAgents, id.namespace, id.name, ref.name).flatMap((e) => e.allow));
            const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
            const user = sc.runAsUser ?? pod.runAsUser;
            if (excused.has("runAsRoot")) {
                // A listed node agent runs as root by design; the other checks still apply.
            } else if (user === 0) {
                report(msg(`${who} runs as root`, "runAsUser 0", "a non-zero runAsUser", "set securityContext.runAsUser to a non-zero UID (e.g. 65532)"));
            } else if (nonRoot !== true) {
                report(
                    msg(
                        `${who} may run as root`,
                        `runAsNonRoot ${show(nonRoot)} (container and pod)`,
                        "runAsNonRoot: true",
                        "set securityContext.runAsNonRoot: true on the pod or the container",
                    ),
                );
            }
            if (cfg.requireReadOnlyRootFilesystem && sc.readOnlyRootFilesystem !== true && !excused.has("writableRootFilesystem")) {
                report(
                    msg(
                        `${who} has a writable root filesystem`,
                        `readOnlyRootFilesystem ${show(sc.readOnlyRootFilesystem)}`,
                        "true",
                        "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the process writes",
                    ),
                );
            }
            const seccomp = at(sc, "seccompProfile.type") ?? at(pod, "seccompProfile.type");
            if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost" && !excused.has("seccompProfile")) {
                report(
                    msg(
                        `${who} has no seccomp profile`,
                        `seccompProfile.type ${show(seccomp)}`,
                        "RuntimeDefault or Localhost",
                        "set securityContext.seccompProfile: {type: RuntimeDefault} on the pod",
                    ),
                );
            }
        }
    },
});
