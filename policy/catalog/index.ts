/**
 * Machine-size catalogues: vCPU and memory per machine type, per cloud.
 *
 * Used by the sizing policies and by stack-config validation, so that both judge a machine type
 * by the same figures. A type not listed here is unknown: policies fail closed on it and say how to
 * declare its size with the `machineSizes` policy config (see `resolveMachineSize`).
 *
 * Sources (figures as published by each cloud, read 2026):
 * - AWS: "Amazon EC2 instance types" specifications (docs.aws.amazon.com/ec2/latest/instancetypes).
 * - GCP: "Machine families resource and comparison guide" (cloud.google.com/compute/docs/machine-resource).
 * - Azure: "Sizes for virtual machines in Azure" (learn.microsoft.com/azure/virtual-machines/sizes).
 * - DigitalOcean: Droplet plans (digitalocean.com/pricing/droplets, `doctl compute size list`); with
 *   the droplet's fixed disk, see ./digitalocean.ts.
 */
import { AWS_MACHINES } from "./aws";
import { AZURE_MACHINES } from "./azure";
import { DIGITALOCEAN_DROPLETS, resolveDropletSize } from "./digitalocean";
import { GCP_MACHINES, parseGcpCustomType } from "./gcp";

/** vCPU count and memory of one machine type. */
export interface MachineSize {
    vcpu: number;
    memoryGib: number;
}

/** The clouds that have machine catalogues. */
export type CatalogCloud = "aws" | "gcp" | "azure" | "digitalocean";

/** Extra or overriding entries, keyed by machine type, as given in policy config. */
export type MachineSizeOverrides = Record<string, MachineSize>;

const CATALOGS: Record<CatalogCloud, ReadonlyMap<string, MachineSize>> = {
    aws: AWS_MACHINES,
    gcp: GCP_MACHINES,
    azure: AZURE_MACHINES,
    digitalocean: DIGITALOCEAN_DROPLETS,
};

/**
 * Looks up a machine type: first in `overrides`, then the cloud's catalogue, then (GCP) the custom
 * machine-type grammar (`custom-4-16384`, `n2-custom-8-32768-ext`) or (DigitalOcean) the Premium Intel
 * slugs with their disk (`s-4vcpu-16gb-320gb-intel`). Azure names match case-insensitively.
 * Returns undefined for an unknown type.
 */
export function resolveMachineSize(cloud: CatalogCloud, machineType: string, overrides: MachineSizeOverrides = {}): MachineSize | undefined {
    const own = overrides[machineType];
    if (own) {
        return own;
    }
    const key = cloud === "azure" ? machineType.toLowerCase() : machineType;
    const listed = CATALOGS[cloud].get(key);
    if (listed) {
        return listed;
    }
    return cloud === "gcp" ? parseGcpCustomType(machineType) : cloud === "digitalocean" ? resolveDropletSize(machineType) : undefined;
}

/** How many machine types a cloud's catalogue lists (for docs and tests). */
export function catalogSize(cloud: CatalogCloud): number {
    return CATALOGS[cloud].size;
}

export { AWS_MACHINES, AZURE_MACHINES, DIGITALOCEAN_DROPLETS, GCP_MACHINES, parseGcpCustomType, resolveDropletSize };
export type { DropletSize } from "./digitalocean";
