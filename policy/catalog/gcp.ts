/**
 * Compute Engine machine types for the families GKE node pools use, plus the custom-type grammar.
 * Figures: "Machine families resource and comparison guide" (vCPU, memory GB as listed by Google).
 */
import type { MachineSize } from "./index";

/** series -> { class -> GB per vCPU } and the vCPU counts offered. */
const SERIES: Record<string, { classes: Record<string, number>; vcpus: number[] }> = {
    e2: { classes: { standard: 4, highmem: 8, highcpu: 1 }, vcpus: [2, 4, 8, 16, 32] },
    n2: { classes: { standard: 4, highmem: 8, highcpu: 1 }, vcpus: [2, 4, 8, 16, 32, 48, 64, 80, 96, 128] },
    n2d: { classes: { standard: 4, highmem: 8, highcpu: 1 }, vcpus: [2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 224] },
    n4: { classes: { standard: 4, highmem: 8, highcpu: 2 }, vcpus: [2, 4, 8, 16, 32, 48, 64, 80] },
    c3: { classes: { standard: 4, highmem: 8, highcpu: 2 }, vcpus: [4, 8, 22, 44, 88, 176] },
    c3d: { classes: { standard: 4, highmem: 8, highcpu: 2 }, vcpus: [4, 8, 16, 30, 60, 90, 180, 360] },
    c4: { classes: { standard: 3.75, highmem: 7.75, highcpu: 2 }, vcpus: [2, 4, 8, 16, 32, 48, 96, 192] },
    t2d: { classes: { standard: 4 }, vcpus: [1, 2, 4, 8, 16, 32, 48, 60] },
    n1: { classes: { standard: 3.75, highmem: 6.5, highcpu: 0.9 }, vcpus: [1, 2, 4, 8, 16, 32, 64, 96] },
};

/** Shared-core types, listed one by one. */
const SHARED_CORE: Record<string, MachineSize> = {
    "e2-micro": { vcpu: 2, memoryGib: 1 },
    "e2-small": { vcpu: 2, memoryGib: 2 },
    "e2-medium": { vcpu: 2, memoryGib: 4 },
    "f1-micro": { vcpu: 1, memoryGib: 0.6 },
    "g1-small": { vcpu: 1, memoryGib: 1.7 },
};

function build(): Map<string, MachineSize> {
    const out = new Map<string, MachineSize>(Object.entries(SHARED_CORE));
    for (const [series, { classes, vcpus }] of Object.entries(SERIES)) {
        for (const [cls, gbPerVcpu] of Object.entries(classes)) {
            for (const vcpu of vcpus) {
                out.set(`${series}-${cls}-${vcpu}`, { vcpu, memoryGib: Math.round(vcpu * gbPerVcpu * 100) / 100 });
            }
        }
    }
    return out;
}

export const GCP_MACHINES: ReadonlyMap<string, MachineSize> = build();

const CUSTOM = /^(?:([a-z0-9]+)-)?custom-(\d+)-(\d+)(?:-ext)?$/;

/**
 * Parses a custom machine type: `custom-<vCPU>-<memory MB>` (N1), or `<series>-custom-<vCPU>-<MB>`,
 * optionally with `-ext` (extended memory). Returns undefined for anything else.
 */
export function parseGcpCustomType(machineType: string): MachineSize | undefined {
    const m = CUSTOM.exec(machineType);
    if (!m) {
        return undefined;
    }
    const vcpu = Number(m[2]);
    const memoryMb = Number(m[3]);
    if (vcpu <= 0 || memoryMb <= 0) {
        return undefined;
    }
    return { vcpu, memoryGib: memoryMb / 1024 };
}
