/** B3: TLS listeners use a modern policy (TLS 1.2 minimum). */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

interface Config {
    allowedAwsSslPolicies: string[];
}

export const tlsListenerEnforceModernPolicy = resourceRule<Config>({
    name: "tls-listener-enforce-modern-policy",
    description:
        "Requires TLS listeners and SSL policies to negotiate TLS 1.2 or newer (AWS listener SSL policy allow-list, Azure Application Gateway minimum protocol, GCP SSL policy minimum version).",
    types: ["aws:lb/listener:Listener", "aws:alb/listener:Listener", "azure-native:network:ApplicationGateway", "gcp:compute/sSLPolicy:SSLPolicy"],
    config: {
        allowedAwsSslPolicies: {
            type: "array",
            items: { type: "string" },
            default: [
                "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
                "ELBSecurityPolicy-TLS13-1-3-2021-06",
                "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
                "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
            ],
            description: "AWS load-balancer SSL policies accepted on HTTPS/TLS listeners.",
        },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        if (r.type === "gcp:compute/sSLPolicy:SSLPolicy") {
            const v = p.minTlsVersion;
            if (v !== "TLS_1_2" && v !== "TLS_1_3") {
                report(
                    msg(
                        `${label(r)} accepts old TLS versions`,
                        `minTlsVersion ${show(v)}${v === undefined ? " (GCP default TLS_1_0)" : ""}`,
                        "TLS_1_2 or newer",
                        "set minTlsVersion: TLS_1_2 (with profile MODERN or RESTRICTED)",
                    ),
                );
            }
            return;
        }
        if (r.type === "azure-native:network:ApplicationGateway") {
            const v = at(p, "sslPolicy.minProtocolVersion");
            const named = at(p, "sslPolicy.policyName");
            const modernNamed = typeof named === "string" && /AppGwSslPolicy2022|CustomV2/.test(named);
            if (v !== "TLSv1_2" && v !== "TLSv1_3" && !modernNamed) {
                report(
                    msg(
                        `${label(r)} accepts old TLS versions`,
                        `sslPolicy.minProtocolVersion ${show(v)}, policyName ${show(named)}`,
                        "minProtocolVersion TLSv1_2 or a 2022 predefined policy",
                        'set sslPolicy: {policyType: "Predefined", policyName: "AppGwSslPolicy20220101"}',
                    ),
                );
            }
            return;
        }
        if (p.protocol === "HTTPS" || p.protocol === "TLS") {
            const pol = p.sslPolicy;
            if (typeof pol !== "string" || !cfg.allowedAwsSslPolicies.includes(pol)) {
                report(
                    msg(
                        `${label(r)} uses a weak or default SSL policy`,
                        `sslPolicy ${show(pol)}${pol === undefined ? " (AWS default ELBSecurityPolicy-2016-08, TLS 1.0)" : ""}`,
                        `one of ${cfg.allowedAwsSslPolicies.join(", ")}`,
                        "set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06",
                    ),
                );
            }
        }
    },
});
