/** B1: every Ingress host is covered by TLS and plain HTTP is not allowed; Gateway HTTPS listeners carry certificates. */
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, obj, show } from "../lib/util";

interface Config {
    allowedHttpListeners: string[];
}

export const tlsIngressEnforceHostCoverage = resourceRule<Config>({
    name: "tls-ingress-enforce-host-coverage",
    description:
        "Requires every Ingress host to be covered by spec.tls without HTTP allowed or SSL redirect turned off, and every Gateway listener to be HTTPS/TLS with a certificate unless it only redirects to HTTPS.",
    types: ["kubernetes:networking.k8s.io/v1:Ingress", "kubernetes:gateway.networking.k8s.io/v1:Gateway"],
    config: {
        allowedHttpListeners: {
            type: "array",
            items: { type: "string" },
            default: ["http"],
            description: "Gateway listener names allowed to speak plain HTTP because their routes only redirect to HTTPS.",
        },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        if (r.type === "kubernetes:gateway.networking.k8s.io/v1:Gateway") {
            for (const l of arr<Record<string, unknown>>(at(p, "spec.listeners"))) {
                const name = String(obj(l)?.name ?? "");
                const proto = l.protocol;
                if (proto === "HTTP" || proto === "TCP" || proto === "UDP") {
                    if (!cfg.allowedHttpListeners.includes(name)) {
                        report(
                            msg(
                                `${label(r)} listener ${JSON.stringify(name)} serves plain ${proto}`,
                                `protocol ${show(proto)} on port ${show(l.port)}`,
                                "HTTPS or TLS (or a listener named in allowedHttpListeners whose routes only redirect to HTTPS)",
                                "change the listener to protocol HTTPS with tls.certificateRefs, or attach only an HTTP->HTTPS redirect route and list it in allowedHttpListeners",
                            ),
                        );
                    }
                } else if ((proto === "HTTPS" || proto === "TLS") && at(l, "tls.mode") !== "Passthrough" && arr(at(l, "tls.certificateRefs")).length === 0) {
                    report(
                        msg(
                            `${label(r)} listener ${JSON.stringify(name)} has no certificate`,
                            "tls.certificateRefs empty",
                            "a certificate Secret reference",
                            "set tls.certificateRefs to the cert-manager Certificate's Secret",
                        ),
                    );
                }
            }
            return;
        }
        const ann = obj(at(p, "metadata.annotations")) ?? {};
        const tls = arr<Record<string, unknown>>(at(p, "spec.tls"));
        if (tls.length === 0) {
            report(
                msg(
                    `${label(r)} serves plain HTTP`,
                    "spec.tls empty",
                    "spec.tls covering every host",
                    "add spec.tls with the hosts and a certificate secretName (cert-manager annotation)",
                ),
            );
            return;
        }
        const covered = new Set(tls.flatMap((t) => arr<string>(obj(t)?.hosts)));
        const hosts = arr<Record<string, unknown>>(at(p, "spec.rules"))
            .map((x) => obj(x)?.host)
            .filter((h): h is string => typeof h === "string");
        const wildcard = (h: string): boolean =>
            [...covered].some((c) => c.startsWith("*.") && h.endsWith(c.slice(1)) && !h.slice(0, h.length - c.length + 1).includes("."));
        const bare = hosts.filter((h) => !covered.has(h) && !wildcard(h));
        if (bare.length > 0) {
            report(
                msg(
                    `${label(r)} has hosts without TLS`,
                    `hosts ${show(bare)} not in spec.tls[].hosts`,
                    "every spec.rules[].host listed in spec.tls[].hosts",
                    "add the hosts to spec.tls[].hosts",
                ),
            );
        }
        if (ann["kubernetes.io/ingress.allow-http"] === "true") {
            report(
                msg(
                    `${label(r)} allows plain HTTP`,
                    'annotation kubernetes.io/ingress.allow-http "true"',
                    '"false" or unset',
                    'set kubernetes.io/ingress.allow-http: "false"',
                ),
            );
        }
        for (const k of ["nginx.ingress.kubernetes.io/ssl-redirect", "nginx.ingress.kubernetes.io/force-ssl-redirect"]) {
            if (ann[k] === "false") {
                report(msg(`${label(r)} turns off the HTTPS redirect`, `annotation ${k} "false"`, '"true" or unset', `remove ${k}`));
            }
        }
    },
});
