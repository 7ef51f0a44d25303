/** C4: no plaintext secrets in Kubernetes Secrets, ConfigMaps or container env. */
import { cname, containers, podPath, podSpec, POD_TYPES } from "../lib/pods";
import { resourceRule } from "../lib/rule";
import { arr, at, glob, k8sId, label, msg, obj } from "../lib/util";

interface Config {
    allowedSecrets: string[];
    sensitiveKeyPattern: string;
}

const patterns = new Map<string, RegExp>();
function sensitive(cfg: Config, key: string): boolean {
    let re = patterns.get(cfg.sensitiveKeyPattern);
    if (!re) {
        re = new RegExp(cfg.sensitiveKeyPattern, "i");
        patterns.set(cfg.sensitiveKeyPattern, re);
    }
    return re.test(key);
}

export const secretsKubernetesDisallowPlaintext = resourceRule<Config>({
    name: "secrets-kubernetes-disallow-plaintext",
    description:
        "Disallows secret values written into Kubernetes objects: Secrets with literal data outside the allow-list, ConfigMap keys that look like credentials, and sensitive container env vars with a literal value instead of secretKeyRef.",
    types: ["kubernetes:core/v1:Secret", "kubernetes:core/v1:ConfigMap", ...POD_TYPES],
    config: {
        allowedSecrets: {
            type: "array",
            items: { type: "string" },
            default: [
                "jamie/jamie-connections",
                "scarlet/scarlet-connections",
                "data-postgres/pg-app-credentials",
                "data-mongodb/mongodb-system-users",
                "data-mongodb/mongodb-*-credentials",
                "data-redis/redis-auth",
                "monitoring/grafana-admin",
                "monitoring/alertmanager-config",
                // An S3-compatible store's static credentials (existing clusters, DigitalOcean Spaces): the user
                // gives them as secret config, and the platform wraps every value in pulumi.secret().
                "data-postgres/pg-backup-store-credentials",
                "data-mongodb/mongodb-backup-store-credentials",
                "data-redis/redis-backup-store-credentials",
                "monitoring/loki-store-credentials",
                "monitoring/tempo-store-credentials",
                "velero/velero-store-credentials",
                // DOKS: the LUKS key of the encrypted StorageClass (components/digitalocean/storage.ts).
                "kube-system/encrypted-ssd-luks-key",
            ],
            description:
                "Secrets (namespace/name, * wildcards) the program may create with literal data because their values are Pulumi secrets (encrypted in state): generated passwords and the object-store credentials the stack config holds as secrets.",
        },
        sensitiveKeyPattern: {
            type: "string",
            default: "password|passwd|secret|token|api[-_]?key|private[-_]?key|credential",
            description: "Case-insensitive regular expression for key and env var names that hold secrets.",
        },
    },
    check: (r, cfg, report) => {
        const p = r.props;
        if (r.type === "kubernetes:core/v1:Secret") {
            const keys = [...Object.keys(obj(p.data) ?? {}), ...Object.keys(obj(p.stringData) ?? {})];
            if (keys.length === 0) {
                return;
            }
            const id = k8sId(p);
            if (!cfg.allowedSecrets.some((a) => glob(a, `${id.namespace}/${id.name}`))) {
                report(
                    msg(
                        `${label(r)} (${id.namespace}/${id.name}) holds literal secret data`,
                        `keys ${JSON.stringify(keys)} set in data/stringData (values not shown)`,
                        "secret values from an external store (ExternalSecret, SealedSecret) or an allow-listed Secret whose values are Pulumi secrets",
                        `add "${id.namespace}/${id.name}" to allowedSecrets if its values come from pulumi.secret(), or sync it with External Secrets`,
                    ),
                );
            }
            return;
        }
        if (r.type === "kubernetes:core/v1:ConfigMap") {
            const keys = Object.keys(obj(p.data) ?? {}).filter((k) => sensitive(cfg, k));
            if (keys.length > 0) {
                report(
                    msg(
                        `${label(r)} stores credentials in a ConfigMap`,
                        `keys ${JSON.stringify(keys)} (values not shown)`,
                        "no credential-like keys in ConfigMaps",
                        "move these keys to a Secret and reference it",
                    ),
                );
            }
            return;
        }
        const spec = podSpec(r.type, p);
        if (!spec) {
            return;
        }
        for (const ref of containers(spec)) {
            for (const e of arr<Record<string, unknown>>(ref.c.env)) {
                const name = String(obj(e)?.name ?? "");
                if (e.value !== undefined && e.value !== "" && sensitive(cfg, name)) {
                    report(
                        msg(
                            `${label(r)} ${podPath(r.type)}: ${cname(ref)} sets ${JSON.stringify(name)} as a literal`,
                            `env ${JSON.stringify(name)} with a literal value (not shown)`,
                            "valueFrom.secretKeyRef",
                            `set env ${name} via valueFrom.secretKeyRef to a Secret key`,
                        ),
                    );
                }
            }
            void at;
        }
    },
});
