/**
 * Container images: parsing a reference into registry, repository, tag and digest, and finding
 * every image a Kubernetes object makes the cluster run. Shared by the rule
 * `workloads-image-enforce-registry` and the offline preview's image list, so what the report lists
 * is exactly what the rule judges.
 *
 * Where images are found (`imagesOf`):
 * - pod templates (POD_TYPES): every container's `image` (regular, init, ephemeral), environment
 *   variables whose name contains `IMAGE` (operators take the images of the pods they create that
 *   way: CloudNativePG's `OPERATOR_IMAGE_NAME`, the Redis operator's `INIT_CONTAINER_IMAGE`), and
 *   `--<flag>=<image>` arguments whose flag names an image or a config reloader (cert-manager's
 *   `--acme-http01-solver-image`, the Prometheus Operator's `--prometheus-config-reloader`);
 * - ConfigMaps: keys whose name contains `IMAGE` (the Barman Cloud plugin's `SIDECAR_IMAGE`);
 * - the operators' custom resources in `OPERATOR_IMAGE_TYPES`: every string under `spec` keyed
 *   `image`, `imageName` or `initImage`, except below an object that says `enabled: false` (the
 *   PerconaServerMongoDB's PMM client, which the CRD requires but nothing runs).
 */
import { containers, podPath, podSpec, POD_TYPES, type Props } from "./pods";
import { arr, obj } from "./util";

/** An image reference split into its parts, normalised as the container runtime does. */
export interface ImageRef {
    /** The reference as written (`ollama/ollama:0.32.15`). */
    written: string;
    /** The full normalised reference (`docker.io/ollama/ollama:0.32.15`). */
    full: string;
    /** Registry host, with port when one is written (`docker.io`, `registry.local:5000`). */
    registry: string;
    /** Repository path inside the registry (`ollama/ollama`; Docker Hub's official images get `library/`). */
    repository: string;
    /** Tag, when written (`0.32.15`); a reference without tag or digest means `latest`. */
    tag?: string;
    /** Digest, when written (`sha256:<64 hex>`). */
    digest?: string;
}

/** Docker Hub, the registry of a reference whose first path component is not a host. */
export const DEFAULT_REGISTRY = "docker.io";

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

/**
 * Parses an image reference by the grammar of the distribution project's reference package
 * (`[host[:port]/]path[:tag][@digest]`): the first component is a registry host when it contains a
 * `.` or a `:`, or is `localhost`; otherwise the registry is Docker Hub (`docker.io`), where a
 * one-component path gets `library/`. Returns undefined for text that is not an image reference.
 */
export function parseImage(reference: string): ImageRef | undefined {
    if (typeof reference !== "string" || reference === "" || reference !== reference.trim()) {
        return undefined;
    }
    let rest = reference;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest)) {
            return undefined;
        }
    }
    let tag: string | undefined;
    const colon = rest.lastIndexOf(":");
    if (colon > rest.lastIndexOf("/")) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) {
            return undefined;
        }
    }
    const parts = rest.split("/");
    let registry = DEFAULT_REGISTRY;
    if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
        registry = parts.shift()!;
        if (!HOST.test(registry)) {
            return undefined;
        }
    }
    if (parts.length === 0 || !parts.every((p) => PATH_COMPONENT.test(p))) {
        return undefined;
    }
    if (registry === "index.docker.io") {
        registry = DEFAULT_REGISTRY;
    }
    const repository = registry === DEFAULT_REGISTRY && parts.length === 1 ? `library/${parts[0]}` : parts.join("/");
    const full = `${registry}/${repository}${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
    return { written: reference, full, registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/**
 * Whether `image` comes from one of `allowed`: each entry is a registry host (`quay.io`,
 * `registry.local:5000`) or a host and path prefix (`docker.io/grafana`), matched on whole path
 * components (`docker.io/grafana` allows `docker.io/grafana/loki`, not `docker.io/grafanax/loki`).
 * Entries are compared case-insensitively; `index.docker.io` counts as `docker.io`.
 */
export function registryAllowed(image: ImageRef, allowed: readonly string[]): boolean {
    const name = `${image.registry}/${image.repository}`.toLowerCase();
    return allowed.some((entry) => {
        if (typeof entry !== "string") {
            return false;
        }
        const e = entry
            .trim()
            .toLowerCase()
            .replace(/\/+$/, "")
            .replace(/^index\.docker\.io(?=\/|$)/, DEFAULT_REGISTRY);
        return e !== "" && (name === e || name.startsWith(`${e}/`));
    });
}

/**
 * Why a reference is mutable (the same name can later point at other content), or undefined when
 * it is pinned: no tag and no digest (means `latest`), the tag `latest`, or, when `requireDigest`
 * is set, any reference without a digest.
 */
export function mutableTag(image: ImageRef, requireDigest: boolean): string | undefined {
    if (image.digest !== undefined) {
        return undefined;
    }
    if (image.tag === undefined) {
        return "no tag (means latest)";
    }
    if (image.tag === "latest") {
        return "the tag latest";
    }
    return requireDigest ? `the tag ${image.tag} without a digest` : undefined;
}

/** One image an object makes the cluster run, and where in the object it is named. */
export interface ImageUse {
    /** The reference as written. */
    image: string;
    /** Where: a property path (`spec.template.spec.containers[jamie].image`, `data.SIDECAR_IMAGE`). */
    field: string;
}

/** Custom resources of the platform's operators that name the images of the pods they create. */
export const OPERATOR_IMAGE_TYPES = [
    "kubernetes:postgresql.cnpg.io/v1:Cluster",
    "kubernetes:postgresql.cnpg.io/v1:Pooler",
    "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisSentinel",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:Redis",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster",
    "kubernetes:monitoring.coreos.com/v1:Prometheus",
    "kubernetes:monitoring.coreos.com/v1:Alertmanager",
    "kubernetes:monitoring.coreos.com/v1:ThanosRuler",
    "kubernetes:monitoring.coreos.com/v1alpha1:PrometheusAgent",
    "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
] as const;

/** The ConfigMap type token (operators' image settings). */
export const CONFIG_MAP_TYPE = "kubernetes:core/v1:ConfigMap";

/** Every type token `imagesOf` reads. */
export const IMAGE_TYPES: readonly string[] = [...POD_TYPES, CONFIG_MAP_TYPE, ...OPERATOR_IMAGE_TYPES];

const IMAGE_NAME = /IMAGE/i;

/** A setting's value that names an image: a valid reference with a path, tag or digest (not `IfNotPresent`, not `always`). */
function namesImage(v: unknown): v is string {
    return typeof v === "string" && /[/:@]/.test(v) && parseImage(v) !== undefined;
}
const IMAGE_FLAG = /^--([\w.-]*(?:image|reloader)[\w.-]*)=(.+)$/i;
const CR_IMAGE_KEYS = new Set(["image", "imageName", "initImage"]);

/** Strings under `node` keyed `image`/`imageName`/`initImage`, skipping switched-off sections. */
function crImages(node: unknown, path: string, out: ImageUse[]): void {
    if (Array.isArray(node)) {
        node.forEach((x, i) => crImages(x, `${path}[${i}]`, out));
        return;
    }
    const o = obj(node);
    if (!o || o.enabled === false) {
        return;
    }
    for (const [k, v] of Object.entries(o)) {
        if (CR_IMAGE_KEYS.has(k) && typeof v === "string") {
            out.push({ image: v, field: `${path}.${k}` });
        } else if (v !== null && typeof v === "object") {
            crImages(v, `${path}.${k}`, out);
        }
    }
}

/**
 * Every image an object of `type` with `props` names (see the module comment for where), in
 * document order; empty for other types. Values that are not strings are skipped; a string that
 * is not a valid reference is still returned (the rule reports it).
 */
export function imagesOf(type: string, props: Props): ImageUse[] {
    const out: ImageUse[] = [];
    if ((POD_TYPES as readonly string[]).includes(type)) {
        const spec = podSpec(type, props);
        if (!spec) {
            return out;
        }
        const base = podPath(type);
        for (const ref of containers(spec)) {
            const at = `${base}.${ref.kind}[${ref.name}]`;
            if (typeof ref.c.image === "string") {
                out.push({ image: ref.c.image, field: `${at}.image` });
            }
            for (const e of arr<Props>(ref.c.env)) {
                const env = obj(e);
                if (env && typeof env.name === "string" && IMAGE_NAME.test(env.name) && namesImage(env.value)) {
                    out.push({ image: env.value, field: `${at}.env[${env.name}]` });
                }
            }
            for (const a of arr(ref.c.args)) {
                const m = typeof a === "string" ? IMAGE_FLAG.exec(a) : null;
                if (m && namesImage(m[2])) {
                    out.push({ image: m[2], field: `${at}.args[--${m[1]}]` });
                }
            }
        }
    } else if (type === CONFIG_MAP_TYPE) {
        for (const [k, v] of Object.entries(obj(props.data) ?? {})) {
            if (IMAGE_NAME.test(k) && namesImage(v)) {
                out.push({ image: v, field: `data.${k}` });
            }
        }
    } else if ((OPERATOR_IMAGE_TYPES as readonly string[]).includes(type)) {
        crImages(props.spec, "spec", out);
    }
    return out;
}
