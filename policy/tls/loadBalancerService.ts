/** B4: a LoadBalancer Service terminates TLS or is internal. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, obj, show } from "../lib/util";

const INTERNAL: Record<string, string[]> = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
    "networking.gke.io/load-balancer-type": ["Internal"],
    "cloud.google.com/load-balancer-type": ["Internal"],
    "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
};

export const tlsServiceEnforceLoadbalancerTls = resourceRule<{ tlsTerminatedPorts: number[] }>({
    name: "tls-service-enforce-loadbalancer-tls",
    description:
        "Requires a Service of type LoadBalancer to be internal or to terminate TLS at the load balancer on every port, or to expose only TLS ports served by a TLS-terminating proxy.",
    types: ["kubernetes:core/v1:Service"],
    config: {
        tlsTerminatedPorts: {
            type: "array",
            items: { type: "integer" },
            default: [443],
            description: "Service ports whose backend terminates TLS itself (a gateway or ingress proxy), allowed on a public load balancer.",
        },
    },
    check: (r, cfg, report) => {
        if (at(r.props, "spec.type") !== "LoadBalancer") {
            return;
        }
        const ann = obj(at(r.props, "metadata.annotations")) ?? {};
        if (Object.entries(INTERNAL).some(([k, vals]) => vals.includes(String(ann[k])))) {
            return;
        }
        const cert = ann["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"];
        const sslPorts = String(ann["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"] ?? "*")
            .split(",")
            .map((s) => s.trim());
        const ports = ((at(r.props, "spec.ports") as Record<string, unknown>[] | undefined) ?? []).map((pt) => ({
            port: Number(pt.port),
            name: String(pt.name ?? ""),
        }));
        const plain = ports.filter((pt) => {
            if (cert && (sslPorts.includes("*") || sslPorts.includes(String(pt.port)) || sslPorts.includes(pt.name))) {
                return false;
            }
            return !cfg.tlsTerminatedPorts.includes(pt.port);
        });
        if (plain.length > 0) {
            report(
                msg(
                    `${label(r)} is a public load balancer with plain ports`,
                    `ports ${show(plain.map((pt) => pt.port))} without TLS termination${cert ? "" : " (no aws-load-balancer-ssl-cert annotation)"}`,
                    "an internal load balancer, a certificate on every port, or only ports listed in tlsTerminatedPorts",
                    "annotate service.beta.kubernetes.io/aws-load-balancer-ssl-cert (and -ssl-ports), make it internal, or serve through the TLS gateway",
                ),
            );
        }
    },
});
