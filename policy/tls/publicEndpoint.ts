/** B6: the Kubernetes API endpoint is private, or public only to listed CIDRs when allowed. */
import { DEFAULT_MIN_PUBLIC_PREFIX, judgePublicCidrs } from "../lib/cidr";
import { resourceRule } from "../lib/rule";
import { arr, at, bool, label, msg, show } from "../lib/util";

interface Config {
    allowPublicEndpoint: boolean;
    minPrefixLength: number;
}

export const tlsClusterDisallowPublicEndpoint = resourceRule<Config>({
    name: "tls-cluster-disallow-public-endpoint",
    description:
        "Disallows a public Kubernetes API endpoint (EKS, GKE, AKS); where public access is allowed by config it must be restricted to listed CIDR ranges.",
    types: ["aws:eks/cluster:Cluster", "gcp:container/cluster:Cluster", "azure-native:containerservice:ManagedCluster"],
    config: {
        allowPublicEndpoint: {
            type: "boolean",
            default: false,
            description: "Allow a public API endpoint when restricted to CIDR ranges (development stacks).",
        },
        minPrefixLength: {
            type: "integer",
            minimum: 0,
            maximum: 32,
            default: DEFAULT_MIN_PUBLIC_PREFIX,
            description:
                "Widest allowed range: CIDRs that together cover more public IPv4 addresses than one block of this prefix length (or an IPv6 CIDR shorter than it) count as open to the internet, so 0.0.0.0/1 + 128.0.0.0/1 is as open as 0.0.0.0/0.",
        },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        const judge = (isPublic: boolean, cidrs: string[], found: string, fix: string): void => {
            if (!isPublic) {
                return;
            }
            if (!cfg.allowPublicEndpoint) {
                report(msg(`${label(r)} exposes its API endpoint publicly`, found, "a private endpoint only", fix));
            } else {
                const verdict = judgePublicCidrs(cidrs, cfg.minPrefixLength);
                if (verdict.open) {
                    report(
                        msg(
                            `${label(r)} exposes its API endpoint to the whole internet`,
                            `${found}, allowed CIDRs ${show(cidrs)} (${verdict.reason})`,
                            `public access restricted to specific CIDR ranges, together no wider than one /${cfg.minPrefixLength}`,
                            "list only the office/VPN ranges",
                        ),
                    );
                }
            }
        };
        if (r.type === "aws:eks/cluster:Cluster") {
            const pub = bool(at(p, "vpcConfig.endpointPublicAccess"));
            const cidrs = at(p, "vpcConfig.publicAccessCidrs") === undefined ? ["0.0.0.0/0"] : arr<string>(at(p, "vpcConfig.publicAccessCidrs"));
            judge(
                pub !== false,
                cidrs,
                `vpcConfig.endpointPublicAccess ${show(pub)}${pub === undefined ? " (EKS default true)" : ""}`,
                "set vpcConfig.endpointPublicAccess: false and endpointPrivateAccess: true",
            );
        } else if (r.type === "gcp:container/cluster:Cluster") {
            const privNodes = bool(at(p, "privateClusterConfig.enablePrivateNodes"));
            const privEndpoint = bool(at(p, "privateClusterConfig.enablePrivateEndpoint"));
            if (privNodes !== true) {
                report(
                    msg(
                        `${label(r)} gives nodes public IPs`,
                        `privateClusterConfig.enablePrivateNodes ${show(privNodes)}`,
                        "true",
                        "set privateClusterConfig.enablePrivateNodes: true",
                    ),
                );
            }
            const cidrs = arr<Record<string, unknown>>(at(p, "masterAuthorizedNetworksConfig.cidrBlocks")).map((b) => String(b.cidrBlock));
            const authorized = at(p, "masterAuthorizedNetworksConfig") !== undefined;
            judge(
                privEndpoint !== true,
                authorized ? cidrs : ["0.0.0.0/0"],
                `privateClusterConfig.enablePrivateEndpoint ${show(privEndpoint)}`,
                "set privateClusterConfig.enablePrivateEndpoint: true (reach the API through the VPC)",
            );
        } else {
            const priv = bool(at(p, "apiServerAccessProfile.enablePrivateCluster"));
            judge(
                priv !== true,
                arr<string>(at(p, "apiServerAccessProfile.authorizedIPRanges")),
                `apiServerAccessProfile.enablePrivateCluster ${show(priv)}`,
                "set apiServerAccessProfile.enablePrivateCluster: true",
            );
        }
    },
});
