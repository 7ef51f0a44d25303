/** D9: images are pinned to a tag other than latest, or a digest. */
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { label, msg, show } from "../lib/util";

interface Config {
    requireDigest: boolean;
}

/** The tag of an image reference (undefined when untagged); digests return "@digest". */
export function imageTag(image: string): string | undefined {
    if (image.includes("@sha256:")) {
        return "@digest";
    }
    const lastSlash = image.lastIndexOf("/");
    const colon = image.indexOf(":", lastSlash + 1);
    return colon >= 0 ? image.slice(colon + 1) : undefined;
}

export const workloadsPodDisallowUnpinnedImages = resourceRule<Config>({
    name: "workloads-pod-disallow-unpinned-images",
    description: "Disallows container images without a tag or tagged latest, and optionally requires a digest.",
    types: POD_TYPES,
    config: {
        requireDigest: { type: "boolean", default: false, description: "Require every image to be pinned by digest (@sha256:...)." },
    },
    check: (r, cfg, report) => {
        const spec = podSpec(r.type, r.props);
        if (!spec) {
            return;
        }
        for (const ref of containers(spec)) {
            const image = ref.c.image;
            const who = `${label(r)} ${podPath(r.type)}: ${cname(ref)}`;
            if (typeof image !== "string" || image === "") {
                report(msg(`${who} has no image`, show(image), "an image pinned to a version", "set image to <repository>:<version>"));
                continue;
            }
            const tag = imageTag(image);
            if (tag === undefined || tag === "latest") {
                report(
                    msg(
                        `${who} uses an unpinned image`,
                        JSON.stringify(image),
                        "a version tag other than latest, or a digest",
                        `pin the image, e.g. ${image.replace(/:latest$/, "")}:1.2.3`,
                    ),
                );
            } else if (cfg.requireDigest && tag !== "@digest") {
                report(msg(`${who} is not pinned by digest`, JSON.stringify(image), "an @sha256: digest", "append @sha256:<digest> to the image reference"));
            }
        }
    },
});
