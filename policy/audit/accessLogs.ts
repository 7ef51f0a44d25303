/** E4: load balancers keep access logs. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

export const auditLoadbalancerEnforceAccessLogs = resourceRule<Record<string, never>>({
    name: "audit-loadbalancer-enforce-access-logs",
    description: "Requires AWS application, network and classic load balancers to write access logs.",
    types: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer"],
    check: (r, _cfg, report) => {
        const logs = r.props.accessLogs;
        const enabled = at(logs, "enabled");
        const bucket = at(logs, "bucket");
        if (typeof bucket !== "string" || enabled === false) {
            report(
                msg(
                    `${label(r)} writes no access logs`,
                    `accessLogs.enabled ${show(enabled)}, accessLogs.bucket ${show(bucket)}`,
                    "accessLogs with enabled true and an S3 bucket",
                    "set accessLogs: {bucket: <log bucket>, enabled: true}",
                ),
            );
        }
    },
});
