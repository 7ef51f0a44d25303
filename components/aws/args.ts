/**
 * The API of `EksCluster`: its arguments, their defaults (resolved once by `resolveEksClusterArgs`
 * at the top of the constructor) and their validation (`eksClusterArgProblems`, pure: every problem
 * at once, naming the argument, the value found and what is allowed). The stack program's config/
 * runs the same checks on a stack file's values, under the stack file's keys.
 */
import { Ipv4Range, overlap, parseCidr } from "../../policy/lib/cidr";
import {
    ClusterArgsBase,
    duplicateZoneProblems,
    endpointProblems,
    environmentProblems,
    networkProblems,
    nodePoolProblems,
    resolveClusterArgs,
    ResolvedClusterArgs,
    retentionProblems,
    tagProblems,
} from "../clusterArgs";
import { DEFAULT_ENVIRONMENT, DR_OFF, resolveDrRegion } from "../defaults";
import { ArgProblem, ProblemList, throwArgProblems } from "../validation";
import { planSubnets } from "./subnets";

/**
 * Arguments of `EksCluster`. Required: `region`, `zones` and `adminPrincipalArns`; everything else
 * has a default (`ClusterArgsBase`).
 */
export interface EksClusterArgs extends ClusterArgsBase {
    /** AWS region of the cluster, e.g. `eu-west-1`; every zone must belong to it. */
    region: string;
    /**
     * Availability zones to spread over, e.g. `["eu-west-1a", "eu-west-1b", "eu-west-1c"]`: at least
     * two (EKS), three for production. Zone names map to zones differently per account, so there is
     * no default.
     */
    zones: string[];
    /**
     * Region of the backup bucket's cross-region copy (S3 replication to a bucket there, encrypted
     * with a KMS key there); `"none"` switches the copy off (the policy pack rejects that in prod).
     * @default in prod the region's pair (components/defaults.ts `DR_PAIRS`, e.g. eu-west-1 -> eu-central-1); in dev none
     */
    drRegion?: string;
    /**
     * IAM role or user ARNs given cluster-admin (AmazonEKSClusterAdminPolicy) through EKS access
     * entries. At least one; the credentials running `pulumi up` must be, or assume, one of them
     * (the creator gets no implicit admin access).
     */
    adminPrincipalArns: string[];
}

/** `EksClusterArgs` with every default filled in. */
export interface ResolvedEksClusterArgs extends ResolvedClusterArgs {
    region: string;
    drRegion?: string;
    adminPrincipalArns: string[];
}

/** Fills in every default (components/defaults.ts). */
export function resolveEksClusterArgs(args: EksClusterArgs): ResolvedEksClusterArgs {
    return {
        ...resolveClusterArgs("aws", args),
        region: args.region,
        drRegion: resolveDrRegion("aws", args.environment ?? DEFAULT_ENVIRONMENT, args.region, args.drRegion),
        adminPrincipalArns: args.adminPrincipalArns ?? [],
    };
}

/** An AWS region name, e.g. `eu-west-1`, `us-gov-west-1`. */
export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** An IAM role or user ARN. */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(parseCidr);

/**
 * EKS's rules for the service range: inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, a /12 to
 * /24, and clear of the VPC (pods and nodes have VPC addresses).
 */
function serviceCidrProblem(vpcCidr: string, serviceCidr: string, fail: (path: string, reason: string) => void): void {
    let svc: Ipv4Range;
    try {
        svc = parseCidr(serviceCidr);
    } catch (e) {
        fail("network.serviceCidr", (e as Error).message);
        return;
    }
    const inPrivate = PRIVATE_RANGES.some((r) => svc.prefix >= r.prefix && overlap(r, svc));
    if (!inPrivate || svc.prefix < 12 || svc.prefix > 24) {
        fail("network.serviceCidr", `found "${serviceCidr}"; EKS needs a /12 to /24 inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
        return;
    }
    try {
        if (overlap(parseCidr(vpcCidr), svc)) {
            fail("network.serviceCidr", `found "${serviceCidr}", which overlaps the VPC ${vpcCidr}; choose a range outside it, e.g. 10.96.0.0/16`);
        }
    } catch {
        // a malformed VPC CIDR is reported under network.cidr
    }
}

/** Every problem with `args` (after defaults); empty when they are usable. */
export function eksClusterArgProblems(args: EksClusterArgs): ArgProblem[] {
    const a = resolveEksClusterArgs(args);
    const { fail, problems } = new ProblemList();
    if (typeof a.region !== "string" || !AWS_REGION.test(a.region)) {
        fail("region", `found ${JSON.stringify(a.region)}; must be an AWS region such as eu-west-1`);
    }
    if (a.zones.length === 0) {
        fail("zones", "found none; list the availability zones to spread over, e.g. eu-west-1a, eu-west-1b, eu-west-1c");
    } else if (a.zones.length === 1) {
        fail("zones", `found only ${a.zones[0]}; EKS needs subnets in at least two availability zones (three for production)`);
    }
    a.zones.forEach((z, i) => {
        if (!z.startsWith(a.region) || !/^[a-z]$/.test(z.slice(a.region.length))) {
            fail(`zones[${i}]`, `found "${z}"; must be a zone of region ${a.region} (e.g. ${a.region}a)`);
        }
    });
    duplicateZoneProblems(a.zones, fail);
    if (a.zones.length > 0) {
        try {
            planSubnets(a.network.cidr, a.zones.length);
        } catch (e) {
            fail("network.cidr", (e as Error).message);
        }
    }
    serviceCidrProblem(a.network.cidr, a.network.serviceCidr, fail);
    // EKS reads neither range's syntax here (planSubnets and the service-range rule did), only the NAT layout.
    networkProblems(a.network, fail, []);
    nodePoolProblems(a.nodePools, fail, "at least one node pool (role system) is needed");
    if (a.adminPrincipalArns.length === 0) {
        fail("adminPrincipalArns", "found none; at least one IAM role or user ARN must get cluster-admin (the deployer has no implicit access)");
    }
    a.adminPrincipalArns.forEach((arn, i) => {
        if (a.adminPrincipalArns.indexOf(arn) !== i) {
            fail(`adminPrincipalArns[${i}]`, `found "${arn}" again; list each principal once`);
        } else if (!PRINCIPAL_ARN.test(arn)) {
            fail(`adminPrincipalArns[${i}]`, `found "${arn}"; must be an IAM role or user ARN (arn:aws:iam::123456789012:role/name)`);
        }
    });
    endpointProblems(a.endpoint, fail);
    if (a.drRegion !== undefined && a.drRegion !== DR_OFF && (!AWS_REGION.test(a.drRegion) || a.drRegion === a.region)) {
        fail("drRegion", `found ${JSON.stringify(a.drRegion)}; must be another AWS region than ${a.region}, e.g. eu-central-1, or "${DR_OFF}"`);
    }
    environmentProblems(a, fail);
    retentionProblems(a.retention, fail);
    tagProblems(a.tags, fail);
    return problems;
}

/** Throws every problem of `args` as one error (components/validation.ts), or returns when there are none. */
export function validateEksClusterArgs(args: EksClusterArgs): void {
    throwArgProblems("EksCluster", eksClusterArgProblems(args));
}
