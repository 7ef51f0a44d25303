/** F3: managed databases are highly available across zones. */
import { resourceRule } from "../lib/rule";
import { at, label, msg, show } from "../lib/util";

export const dataDatabaseEnforceHighAvailability = resourceRule<Record<string, never>>({
    name: "data-database-enforce-high-availability",
    description: "Requires managed databases to run across zones (RDS Multi-AZ, Cloud SQL REGIONAL, Azure zone-redundant high availability).",
    types: [
        "aws:rds/instance:Instance",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "azure-native:dbforpostgresql:FlexibleServer",
        "azure-native:dbforpostgresql:Server",
    ],
    check: (r, _cfg, report) => {
        const p = r.props;
        if (r.type === "aws:rds/instance:Instance") {
            if (p.multiAz !== true) {
                report(msg(`${label(r)} runs in one zone`, `multiAz ${show(p.multiAz)}`, "true", "set multiAz: true"));
            }
        } else if (r.type === "gcp:sql/databaseInstance:DatabaseInstance") {
            const t = at(p, "settings.availabilityType");
            if (t !== "REGIONAL") {
                report(
                    msg(
                        `${label(r)} runs in one zone`,
                        `settings.availabilityType ${show(t)}${t === undefined ? " (default ZONAL)" : ""}`,
                        "REGIONAL",
                        "set settings.availabilityType: REGIONAL",
                    ),
                );
            }
        } else {
            const mode = at(p, "highAvailability.mode");
            if (mode !== "ZoneRedundant") {
                report(
                    msg(
                        `${label(r)} is not zone-redundant`,
                        `highAvailability.mode ${show(mode)}`,
                        "ZoneRedundant",
                        'set highAvailability: {mode: "ZoneRedundant"}',
                    ),
                );
            }
        }
    },
});
