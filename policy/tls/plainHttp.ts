/** B2: no plain-HTTP load-balancer listeners, except redirects to HTTPS. */
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, obj, show } from "../lib/util";

function isHttpsRedirect(actions: unknown): boolean {
    const first = obj(arr(actions)[0]);
    return first?.type === "redirect" && at(first, "redirect.protocol") === "HTTPS";
}

export const tlsLoadbalancerDisallowPlainHttp = resourceRule<Record<string, never>>({
    name: "tls-loadbalancer-disallow-plain-http",
    description:
        "Disallows load-balancer listeners that serve plain HTTP (AWS ALB/NLB and classic ELB, Azure Application Gateway, GCP URL maps behind an HTTP proxy), except listeners that only redirect to HTTPS.",
    types: [
        "aws:lb/listener:Listener",
        "aws:alb/listener:Listener",
        "aws:elb/loadBalancer:LoadBalancer",
        "azure-native:network:ApplicationGateway",
        "gcp:compute/targetHttpProxy:TargetHttpProxy",
    ],
    check: (r, _cfg, report) => {
        const p = r.props;
        switch (r.type) {
            case "aws:lb/listener:Listener":
            case "aws:alb/listener:Listener": {
                const proto = p.protocol ?? (p.port === 80 ? "HTTP" : undefined);
                if ((proto === "HTTP" || (proto === "TCP" && p.port === 80)) && !isHttpsRedirect(p.defaultActions)) {
                    report(
                        msg(
                            `${label(r)} serves plain HTTP`,
                            `protocol ${show(p.protocol)} port ${show(p.port)} with default action ${show(at(arr(p.defaultActions)[0], "type"))}`,
                            "HTTPS/TLS, or a default action redirecting to HTTPS",
                            'use protocol HTTPS with a certificate, or set defaultActions to [{type: "redirect", redirect: {protocol: "HTTPS", port: "443", statusCode: "HTTP_301"}}]',
                        ),
                    );
                }
                break;
            }
            case "aws:elb/loadBalancer:LoadBalancer":
                for (const l of arr<Record<string, unknown>>(p.listeners)) {
                    const proto = String(obj(l)?.lbProtocol ?? "").toUpperCase();
                    if (proto === "HTTP" || proto === "TCP") {
                        report(
                            msg(
                                `${label(r)} has a plain listener`,
                                `lbProtocol ${show(l.lbProtocol)} on port ${show(l.lbPort)}`,
                                "HTTPS or SSL",
                                "use lbProtocol HTTPS with an sslCertificateId (or move to an ALB with a redirect)",
                            ),
                        );
                    }
                }
                break;
            case "azure-native:network:ApplicationGateway": {
                const redirects = new Set(
                    arr<Record<string, unknown>>(p.redirectConfigurations)
                        .filter((rc) => obj(rc)?.targetListener !== undefined || obj(rc)?.redirectType !== undefined)
                        .map((rc) => rc.name),
                );
                for (const l of arr<Record<string, unknown>>(p.httpListeners)) {
                    if (String(obj(l)?.protocol) === "Http") {
                        const rules = arr<Record<string, unknown>>(p.requestRoutingRules).filter((rr) =>
                            String(at(rr, "httpListener.id") ?? "").endsWith(`/${String(l.name)}`),
                        );
                        const redirectOnly =
                            rules.length > 0 &&
                            rules.every((rr) => {
                                const id = String(at(rr, "redirectConfiguration.id") ?? "");
                                return [...redirects].some((n) => id.endsWith(`/${String(n)}`));
                            });
                        if (!redirectOnly) {
                            report(
                                msg(
                                    `${label(r)} listener ${show(l.name)} serves plain HTTP`,
                                    'protocol "Http" routed to a backend',
                                    "Https, or Http only with a redirect configuration to an HTTPS listener",
                                    "route the Http listener through a redirectConfiguration targeting the Https listener",
                                ),
                            );
                        }
                    }
                }
                break;
            }
            default:
                // A GCP HTTP proxy: allowed only in front of a URL map that redirects to HTTPS (checked on the URL map's name).
                report(
                    msg(
                        `${label(r)} accepts plain HTTP`,
                        "a TargetHttpProxy",
                        "a TargetHttpsProxy, or an HTTP proxy whose URL map only redirects (exempt it by name once its URL map sets defaultUrlRedirect.httpsRedirect: true)",
                        "serve through gcp.compute.TargetHttpsProxy and keep the HTTP proxy only for the redirect URL map",
                    ),
                );
        }
    },
});
