/** Persistence and HA of in-cluster databases: members and volume sizes per REQUIREMENTS.md. */
import { toGiB } from "../lib/quantity";
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, show } from "../lib/util";
import { CNPG_CLUSTER, PSMDB, REDIS_TYPES } from "../tls/inClusterDatabases";

interface Config {
    minMembers: number;
    minPostgresGib: number;
    minMongoGib: number;
    minRedisGib: number;
}

export const dataDatabaseEnforcePersistence = resourceRule<Config>({
    name: "data-database-enforce-persistence",
    description: "Requires in-cluster databases to run enough members for high availability on persistent volumes of at least the configured sizes.",
    types: [CNPG_CLUSTER, PSMDB, ...REDIS_TYPES],
    config: {
        minMembers: {
            type: "integer",
            minimum: 1,
            default: 3,
            description: "Minimum database members (PostgreSQL instances, MongoDB replica set size, Redis primary plus replicas).",
        },
        minPostgresGib: { type: "number", minimum: 1, default: 100, description: "Minimum PostgreSQL data volume in GiB." },
        minMongoGib: { type: "number", minimum: 1, default: 50, description: "Minimum MongoDB data volume in GiB." },
        minRedisGib: { type: "number", minimum: 1, default: 1, description: "Minimum Redis volume in GiB (RDB snapshots)." },
    },
    check: (r, cfg, report) => {
        const spec = at(r.props, "spec");
        const checkSize = (what: string, q: unknown, min: number, path: string): void => {
            const g = toGiB(q);
            if (g === undefined || g < min) {
                report(
                    msg(
                        `${label(r)}: ${what} volume is ${g === undefined ? "missing" : "too small"}`,
                        `${path} ${show(q)}`,
                        `at least ${min}Gi`,
                        `set ${path} to "${min}Gi" or more`,
                    ),
                );
            }
        };
        const checkMembers = (n: unknown, path: string): void => {
            const v = typeof n === "number" ? n : 1;
            if (v < cfg.minMembers) {
                report(
                    msg(
                        `${label(r)} runs too few members for high availability`,
                        `${path} ${show(n)}`,
                        `at least ${cfg.minMembers}`,
                        `set ${path} to ${cfg.minMembers}`,
                    ),
                );
            }
        };
        if (r.type === CNPG_CLUSTER) {
            checkMembers(at(spec, "instances"), "spec.instances");
            checkSize("PostgreSQL data", at(spec, "storage.size"), cfg.minPostgresGib, "spec.storage.size");
        } else if (r.type === PSMDB) {
            arr<Record<string, unknown>>(at(spec, "replsets")).forEach((rs, i) => {
                checkMembers(rs.size, `spec.replsets[${i}].size`);
                checkSize(
                    "MongoDB data",
                    at(rs, "volumeSpec.persistentVolumeClaim.resources.requests.storage"),
                    cfg.minMongoGib,
                    `spec.replsets[${i}].volumeSpec.persistentVolumeClaim.resources.requests.storage`,
                );
            });
        } else {
            if (r.type !== "kubernetes:redis.redis.opstreelabs.in/v1beta2:Redis") {
                checkMembers(at(spec, "clusterSize"), "spec.clusterSize");
            }
            checkSize(
                "Redis",
                at(spec, "storage.volumeClaimTemplate.spec.resources.requests.storage"),
                cfg.minRedisGib,
                "spec.storage.volumeClaimTemplate.spec.resources.requests.storage",
            );
        }
    },
});
