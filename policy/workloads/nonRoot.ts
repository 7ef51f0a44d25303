/** D3, D4, D7: run as non-root, read-only root filesystem, RuntimeDefault seccomp. */
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { at, label, msg, obj, show } from "../lib/util";

interface Config {
    requireReadOnlyRootFilesystem: boolean;
}

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
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        const where = `${label(r)} ${podPath(r.type)}`;
        const pod = obj(spec.securityContext) ?? {};
        for (const ref of containers(spec)) {
            const sc = obj(ref.c.securityContext) ?? {};
            const who = `${where}: ${cname(ref)}`;
            const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
            const user = sc.runAsUser ?? pod.runAsUser;
            if (user === 0) {
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
            if (cfg.requireReadOnlyRootFilesystem && sc.readOnlyRootFilesystem !== true) {
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
            if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
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
