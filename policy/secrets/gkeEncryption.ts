/** C2: GKE application-layer Secrets encryption with Cloud KMS. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

export const secretsGkeclusterEnforceApplicationEncryption = resourceRule<Record<string, never>>({
    name: "secrets-gkecluster-enforce-application-encryption",
    description: "Requires GKE clusters to encrypt Kubernetes Secrets at the application layer with a Cloud KMS key.",
    types: ["gcp:container/cluster:Cluster"],
    check: (r, _cfg, report) => {
        const state = at(r.props, "databaseEncryption.state");
        const key = at(r.props, "databaseEncryption.keyName");
        if (state !== "ENCRYPTED") {
            report(
                msg(
                    `${label(r)} stores Secrets without application-layer encryption`,
                    `databaseEncryption.state ${show(state)}`,
                    "ENCRYPTED with a Cloud KMS keyName",
                    'set databaseEncryption: {state: "ENCRYPTED", keyName: cryptoKey.id}',
                ),
            );
        } else if (typeof key !== "string" || key === "") {
            report(
                msg(
                    `${label(r)} has no KMS key for Secrets encryption`,
                    "databaseEncryption.keyName not set",
                    "a Cloud KMS crypto key",
                    "set databaseEncryption.keyName to the crypto key's id",
                ),
            );
        }
    },
});
