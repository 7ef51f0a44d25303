/**
 * The GKE cluster's control-plane audit trail: Kubernetes Data Access audit logs switched on for
 * the project (on top of the always-on Admin Activity logs), all of them routed by a sink to a log
 * bucket kept `retention.auditLogDays` (protected). Resources are children of the calling component.
 */
import type { Cluster } from "@pulumi/gcp/container/cluster";
import { ProjectBucketConfig } from "@pulumi/gcp/logging/projectBucketConfig";
import { ProjectSink } from "@pulumi/gcp/logging/projectSink";
import { IAMAuditConfig } from "@pulumi/gcp/projects/iamauditConfig";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of `createGkeAuditLogs`. */
export interface GkeAuditArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    region: string;
    cluster: Cluster;
    /** Days the log bucket keeps the audit logs. */
    auditLogDays: number;
    /** Protect (and retain on delete) the log bucket. */
    protect: boolean;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** Switches on the Data Access audit logs and routes the cluster's audit logs to a retained bucket. */
export function createGkeAuditLogs(a: GkeAuditArgs): { bucket: ProjectBucketConfig; sink: ProjectSink } {
    const { name, project, region } = a;
    const auditConfig = new IAMAuditConfig(
        `${name}-k8s-audit`,
        { project, service: "container.googleapis.com", auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }] },
        { parent: a.parent },
    );
    const bucket = new ProjectBucketConfig(
        `${name}-audit`,
        { project, location: region, bucketId: `${name}-audit`, retentionDays: a.auditLogDays, description: `Kubernetes audit logs of ${name}` },
        { parent: a.parent, protect: a.protect, retainOnDelete: a.protect },
    );
    const sink = new ProjectSink(
        `${name}-audit`,
        {
            project,
            destination: pulumi.interpolate`logging.googleapis.com/projects/${project}/locations/${region}/buckets/${bucket.bucketId}`,
            filter: pulumi.interpolate`logName:"cloudaudit.googleapis.com" AND resource.type="k8s_cluster" AND resource.labels.cluster_name="${a.cluster.name}"`,
            uniqueWriterIdentity: true,
        },
        { parent: a.parent, dependsOn: [auditConfig] },
    );
    return { bucket, sink };
}
