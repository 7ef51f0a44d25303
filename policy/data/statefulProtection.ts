/** F2: stateful resources survive an accidental destroy or rename. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

interface Config {
    statefulTypes: string[];
}

export const dataStatefulEnforceProtection = resourceRule<Config>({
    name: "data-stateful-enforce-protection",
    description:
        "Requires stateful resources (keys, buckets, volumes, databases) to be protected from deletion by Pulumi, and flags provider deletion protection turned off.",
    types: [
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:ebs/volume:Volume",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:kms/keyRing:KeyRing",
        "gcp:storage/bucket:Bucket",
        "gcp:compute/disk:Disk",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:container/cluster:Cluster",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:storage:StorageAccount",
        "azure-native:compute:Disk",
        "digitalocean:index/spacesBucket:SpacesBucket",
        "digitalocean:index/volume:Volume",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:postgresql.cnpg.io/v1:Cluster",
        "kubernetes:psmdb.percona.com/v1:PerconaServerMongoDB",
        "kubernetes:redis.redis.opstreelabs.in/v1beta2:RedisReplication",
    ],
    extraTypesKey: "statefulTypes",
    config: {
        statefulTypes: {
            type: "array",
            items: { type: "string" },
            default: [],
            description: "Extra type tokens to treat as stateful (the built-in list covers keys, buckets, volumes, databases and PVCs).",
        },
    },
    check: (r, _cfg, report) => {
        // The engine shows policies `protect` but not `retainOnDelete` (PolicyResourceOptions), so
        // protection is what this rule can prove; retaining on delete is good practice on top.
        const opts = r.opts as unknown as { protect?: boolean };
        const dp = r.props.deletionProtection ?? at(r.props, "settings.deletionProtectionEnabled");
        if (dp === false) {
            report(
                msg(
                    `${label(r)} has deletion protection off`,
                    "deletionProtection false",
                    "deletion protection on (the provider default)",
                    "remove deletionProtection: false",
                ),
            );
        }
        if (r.type === "gcp:container/cluster:Cluster") {
            return; // Clusters: only the provider flag above.
        }
        if (opts.protect !== true) {
            report(
                msg(
                    `${label(r)} holds state but can be destroyed by Pulumi`,
                    `protect ${show(opts.protect ?? false)}`,
                    "protect: true (retainOnDelete is not visible to policies)",
                    "create it with { protect: true, retainOnDelete: true } in its resource options",
                ),
            );
        }
    },
});
