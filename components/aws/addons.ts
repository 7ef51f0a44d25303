/**
 * EKS managed add-ons: which ones the cluster runs, their pinned versions per Kubernetes minor and
 * their configuration (pure data; eksCluster.ts registers them).
 *
 * Versions are pinned so that a `pulumi up` months later installs exactly what was reviewed. For a
 * Kubernetes minor not in the table the component asks EKS for that minor's default version
 * (`aws.eks.getAddonVersion`), which is the version AWS validates for it.
 */

/** The add-ons every cluster gets. */
export type AddonName = "vpc-cni" | "kube-proxy" | "coredns" | "aws-ebs-csi-driver" | "metrics-server";
/**
 * `metrics-server` is the EKS community add-on (Kubernetes SIG's metrics-server, packaged and
 * versioned by EKS): it serves the resource metrics API the HorizontalPodAutoscalers read. GKE and
 * AKS ship one; EKS does not, so without it every HPA on EKS reports `<unknown>` and never scales.
 */
export const ADDON_NAMES: readonly AddonName[] = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "metrics-server"];

/**
 * Pinned add-on versions by Kubernetes minor (values of `aws eks describe-addon-versions
 * --kubernetes-version <minor>`). kube-proxy must match the control plane's minor; the others
 * support a range of minors. A minor or add-on missing here resolves to EKS's default version for
 * that minor at deploy time (`getAddonVersion`, `mostRecent: false`), which EKS validates for the
 * minor but may move between runs: add the row once `describe-addon-versions` has been read for it
 * (1.35, the pinned minor, and metrics-server could not be read from this offline environment;
 * docs/clouds.md says so).
 */
export const ADDON_VERSIONS: Readonly<Record<string, Readonly<Partial<Record<AddonName, string>>>>> = {
    "1.33": {
        "vpc-cni": "v1.19.5-eksbuild.1",
        "kube-proxy": "v1.33.0-eksbuild.2",
        coredns: "v1.12.1-eksbuild.2",
        "aws-ebs-csi-driver": "v1.48.0-eksbuild.1",
    },
};

/** The pinned version of `addon` for Kubernetes `minor`, or undefined when the table has none. */
export function pinnedAddonVersion(addon: AddonName, minor: string): string | undefined {
    return ADDON_VERSIONS[minor]?.[addon];
}

/** Add-ons that must be running before nodes join (pod networking); the others need nodes to schedule on. */
export const BEFORE_NODES: readonly AddonName[] = ["vpc-cni", "kube-proxy"];

/** The ServiceAccount the EBS CSI controller runs as (the add-on's fixed name). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" };

/**
 * `configurationValues` (JSON) per add-on. The VPC CNI enforces Kubernetes NetworkPolicies (its
 * network policy agent); without it the platform's default-deny policies would be ignored.
 */
export function addonConfigurationValues(addon: AddonName): string | undefined {
    switch (addon) {
        case "vpc-cni":
            return JSON.stringify({ enableNetworkPolicy: "true" });
        default:
            return undefined;
    }
}
