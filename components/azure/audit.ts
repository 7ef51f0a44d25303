/**
 * The AKS cluster's control-plane audit trail: a Log Analytics workspace (protected, kept for the
 * audit retention within Log Analytics' 30-730 interactive days) and a diagnostic setting sending
 * `kube-audit`, `kube-audit-admin` and `guard` (Entra ID authentication) there with every metric.
 * Resources are children of the calling component.
 */
import type { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { DiagnosticSetting } from "@pulumi/azure-native/monitor";
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import type * as pulumi from "@pulumi/pulumi";
import { workspaceRetentionDays } from "./helpers";

/** Control-plane log categories sent to Log Analytics (audit, admin audit, Entra ID authentication). */
export const AUDIT_LOG_CATEGORIES = ["kube-audit", "kube-audit-admin", "guard"];

/** Arguments of `createAksAuditLogs`. */
export interface AksAuditArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    cluster: ManagedCluster;
    /** Days to keep the audit logs (Log Analytics keeps 30 to 730 interactively). */
    auditLogDays: number;
    tags: Record<string, string>;
    /** Protect (and retain on delete) the workspace. */
    protect: boolean;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** Creates the workspace and routes the cluster's audit logs and metrics to it. */
export function createAksAuditLogs(a: AksAuditArgs): { workspace: Workspace; diagnostics: DiagnosticSetting } {
    const workspace = new Workspace(
        `${a.name}-logs`,
        {
            resourceGroupName: a.resourceGroupName,
            location: a.location,
            sku: { name: "PerGB2018" },
            retentionInDays: workspaceRetentionDays(a.auditLogDays),
            tags: a.tags,
        },
        { parent: a.parent, protect: a.protect, retainOnDelete: a.protect },
    );
    const diagnostics = new DiagnosticSetting(
        `${a.name}-audit`,
        {
            name: `${a.name}-audit`,
            resourceUri: a.cluster.id,
            workspaceId: workspace.id,
            logAnalyticsDestinationType: "Dedicated",
            logs: AUDIT_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
            metrics: [{ category: "AllMetrics", enabled: true }],
        },
        { parent: a.parent },
    );
    return { workspace, diagnostics };
}

/** The warning when the audit retention is longer than Log Analytics keeps interactively. */
export function auditRetentionWarnings(auditLogDays: number): string[] {
    return auditLogDays > 730
        ? [
              `audit logs: Log Analytics keeps ${workspaceRetentionDays(auditLogDays)} days interactively, less than retention.auditLogDays (${auditLogDays}); archive the workspace tables for the rest`,
          ]
        : [];
}
