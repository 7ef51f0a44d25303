/**
 * A cluster (and its node pools) must run a Kubernetes minor that is in its cloud's standard
 * support on the date of evaluation. Past standard support a managed cluster is either upgraded by
 * the cloud on its own schedule (EKS with `upgradePolicy.supportType: STANDARD`, GKE, AKS) or billed
 * for extended support, and upstream stops shipping security patches.
 *
 * The dated tables (policy/catalog/kubernetesVersions.ts, sources there) are the rule's default
 * `supportTable`; a site may extend them in its policy config when a cloud publishes a new minor.
 * The date of evaluation defaults to today's date (UTC) at run time; `evaluationDate` fixes it
 * (tests, or checking "will this still pass in 60 days").
 */
import { minorOf, STANDARD_SUPPORT_END, SupportCalendar, supportStatus, SupportTable, todayIso } from "../catalog/kubernetesVersions";
import { resourceRule } from "../lib/rule";
import { label, msg, peek, show, UNKNOWN } from "../lib/util";

interface Config {
    supportTable: Record<string, SupportTable>;
    evaluationDate: string;
}

/** Where each resource type keeps its Kubernetes version, and which support calendar it follows. */
const VERSION_FIELDS: Record<string, { field: string; calendar: SupportCalendar }> = {
    "aws:eks/cluster:Cluster": { field: "version", calendar: "aws" },
    "aws:eks/nodeGroup:NodeGroup": { field: "version", calendar: "aws" },
    "gcp:container/cluster:Cluster": { field: "minMasterVersion", calendar: "gcp" },
    "gcp:container/nodePool:NodePool": { field: "version", calendar: "gcp" },
    "azure-native:containerservice:ManagedCluster": { field: "kubernetesVersion", calendar: "azure" },
    "azure-native:containerservice:AgentPool": { field: "orchestratorVersion", calendar: "azure" },
    "digitalocean:index/kubernetesCluster:KubernetesCluster": { field: "version", calendar: "digitalocean" },
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const nodesClusterEnforceSupportedVersion = resourceRule<Config>({
    name: "nodes-cluster-enforce-supported-version",
    description:
        "Requires EKS, GKE, AKS and DOKS clusters and node pools to pin a Kubernetes minor that is in its cloud's standard support on the date of evaluation (dated support table per cloud).",
    types: Object.keys(VERSION_FIELDS),
    config: {
        supportTable: {
            type: "object",
            default: STANDARD_SUPPORT_END,
            description:
                "Per cloud (aws, gcp, azure, digitalocean, existing): Kubernetes minor -> first day out of standard support (YYYY-MM-DD). Default: the published calendars in policy/catalog/kubernetesVersions.ts (sources there). A minor missing from its cloud's table is rejected as unknown.",
        },
        evaluationDate: {
            type: "string",
            default: "",
            description: "Date (YYYY-MM-DD) support is judged on; empty: today's date (UTC) when the pack runs.",
        },
    },
    check: (r, cfg, report) => {
        const where = VERSION_FIELDS[r.type];
        const value = peek(() => r.props[where.field]);
        if (value === UNKNOWN || value === undefined || value === null || value === "") {
            return; // unknown until apply, or the cloud's default (its newest supported minor)
        }
        const date = cfg.evaluationDate || todayIso();
        if (!ISO_DATE.test(date)) {
            report(
                msg(
                    `policy config of nodes-cluster-enforce-supported-version is invalid`,
                    `evaluationDate ${show(cfg.evaluationDate)}`,
                    "a date YYYY-MM-DD or empty (today)",
                    "fix evaluationDate in the policy config",
                ),
            );
            return;
        }
        const version = String(value);
        const minor = minorOf(version);
        const table = cfg.supportTable?.[where.calendar];
        const supported = Object.entries(table ?? {})
            .filter(([, end]) => date < end)
            .map(([m, end]) => `${m} (until ${end})`);
        const allowed = supported.length > 0 ? supported.join(", ") : `none listed for ${where.calendar} on ${date}`;
        if (minor === undefined) {
            report(
                msg(
                    `${label(r)} pins an unreadable Kubernetes version`,
                    `${where.field} ${show(version)}`,
                    `a minor in standard support on ${date}: ${allowed}`,
                    `set ${where.field} to a supported minor such as ${supported[supported.length - 1]?.split(" ")[0] ?? "a newer minor"}`,
                ),
            );
            return;
        }
        const status = supportStatus(table, minor, date);
        if (status.status === "supported") {
            return;
        }
        const newest = supported.length > 0 ? supported[supported.length - 1].split(" ")[0] : undefined;
        const fix = newest
            ? `set kubernetesVersion to ${newest} (upgrade one minor at a time)`
            : `add the cloud's current minors to supportTable.${where.calendar}`;
        if (status.status === "unknown") {
            report(
                msg(
                    `${label(r)} runs Kubernetes ${minor}, which the ${where.calendar} support table does not list`,
                    `${where.field} ${show(version)}`,
                    `a minor in standard support on ${date}: ${allowed}`,
                    `${fix}, or add ${minor} with its published end date to supportTable.${where.calendar}`,
                ),
            );
            return;
        }
        report(
            msg(
                `${label(r)} runs Kubernetes ${minor}, past its ${where.calendar} standard support (ended ${status.end})`,
                `${where.field} ${show(version)} on ${date}`,
                `a minor in standard support on ${date}: ${allowed}`,
                fix,
            ),
        );
    },
});
