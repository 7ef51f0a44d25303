/** B5: managed databases require TLS connections. */
import { resourceRule } from "../lib/rule";
import { arr, at, label, msg, obj, show } from "../lib/util";

const FORCE_SSL = ["rds.force_ssl", "require_secure_transport"];

export const tlsDatabaseEnforceEncryptedConnections = resourceRule<Record<string, never>>({
    name: "tls-database-enforce-encrypted-connections",
    description:
        "Requires managed databases to refuse unencrypted connections (Cloud SQL sslMode, RDS parameter groups forcing SSL, Azure require_secure_transport and SQL minimal TLS 1.2).",
    types: [
        "gcp:sql/databaseInstance:DatabaseInstance",
        "aws:rds/parameterGroup:ParameterGroup",
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "azure-native:dbforpostgresql:Configuration",
        "azure-native:dbformysql:Configuration",
        "azure-native:sql:Server",
    ],
    check: (r, _cfg, report) => {
        const p = r.props;
        switch (r.type) {
            case "gcp:sql/databaseInstance:DatabaseInstance": {
                const mode = at(p, "settings.ipConfiguration.sslMode");
                if (mode !== "ENCRYPTED_ONLY" && mode !== "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") {
                    report(
                        msg(
                            `${label(r)} accepts unencrypted connections`,
                            `settings.ipConfiguration.sslMode ${show(mode)}`,
                            "ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED",
                            "set settings.ipConfiguration.sslMode: ENCRYPTED_ONLY",
                        ),
                    );
                }
                break;
            }
            case "aws:rds/parameterGroup:ParameterGroup":
            case "aws:rds/clusterParameterGroup:ClusterParameterGroup": {
                const family = String(p.family ?? "");
                if (!/postgres|mysql|mariadb/.test(family)) {
                    break;
                }
                const params = arr<Record<string, unknown>>(p.parameters);
                const forced = params.some((x) => FORCE_SSL.includes(String(obj(x)?.name)) && ["1", "ON", "on", "true"].includes(String(x.value)));
                if (!forced) {
                    report(
                        msg(
                            `${label(r)} does not force TLS`,
                            `parameters ${show(params.filter((x) => FORCE_SSL.includes(String(x.name))).map((x) => `${String(x.name)}=${String(x.value)}`))}`,
                            /postgres/.test(family) ? "rds.force_ssl = 1" : "require_secure_transport = ON",
                            `add the parameter ${/postgres/.test(family) ? "rds.force_ssl = 1" : "require_secure_transport = ON"}`,
                        ),
                    );
                }
                break;
            }
            case "azure-native:sql:Server": {
                const v = p.minimalTlsVersion;
                if (v !== "1.2" && v !== "1.3") {
                    report(msg(`${label(r)} accepts old TLS versions`, `minimalTlsVersion ${show(v)}`, "1.2 or newer", 'set minimalTlsVersion: "1.2"'));
                }
                break;
            }
            default: {
                const name = p.configurationName ?? p.name;
                if (name === "require_secure_transport" && String(p.value).toLowerCase() === "off") {
                    report(
                        msg(
                            `${label(r)} turns off required TLS`,
                            'require_secure_transport "off"',
                            '"on" (the default)',
                            'remove this Configuration or set value "on"',
                        ),
                    );
                }
            }
        }
    },
});
