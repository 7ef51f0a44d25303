/** B5 (in-cluster): operator-managed PostgreSQL, MongoDB and Redis require TLS and authentication. */
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, show } from "../lib/util";

export const CNPG_CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
export const PSMDB = "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB";
export const REDIS_TYPES = [
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:Redis",
    "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisCluster",
];

export const tlsDatabaseEnforceInClusterTls = resourceRule<Record<string, never>>({
    name: "tls-database-enforce-in-cluster-tls",
    description:
        "Requires in-cluster databases run by operators to refuse plaintext and unauthenticated clients: CloudNativePG rejects non-SSL connections in pg_hba, Percona MongoDB runs requireTLS, Redis has TLS and a password Secret.",
    types: [CNPG_CLUSTER, PSMDB, ...REDIS_TYPES],
    check: (r, _cfg, report) => {
        const spec = at(r.props, "spec") as Record<string, unknown> | undefined;
        if (r.type === CNPG_CLUSTER) {
            const hba = arr<string>(at(spec, "postgresql.pg_hba")).map((l) => String(l).trim().split(/\s+/));
            const rejectsPlain = hba.some((f) => f[0] === "hostnossl" && f[f.length - 1] === "reject");
            const allowsPlain = hba.some((f) => (f[0] === "host" || f[0] === "hostnossl") && f[f.length - 1] !== "reject");
            if (!rejectsPlain || allowsPlain) {
                report(
                    msg(
                        `${label(r)} accepts non-TLS connections`,
                        allowsPlain ? "a pg_hba host/hostnossl line that does not reject" : 'no pg_hba "hostnossl ... reject" line',
                        "pg_hba rejecting hostnossl and allowing only hostssl",
                        'set spec.postgresql.pg_hba: ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject", "hostssl all all 0.0.0.0/0 scram-sha-256"]',
                    ),
                );
            }
            if (at(spec, "enableSuperuserAccess") === true) {
                report(msg(`${label(r)} exposes the postgres superuser`, "enableSuperuserAccess true", "false (the default)", "remove enableSuperuserAccess"));
            }
        } else if (r.type === PSMDB) {
            const mode = at(spec, "tls.mode");
            if (mode !== "requireTLS") {
                report(
                    msg(
                        `${label(r)} accepts non-TLS connections`,
                        `spec.tls.mode ${show(mode)}${mode === undefined ? " (operator default preferTLS)" : ""}`,
                        "requireTLS",
                        "set spec.tls.mode: requireTLS",
                    ),
                );
            }
            if (at(spec, "unsafeFlags.tls") === true) {
                report(msg(`${label(r)} disables TLS safety checks`, "spec.unsafeFlags.tls true", "false", "remove spec.unsafeFlags.tls"));
            }
        } else {
            const tls = at(spec, "TLS.secret.secretName");
            if (typeof tls !== "string") {
                report(
                    msg(
                        `${label(r)} serves Redis without TLS`,
                        `spec.TLS.secret.secretName ${show(tls)}`,
                        "a TLS secret (cert-manager Certificate)",
                        'set spec.TLS: {ca: "ca.crt", cert: "tls.crt", key: "tls.key", secret: {secretName: <certificate secret>}}',
                    ),
                );
            }
            const auth = at(spec, "kubernetesConfig.redisSecret.name");
            if (typeof auth !== "string") {
                report(
                    msg(
                        `${label(r)} serves Redis without a password`,
                        `spec.kubernetesConfig.redisSecret ${show(at(spec, "kubernetesConfig.redisSecret"))}`,
                        "kubernetesConfig.redisSecret {name, key}",
                        "set spec.kubernetesConfig.redisSecret to the Secret holding the password",
                    ),
                );
            }
        }
    },
});
