/**
 * The AKS cluster's network: a VNet on `network.cidr` and the node subnet carved from it (a quarter
 * of the VNet, at most a /24 smaller: 10.40.0.0/16 gives 10.40.0.0/18), with service endpoints for
 * Storage and Key Vault and no default outbound access. Pods get overlay addresses (Azure CNI
 * overlay) and egress goes through the Standard load balancer (the cluster's network profile).
 * Resources are children of the calling component.
 */
import { Subnet, VirtualNetwork } from "@pulumi/azure-native/network";
import type * as pulumi from "@pulumi/pulumi";
import { carveSubnet, parseCidr } from "../../policy/lib/cidr";
import type { NetworkConfig } from "../types";

/** The node subnet's prefix length for a VNet: two bits smaller, but never smaller than a /24. */
export function nodeSubnetPrefix(vnetCidr: string): number {
    return Math.min(parseCidr(vnetCidr).prefix + 2, 24);
}

/** Arguments of `createAksNetwork`. */
export interface AksNetworkArgs {
    /** Resource-name prefix (the component's name). */
    name: string;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    network: NetworkConfig;
    tags: Record<string, string>;
    /** Parent of every resource. */
    parent: pulumi.Resource;
}

/** Creates the VNet and the node subnet. */
export function createAksNetwork(a: AksNetworkArgs): { vnet: VirtualNetwork; nodeSubnet: Subnet } {
    const opts = { parent: a.parent };
    const vnet = new VirtualNetwork(
        `${a.name}-vnet`,
        { resourceGroupName: a.resourceGroupName, location: a.location, addressSpace: { addressPrefixes: [a.network.cidr] }, tags: a.tags },
        opts,
    );
    const nodeSubnet = new Subnet(
        `${a.name}-nodes`,
        {
            resourceGroupName: a.resourceGroupName,
            virtualNetworkName: vnet.name,
            addressPrefix: carveSubnet(a.network.cidr, nodeSubnetPrefix(a.network.cidr), 0),
            serviceEndpoints: [{ service: "Microsoft.Storage" }, { service: "Microsoft.KeyVault" }],
            defaultOutboundAccess: false,
        },
        opts,
    );
    return { vnet, nodeSubnet };
}
