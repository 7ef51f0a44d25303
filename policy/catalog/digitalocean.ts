/**
 * DigitalOcean droplet sizes (DOKS worker nodes): vCPU, memory and the droplet's local SSD disk per
 * size slug. On DOKS the disk is not configurable: the size slug fixes it, so the disk-size policy
 * and the config validator read it from here.
 *
 * Figures: DigitalOcean's Droplet plans as published on the Droplet pricing page and returned by
 * `doctl compute size list` (columns VCPUs, Memory, Disk), read 2026. Memory is listed in GB by
 * DigitalOcean and is binary (16 GB = 16384 MiB), so it is recorded as GiB. Slugs match the
 * `DropletSlug` enum of @pulumi/digitalocean 4.80.1. Families whose figures follow a rule are
 * generated from it; the irregular Basic plans are listed one by one. The `-intel` variants of
 * the dedicated-CPU families are not listed (their disks differ per generation); declare one
 * through the machine-size policy's `machineSizes` config if you use it.
 */
import type { MachineSize } from "./index";

/** A droplet size: vCPU, memory and its fixed local SSD disk. */
export interface DropletSize extends MachineSize {
    /** Local SSD disk of the droplet, GB. */
    diskGb: number;
}

/**
 * Dedicated-CPU families: slug `<family>-<n>vcpu-<m>gb` (CPU-Optimized `c-<n>`), memory per vCPU and
 * disk per vCPU as DigitalOcean sizes them (e.g. gd-4vcpu-16gb: 4 vCPU, 16 GiB, 100 GB NVMe SSD).
 */
const FAMILIES: { family: string; memPerVcpu: number; diskPerVcpu: number; vcpus: number[] }[] = [
    { family: "g", memPerVcpu: 4, diskPerVcpu: 12.5, vcpus: [2, 4, 8, 16, 32, 40] }, // General Purpose
    { family: "gd", memPerVcpu: 4, diskPerVcpu: 25, vcpus: [2, 4, 8, 16, 32, 40] }, // General Purpose, premium NVMe
    { family: "c", memPerVcpu: 2, diskPerVcpu: 12.5, vcpus: [2, 4, 8, 16, 32, 48] }, // CPU-Optimized (slug c-<n>)
    { family: "c2", memPerVcpu: 2, diskPerVcpu: 25, vcpus: [2, 4, 8, 16, 32, 48] }, // CPU-Optimized, 2x SSD
    { family: "m", memPerVcpu: 8, diskPerVcpu: 25, vcpus: [2, 4, 8, 16, 24, 32] }, // Memory-Optimized
    { family: "m3", memPerVcpu: 8, diskPerVcpu: 75, vcpus: [2, 4, 8, 16, 24, 32] }, // Memory-Optimized, 3x SSD
    { family: "m6", memPerVcpu: 8, diskPerVcpu: 150, vcpus: [2, 4, 8, 16, 24, 32] }, // Memory-Optimized, 6x SSD
    { family: "so", memPerVcpu: 8, diskPerVcpu: 150, vcpus: [2, 4, 8, 16, 24, 32] }, // Storage-Optimized
    { family: "so1_5", memPerVcpu: 8, diskPerVcpu: 225, vcpus: [2, 4, 8, 16, 24, 32] }, // Storage-Optimized, 1.5x SSD
];

/** Basic (shared-CPU) plans: [slug, vCPU, memory GiB, disk GB]. */
const BASIC: [string, number, number, number][] = [
    ["s-1vcpu-512mb-10gb", 1, 0.5, 10],
    ["s-1vcpu-1gb", 1, 1, 25],
    ["s-1vcpu-2gb", 1, 2, 50],
    ["s-2vcpu-2gb", 2, 2, 60],
    ["s-2vcpu-4gb", 2, 4, 80],
    ["s-4vcpu-8gb", 4, 8, 160],
    ["s-8vcpu-16gb", 8, 16, 320],
    ["s-1vcpu-1gb-amd", 1, 1, 25],
    ["s-1vcpu-2gb-amd", 1, 2, 50],
    ["s-2vcpu-2gb-amd", 2, 2, 60],
    ["s-2vcpu-4gb-amd", 2, 4, 80],
    ["s-2vcpu-8gb-amd", 2, 8, 100],
    ["s-4vcpu-8gb-amd", 4, 8, 160],
    ["s-4vcpu-16gb-amd", 4, 16, 200],
    ["s-8vcpu-16gb-amd", 8, 16, 320],
    ["s-8vcpu-32gb-amd", 8, 32, 400],
];

/** Premium Intel Basic plans carry their disk in the slug: `s-4vcpu-16gb-320gb-intel`. */
const INTEL_WITH_DISK = /^s-(\d+)vcpu-(\d+)gb-(\d+)gb-intel$/;

function build(): Map<string, DropletSize> {
    const out = new Map<string, DropletSize>();
    for (const { family, memPerVcpu, diskPerVcpu, vcpus } of FAMILIES) {
        for (const vcpu of vcpus) {
            const slug = family === "c" ? `c-${vcpu}` : `${family}-${vcpu}vcpu-${vcpu * memPerVcpu}gb`;
            out.set(slug, { vcpu, memoryGib: vcpu * memPerVcpu, diskGb: vcpu * diskPerVcpu });
        }
    }
    for (const [slug, vcpu, memoryGib, diskGb] of BASIC) {
        out.set(slug, { vcpu, memoryGib, diskGb });
    }
    return out;
}

export const DIGITALOCEAN_DROPLETS: ReadonlyMap<string, DropletSize> = build();

/**
 * A droplet size by slug: the catalogue, else the Premium Intel grammar with the disk in the slug
 * (`s-8vcpu-32gb-640gb-intel`). Returns undefined for anything else.
 */
export function resolveDropletSize(slug: string): DropletSize | undefined {
    const listed = DIGITALOCEAN_DROPLETS.get(slug);
    if (listed) {
        return listed;
    }
    const m = INTEL_WITH_DISK.exec(slug);
    return m ? { vcpu: Number(m[1]), memoryGib: Number(m[2]), diskGb: Number(m[3]) } : undefined;
}
