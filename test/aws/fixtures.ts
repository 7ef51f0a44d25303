/** Shared arguments and record helpers for the AWS tests. */
import * as assert from "assert";
import type { EksClusterArgs } from "../../components/aws";
import { defaultNodePools, DEFAULT_RETENTION } from "../../components/defaults";
import type { NodePoolSpec } from "../../components/types";
import type { RecordedResource } from "../../preview/harness";

export const ADMIN_ARN = "arn:aws:iam::111122223333:role/platform-admins";
export const ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];

/** Production arguments, as index.ts builds them for aws-prod (fresh copy each call). */
export function prodArgs(): EksClusterArgs & { nodePools: NodePoolSpec[] } {
    return {
        region: "eu-west-1",
        zones: [...ZONES],
        kubernetesVersion: "1.33",
        nodePools: defaultNodePools("aws", "prod"),
        network: { cidr: "10.40.0.0/16", podCidr: "10.244.0.0/14", serviceCidr: "10.96.0.0/16", natGateways: "perZone" },
        endpoint: { publicAccess: false, publicAccessCidrs: [] },
        retention: { ...DEFAULT_RETENTION },
        protectStateful: true,
        tags: { environment: "prod" },
        adminPrincipalArns: [ADMIN_ARN],
    };
}

/** Resources of one type. */
export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The one resource of `type` named `name`; fails listing what exists otherwise. */
export function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && r.name === name);
    assert.strictEqual(
        found.length,
        1,
        `expected one ${type} named ${name}; have: ${
            ofType(resources, type)
                .map((r) => r.name)
                .join(", ") || "none"
        }`,
    );
    return found[0];
}

/** Reads a dotted path from a record's inputs. */
export function at(r: RecordedResource, path: string): any {
    return path.split(".").reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), r.inputs);
}
