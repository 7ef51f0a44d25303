/**
 * The cluster's VPC: one public and one private subnet per zone (CIDRs from `planSubnets`), an
 * internet gateway, NAT gateways (one per zone, or one shared), and route tables. Resources are
 * children of the EKS cluster component that calls `createNetwork`.
 */
import { Eip } from "@pulumi/aws/ec2/eip";
import { InternetGateway } from "@pulumi/aws/ec2/internetGateway";
import { NatGateway } from "@pulumi/aws/ec2/natGateway";
import { Route } from "@pulumi/aws/ec2/route";
import { RouteTable } from "@pulumi/aws/ec2/routeTable";
import { RouteTableAssociation } from "@pulumi/aws/ec2/routeTableAssociation";
import { Subnet } from "@pulumi/aws/ec2/subnet";
import { Vpc } from "@pulumi/aws/ec2/vpc";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "../types";
import { planSubnets } from "./subnets";

/** Subnet tag that lets the AWS Load Balancer Controller / cloud provider find public subnets. */
export const ELB_ROLE_TAG = "kubernetes.io/role/elb";
/** Subnet tag for internal load balancers (private subnets). */
export const INTERNAL_ELB_ROLE_TAG = "kubernetes.io/role/internal-elb";

/** The cluster-ownership tag key for a cluster name. */
export function clusterTagKey(clusterName: string): string {
    return `kubernetes.io/cluster/${clusterName}`;
}

/** How many NAT gateways a layout needs for `zoneCount` zones. */
export function natGatewayCount(layout: NetworkConfig["natGateways"], zoneCount: number): number {
    return layout === "perZone" ? zoneCount : 1;
}

/** Arguments of `createNetwork`. */
export interface NetworkArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    /** Cluster name, for the `kubernetes.io/cluster/<name>` subnet tag. */
    clusterName: string;
    /** Zones, one subnet pair each. */
    zones: string[];
    /** Addressing and NAT layout. */
    network: NetworkConfig;
    /** Tags for every resource. */
    tags: Record<string, string>;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** What `createNetwork` built. */
export interface Network {
    vpc: Vpc;
    publicSubnets: Subnet[];
    privateSubnets: Subnet[];
    natGateways: NatGateway[];
    /** Private subnet ids, zone order. */
    privateSubnetIds: pulumi.Output<string>[];
    /** Public subnet ids, zone order. */
    publicSubnetIds: pulumi.Output<string>[];
}

/** Creates the VPC, subnets, gateways and routes. */
export function createNetwork(a: NetworkArgs): Network {
    const opts = { parent: a.parent };
    const plan = planSubnets(a.network.cidr, a.zones.length);
    const clusterTag = { [clusterTagKey(a.clusterName)]: "shared" };
    const tagged = (name: string, extra: Record<string, string> = {}) => ({ ...a.tags, Name: name, ...extra });

    const vpc = new Vpc(`${a.name}-vpc`, { cidrBlock: a.network.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tagged(`${a.name}-vpc`) }, opts);
    const igw = new InternetGateway(`${a.name}-igw`, { vpcId: vpc.id, tags: tagged(`${a.name}-igw`) }, opts);

    const publicRt = new RouteTable(`${a.name}-public`, { vpcId: vpc.id, tags: tagged(`${a.name}-public`) }, opts);
    new Route(`${a.name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, opts);

    const publicSubnets = a.zones.map((zone, i) => {
        const n = `${a.name}-public-${zone}`;
        const subnet = new Subnet(
            n,
            {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: plan.publicCidrs[i],
                mapPublicIpOnLaunch: false,
                tags: tagged(n, { ...clusterTag, [ELB_ROLE_TAG]: "1" }),
            },
            opts,
        );
        new RouteTableAssociation(n, { subnetId: subnet.id, routeTableId: publicRt.id }, opts);
        return subnet;
    });

    const natCount = natGatewayCount(a.network.natGateways, a.zones.length);
    const natGateways = a.zones.slice(0, natCount).map((zone, i) => {
        const n = `${a.name}-nat-${zone}`;
        const eip = new Eip(n, { domain: "vpc", tags: tagged(n) }, opts);
        return new NatGateway(
            n,
            { allocationId: eip.allocationId, subnetId: publicSubnets[i].id, connectivityType: "public", tags: tagged(n) },
            { ...opts, dependsOn: [igw] },
        );
    });

    const privateSubnets = a.zones.map((zone, i) => {
        const n = `${a.name}-private-${zone}`;
        const subnet = new Subnet(
            n,
            {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: plan.privateCidrs[i],
                mapPublicIpOnLaunch: false,
                tags: tagged(n, { ...clusterTag, [INTERNAL_ELB_ROLE_TAG]: "1" }),
            },
            opts,
        );
        const rt = new RouteTable(n, { vpcId: vpc.id, tags: tagged(n) }, opts);
        // Each zone egresses through its own NAT gateway, or the single shared one.
        new Route(`${n}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i % natGateways.length].id }, opts);
        new RouteTableAssociation(n, { subnetId: subnet.id, routeTableId: rt.id }, opts);
        return subnet;
    });

    return {
        vpc,
        publicSubnets,
        privateSubnets,
        natGateways,
        privateSubnetIds: privateSubnets.map((s) => s.id),
        publicSubnetIds: publicSubnets.map((s) => s.id),
    };
}
