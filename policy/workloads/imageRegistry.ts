/**
 * Issue 14 part 7: every image the platform runs comes from an allowed registry and is pinned.
 * Reads the same places as the offline preview's image list (policy/lib/images.ts `imagesOf`):
 * pod templates (containers, image-naming env vars and flags), operators' image settings in
 * ConfigMaps, and the operators' custom resources (CloudNativePG, Percona, Redis, Prometheus,
 * Envoy Gateway), so an image an operator starts is judged like one in a Deployment.
 *
 * Where `workloads-pod-disallow-unpinned-images` (D9) looks at pod containers only, this rule
 * also covers the images operators run and adds the registry allow-list.
 */
import { IMAGE_TYPES, imagesOf, mutableTag, parseImage, registryAllowed } from "../lib/images";
import { resourceRule } from "../lib/rule";
import { label, msg } from "../lib/util";

/**
 * Registries the platform's own images come from (components/ and the pinned charts, as the
 * offline preview's image list shows them): Docker Hub (Grafana, Envoy, Ollama, Percona), Quay
 * (cert-manager, Prometheus, Opstree Redis, Argo CD), GitHub's registry (CloudNativePG, External
 * Secrets), the Kubernetes registry (kube-state-metrics) and Amazon's public gallery (Argo CD's
 * Redis). The agents' registry is the stack's own: add it in policy/config/<stack>.json.
 */
export const PLATFORM_REGISTRIES = ["docker.io", "quay.io", "ghcr.io", "registry.k8s.io", "ecr-public.aws.com"];

interface Config {
    allowedRegistries: string[];
    requireDigest: boolean;
}

export const workloadsImageEnforceRegistry = resourceRule<Config>({
    name: "workloads-image-enforce-registry",
    description:
        "Requires every image a workload or operator runs to come from an allowed registry and to be pinned (a tag other than latest, or a digest when required).",
    types: IMAGE_TYPES,
    config: {
        allowedRegistries: {
            type: "array",
            items: { type: "string" },
            default: PLATFORM_REGISTRIES,
            description:
                "Registries images may come from: a host (quay.io, registry.local:5000) or a host and path prefix matched on whole path components (docker.io/grafana). Images without a host are docker.io's.",
        },
        requireDigest: { type: "boolean", default: false, description: "Require every image to carry a digest (@sha256:...): any tag alone is then mutable." },
    },
    check: (r, cfg, report) => {
        for (const use of imagesOf(r.type, r.props)) {
            const who = `${label(r)} ${use.field}`;
            const image = parseImage(use.image);
            if (!image) {
                report(
                    msg(
                        `${who} is not a valid image reference`,
                        JSON.stringify(use.image),
                        "[registry/]repository[:tag][@sha256:digest]",
                        "correct the image reference",
                    ),
                );
                continue;
            }
            if (!registryAllowed(image, cfg.allowedRegistries)) {
                report(
                    msg(
                        `${who} pulls from a registry outside the allow-list`,
                        `${JSON.stringify(use.image)} (registry ${image.registry})`,
                        `one of ${cfg.allowedRegistries.length > 0 ? cfg.allowedRegistries.join(", ") : "(an empty allow-list)"}`,
                        `mirror the image into an allowed registry and point the workload at it, or add ${image.registry} to allowedRegistries of workloads-image-enforce-registry in policy/config/<stack>.json`,
                    ),
                );
            }
            const mutable = mutableTag(image, cfg.requireDigest);
            if (mutable) {
                report(
                    msg(
                        `${who} names a mutable image`,
                        `${JSON.stringify(use.image)} (${mutable})`,
                        cfg.requireDigest ? "a digest (@sha256:...)" : "a version tag other than latest, or a digest",
                        cfg.requireDigest
                            ? `pin it: ${image.full.replace(/@.*$/, "")}@sha256:<digest> (crane digest or docker buildx imagetools inspect prints it)`
                            : `pin a version: ${image.registry}/${image.repository}:<version>`,
                    ),
                );
            }
        }
    },
});
