/**
 * Validation of `EksClusterArgs` (pure). Stack config is validated at the edge (config/parse.ts);
 * this guards programs that construct the component directly, naming the argument, the value and
 * what is allowed.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EksClusterArgs } from "./eksCluster";
import { Cidr, overlaps, parseCidr, planSubnets } from "./cidr";

/** One problem with the arguments. */
export interface ArgProblem {
    propertyPath: string;
    reason: string;
}

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parseCidr);

/**
 * EKS's rules for the service range: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, a /12 to
 * /24, and clear of the VPC (pods and nodes have VPC addresses).
 */
function serviceCidrProblem(vpcCidr: string, serviceCidr: string, fail: (path: string, reason: string) => void): void {
    let svc: Cidr;
    try {
        svc = parseCidr(serviceCidr);
    } catch (e) {
        fail("network.serviceCidr", (e as Error).message);
        return;
    }
    const inPrivate = PRIVATE_RANGES.some((r) => svc.prefix >= r.prefix && overlaps(r, svc));
    if (!inPrivate || svc.prefix < 12 || svc.prefix > 24) {
        fail("network.serviceCidr", `found "${serviceCidr}"; EKS needs a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
        return;
    }
    try {
        if (overlaps(parseCidr(vpcCidr), svc)) {
            fail("network.serviceCidr", `found "${serviceCidr}", which overlaps the VPC ${vpcCidr}; choose a range outside it, e.g. 10.96.0.0/16`);
        }
    } catch {
        // a malformed VPC CIDR is reported under network.cidr
    }
}

/** Every problem with `args`; empty when they are usable. */
export function eksClusterArgProblems(args: EksClusterArgs): ArgProblem[] {
    const problems: ArgProblem[] = [];
    const fail = (propertyPath: string, reason: string) => problems.push({ propertyPath, reason });
    if (!AWS_REGION.test(args.region)) {
        fail("region", `found "${args.region}"; must be an AWS region such as eu-west-1`);
    }
    if (args.zones.length === 0) {
        fail("zones", "found none; list the availability zones to spread over, e.g. eu-west-1a, eu-west-1b, eu-west-1c");
    } else if (args.zones.length === 1) {
        fail("zones", `found only ${args.zones[0]}; EKS needs subnets in at least two availability zones (three for production)`);
    }
    args.zones.forEach((z, i) => {
        if (!z.startsWith(args.region) || !/^[a-z]$/.test(z.slice(args.region.length))) {
            fail(`zones[${i}]`, `found "${z}"; must be a zone of region ${args.region} (e.g. ${args.region}a)`);
        }
    });
    if (new Set(args.zones).size !== args.zones.length) {
        fail("zones", `found duplicates in [${args.zones.join(", ")}]; each zone once`);
    }
    if (args.zones.length > 0) {
        try {
            planSubnets(args.network.cidr, args.zones.length);
        } catch (e) {
            fail("network.cidr", (e as Error).message);
        }
    }
    serviceCidrProblem(args.network.cidr, args.network.serviceCidr, fail);
    if (args.nodePools.length === 0) {
        fail("nodePools", "found none; at least one node pool (role system) is needed");
    }
    const roles = new Set<string>();
    args.nodePools.forEach((p, i) => {
        if (roles.has(p.role)) {
            fail(`nodePools[${i}].role`, `found "${p.role}" twice; one pool per role`);
        }
        roles.add(p.role);
        if (!(p.minNodes >= 0 && p.minNodes <= p.desiredNodes && p.desiredNodes <= p.maxNodes && p.maxNodes >= 1)) {
            fail(`nodePools[${i}]`, `found min ${p.minNodes}, desired ${p.desiredNodes}, max ${p.maxNodes}; need 0 <= min <= desired <= max and max >= 1`);
        }
    });
    if (args.adminPrincipalArns.length === 0) {
        fail("adminPrincipalArns", "found none; at least one IAM role or user ARN must get cluster-admin (the deployer has no implicit access)");
    }
    args.adminPrincipalArns.forEach((a, i) => {
        if (args.adminPrincipalArns.indexOf(a) !== i) {
            fail(`adminPrincipalArns[${i}]`, `found "${a}" again; list each principal once`);
        } else if (!PRINCIPAL_ARN.test(a)) {
            fail(`adminPrincipalArns[${i}]`, `found "${a}"; must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)`);
        }
    });
    if (args.endpoint.publicAccess && args.endpoint.publicAccessCidrs.length === 0) {
        fail("endpoint.publicAccessCidrs", "found none; a public endpoint must be restricted to named CIDRs");
    }
    if (args.endpoint.publicAccessCidrs.includes("0.0.0.0/0")) {
        fail("endpoint.publicAccessCidrs", 'found "0.0.0.0/0"; the whole internet is not allowed');
    }
    return problems;
}

/**
 * Throws one error naming every problem (`InputPropertyError` for one, `InputPropertiesError` for
 * several, which the engine prints per property), or returns when there are none.
 */
export function validateEksClusterArgs(args: EksClusterArgs): void {
    const problems = eksClusterArgProblems(args);
    if (problems.length === 1) {
        throw new pulumi.InputPropertyError(problems[0]);
    }
    if (problems.length > 1) {
        throw new pulumi.InputPropertiesError({
            message: `EksCluster: ${problems.length} invalid arguments: ${problems.map((p) => `${p.propertyPath}: ${p.reason}`).join("; ")}`,
            errors: problems,
        });
    }
}
