/**
 * D1, D2, D5, D6: no privileged containers, no privilege escalation, dropped capabilities, no host access.
 *
 * Node agents that need host access by design (a CNI plugin installer, a node proxy) are listed by
 * workload and container with exactly what they may use (`nodeAgents`: host paths, added
 * capabilities, privilege escalation) and why; every other check still applies to them, and
 * nothing else is excused. docs/policies.md prints the list.
 */
import { containerExemptions, reasonedExemptionSchema, type ContainerExemption } from "../lib/exemptions";
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { arr, at, glob, k8sId, label, msg, obj, show } from "../lib/util";

/** What one node agent's container may use, and why. */
export interface NodeAgentPrivileges extends ContainerExemption {
    /** hostPath volume paths its pod may mount. */
    hostPaths: string[];
    /** Forbidden capabilities it may add. */
    capabilities: string[];
    /** Whether it may leave allowPrivilegeEscalation unset or true (CAP_SYS_ADMIN implies escalation anyway). */
    privilegeEscalation: boolean;
}

interface Config {
    forbiddenCapabilities: string[];
    requireDropAll: boolean;
    nodeAgents: NodeAgentPrivileges[];
}

/** The platform's node agents (Istio ambient mode), each with what its chart fixes and why. */
export const DEFAULT_NODE_AGENT_PRIVILEGES: NodeAgentPrivileges[] = [
    {
        workload: "istio-system/istio-cni-node",
        container: "install-cni",
        hostPaths: ["/opt/cni/bin", "/home/kubernetes/bin", "/etc/cni/net.d", "/proc", "/var/run/istio-cni", "/var/run/netns", "/var/run/ztunnel"],
        capabilities: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_PTRACE"],
        privilegeEscalation: true,
        reason: "Istio's CNI node agent (ambient mode) installs its CNI plugin and configuration on the host (/opt/cni/bin, or /home/kubernetes/bin on GKE, and /etc/cni/net.d), sets up traffic redirection inside each meshed pod's network namespace (/proc, /var/run/netns: NET_ADMIN, NET_RAW, SYS_ADMIN, SYS_PTRACE) and hands those pods to ztunnel (/var/run/istio-cni, /var/run/ztunnel). The cni chart (1.29.2) fixes this security context. It is what lets the meshed pods themselves stay Pod Security restricted (no NET_ADMIN init container in each); istio-system enforces Pod Security privileged for these agents.",
    },
    {
        workload: "istio-system/ztunnel",
        container: "istio-proxy",
        hostPaths: ["/var/run/ztunnel"],
        capabilities: ["NET_ADMIN", "NET_RAW", "SYS_ADMIN"],
        privilegeEscalation: true,
        reason: "Istio's node proxy (ambient mode) opens sockets inside each meshed pod's network namespace (setns needs SYS_ADMIN; transparent proxying and raw sockets need NET_ADMIN and NET_RAW) and receives those pods from istio-cni over /var/run/ztunnel. The ztunnel chart (1.29.2) fixes this security context, allowPrivilegeEscalation true included (CAP_SYS_ADMIN implies it).",
    },
];

export const workloadsPodDisallowPrivilege = resourceRule<Config>({
    name: "workloads-pod-disallow-privilege",
    description:
        "Disallows privileged containers, privilege escalation, dangerous added capabilities, containers that keep their capabilities, and host namespaces, hostPath volumes and hostPorts.",
    types: POD_TYPES,
    config: {
        forbiddenCapabilities: {
            type: "array",
            items: { type: "string" },
            default: ["ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE"],
            description: "Capabilities no container may add.",
        },
        requireDropAll: { type: "boolean", default: true, description: "Require securityContext.capabilities.drop to include ALL." },
        nodeAgents: reasonedExemptionSchema(
            "Node agents (workload namespace/name, container) that need host access by design: the host paths, forbidden capabilities and privilege escalation each may use, with its reason. Every other check still applies.",
            DEFAULT_NODE_AGENT_PRIVILEGES,
            {
                container: { type: "string", minLength: 1 },
                hostPaths: { type: "array", items: { type: "string", minLength: 1 } },
                capabilities: { type: "array", items: { type: "string", minLength: 1 } },
                privilegeEscalation: { type: "boolean" },
            },
        ),
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        const where = `${label(r)} ${podPath(r.type)}`;
        const id = k8sId(r.props);
        // hostPath volumes belong to the pod: any listed container of this workload excuses its paths.
        const allowedPaths = new Set((cfg.nodeAgents ?? []).filter((e) => glob(e.workload, `${id.namespace}/${id.name}`)).flatMap((e) => e.hostPaths));
        for (const k of ["hostNetwork", "hostPID", "hostIPC"]) {
            if (spec[k] === true) {
                report(msg(`${where}.${k} shares the node's namespace`, "true", "false or unset", `remove ${k}`));
            }
        }
        for (const v of arr<Record<string, unknown>>(spec.volumes)) {
            if (obj(v)?.hostPath && !allowedPaths.has(String(at(v, "hostPath.path")))) {
                report(
                    msg(
                        `${where}: volume ${show(v.name)} mounts a hostPath`,
                        `hostPath ${show(at(v, "hostPath.path"))}`,
                        "no hostPath volumes",
                        "use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret volume",
                    ),
                );
            }
        }
        for (const ref of containers(spec)) {
            const sc = obj(ref.c.securityContext) ?? {};
            const who = `${where}: ${cname(ref)}`;
            const agent = containerExemptions(cfg.nodeAgents, id.namespace, id.name, ref.name);
            if (sc.privileged === true) {
                report(msg(`${who} is privileged`, "securityContext.privileged true", "false or unset", "remove securityContext.privileged"));
            }
            if (sc.allowPrivilegeEscalation !== false && !agent.some((e) => e.privilegeEscalation)) {
                report(
                    msg(
                        `${who} may escalate privileges`,
                        `securityContext.allowPrivilegeEscalation ${show(sc.allowPrivilegeEscalation)}`,
                        "false",
                        "set securityContext.allowPrivilegeEscalation: false",
                    ),
                );
            }
            const caps = obj(sc.capabilities) ?? {};
            const allowedCaps = new Set(agent.flatMap((e) => e.capabilities.map(capName)));
            const added = arr<string>(caps.add).filter((c) => cfg.forbiddenCapabilities.includes(capName(c)) && !allowedCaps.has(capName(c)));
            if (added.length > 0) {
                report(
                    msg(
                        `${who} adds forbidden capabilities`,
                        `capabilities.add ${show(added)}`,
                        `none of ${cfg.forbiddenCapabilities.join(", ")}`,
                        "remove them from securityContext.capabilities.add",
                    ),
                );
            }
            if (cfg.requireDropAll && !arr<string>(caps.drop).some((c) => String(c).toUpperCase() === "ALL")) {
                report(
                    msg(
                        `${who} keeps the default capabilities`,
                        `capabilities.drop ${show(caps.drop)}`,
                        "drop to include ALL",
                        'set securityContext.capabilities.drop: ["ALL"] (add back only what is needed)',
                    ),
                );
            }
            for (const port of arr<Record<string, unknown>>(ref.c.ports)) {
                if (obj(port)?.hostPort !== undefined && port.hostPort !== 0) {
                    report(
                        msg(
                            `${who} binds a hostPort`,
                            `hostPort ${show(port.hostPort)}`,
                            "no hostPort",
                            "remove hostPort and expose the port through a Service",
                        ),
                    );
                }
            }
        }
    },
});

/** A capability's name without the `CAP_` prefix, upper case. */
function capName(c: unknown): string {
    return String(c).toUpperCase().replace(/^CAP_/, "");
}
