/**
 * The GKE cluster's network: a custom-mode VPC, one regional subnet with secondary ranges for pods
 * and services (VPC-native), Private Google Access and flow logs; a Cloud Router with Cloud NAT so
 * private nodes reach the internet. Cloud NAT is a regional, zone-redundant managed service: one
 * per region serves every zone, so `natGateways: perZone` needs no more than one (it gets more
 * ports per VM instead). Resources are children of the calling component.
 */
import { Network } from "@pulumi/gcp/compute/network";
import { Router } from "@pulumi/gcp/compute/router";
import { RouterNat } from "@pulumi/gcp/compute/routerNat";
import { Subnetwork } from "@pulumi/gcp/compute/subnetwork";
import type * as pulumi from "@pulumi/pulumi";
import type { NetworkConfig } from "../types";

/** Names of the subnet's secondary ranges. */
export const POD_RANGE = "pods";
export const SERVICE_RANGE = "services";

/** Arguments of `createGkeNetwork`. */
export interface GkeNetworkArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    project: string;
    region: string;
    /** Addressing and NAT layout. */
    network: NetworkConfig;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** What `createGkeNetwork` built. */
export interface GkeNetwork {
    network: Network;
    subnet: Subnetwork;
    nat: RouterNat;
}

/** Creates the VPC, the node subnet with its pod and service ranges, the router and Cloud NAT. */
export function createGkeNetwork(a: GkeNetworkArgs): GkeNetwork {
    const { name, project, region } = a;
    const opts = { parent: a.parent };
    const network = new Network(`${name}-vpc`, { project, autoCreateSubnetworks: false, routingMode: "REGIONAL", deleteDefaultRoutesOnCreate: false }, opts);
    const subnet = new Subnetwork(
        `${name}-nodes`,
        {
            project,
            region,
            network: network.id,
            ipCidrRange: a.network.cidr,
            privateIpGoogleAccess: true,
            secondaryIpRanges: [
                { rangeName: POD_RANGE, ipCidrRange: a.network.podCidr },
                { rangeName: SERVICE_RANGE, ipCidrRange: a.network.serviceCidr },
            ],
            logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
        },
        opts,
    );
    const router = new Router(`${name}-router`, { project, region, network: network.id }, opts);
    const nat = new RouterNat(
        `${name}-nat`,
        {
            project,
            region,
            router: router.name,
            natIpAllocateOption: "AUTO_ONLY",
            sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
            enableEndpointIndependentMapping: false,
            minPortsPerVm: a.network.natGateways === "perZone" ? 256 : 64,
            logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        opts,
    );
    return { network, subnet, nat };
}
