/** C7: customer-managed keys rotate. */
import { resourceRule } from "../lib/rule";
import { label, msg, show } from "../lib/util";

interface Config {
    maxRotationDays: number;
}

function seconds(period: unknown): number | undefined {
    const m = typeof period === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(period) : null;
    return m ? Number(m[1]) : undefined;
}

export const secretsKmskeyEnforceRotation = resourceRule<Config>({
    name: "secrets-kmskey-enforce-rotation",
    description:
        "Requires customer-managed encryption keys to rotate automatically (AWS KMS key rotation, Cloud KMS rotation period within the configured days).",
    types: ["aws:kms/key:Key", "gcp:kms/cryptoKey:CryptoKey"],
    config: {
        maxRotationDays: { type: "integer", minimum: 1, default: 365, description: "Longest allowed rotation period in days." },
    },
    check: (r, cfg, report) => {
        if (r.type === "aws:kms/key:Key") {
            if (
                r.props.keyUsage === "SIGN_VERIFY" ||
                (typeof r.props.customerMasterKeySpec === "string" && r.props.customerMasterKeySpec !== "SYMMETRIC_DEFAULT")
            ) {
                return; // Only symmetric keys rotate.
            }
            if (r.props.enableKeyRotation !== true) {
                report(msg(`${label(r)} does not rotate`, `enableKeyRotation ${show(r.props.enableKeyRotation)}`, "true", "set enableKeyRotation: true"));
            } else if (typeof r.props.rotationPeriodInDays === "number" && r.props.rotationPeriodInDays > cfg.maxRotationDays) {
                report(
                    msg(
                        `${label(r)} rotates too rarely`,
                        `rotationPeriodInDays ${r.props.rotationPeriodInDays}`,
                        `at most ${cfg.maxRotationDays}`,
                        `set rotationPeriodInDays to ${cfg.maxRotationDays} or less`,
                    ),
                );
            }
            return;
        }
        const s = seconds(r.props.rotationPeriod);
        if (s === undefined) {
            report(
                msg(
                    `${label(r)} does not rotate`,
                    `rotationPeriod ${show(r.props.rotationPeriod)}`,
                    `a rotationPeriod of at most ${cfg.maxRotationDays} days`,
                    `set rotationPeriod: "${cfg.maxRotationDays * 86400}s"`,
                ),
            );
        } else if (s > cfg.maxRotationDays * 86400) {
            report(
                msg(
                    `${label(r)} rotates too rarely`,
                    `rotationPeriod ${show(r.props.rotationPeriod)}`,
                    `at most ${cfg.maxRotationDays * 86400}s`,
                    `set rotationPeriod: "${cfg.maxRotationDays * 86400}s"`,
                ),
            );
        }
    },
});
