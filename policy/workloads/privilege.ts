/** D1, D2, D5, D6: no privileged containers, no privilege escalation, dropped capabilities, no host access. */
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, obj, show } from "../lib/util";

interface Config {
    forbiddenCapabilities: string[];
    requireDropAll: boolean;
}

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
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        const where = `${label(r)} ${podPath(r.type)}`;
        for (const k of ["hostNetwork", "hostPID", "hostIPC"]) {
            if (spec[k] === true) {
                report(msg(`${where}.${k} shares the node's namespace`, "true", "false or unset", `remove ${k}`));
            }
        }
        for (const v of arr<Record<string, unknown>>(spec.volumes)) {
            if (obj(v)?.hostPath) {
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
            if (sc.privileged === true) {
                report(msg(`${who} is privileged`, "securityContext.privileged true", "false or unset", "remove securityContext.privileged"));
            }
            if (sc.allowPrivilegeEscalation !== false) {
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
            const added = arr<string>(caps.add).filter((c) => cfg.forbiddenCapabilities.includes(String(c).toUpperCase().replace(/^CAP_/, "")));
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
