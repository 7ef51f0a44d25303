/**
 * Azure VM sizes for the series AKS node pools use. Keys are lower-case: Azure size names are
 * case-insensitive. Figures: "Sizes for virtual machines in Azure" (vCPU, memory GiB).
 */
import type { MachineSize } from "./index";

/** `Standard_<letter><N><suffix>_<version>` series -> GiB per vCPU and the vCPU counts offered. */
const SERIES: { prefix: string; suffixes: string[]; versions: string[]; gibPerVcpu: number; vcpus: number[] }[] = [
    // General purpose D-series v4/v5/v6 (Intel, AMD, with/without local disk).
    { prefix: "d", suffixes: ["s", "as", "ds", "ads", "", "a", "d", "ad"], versions: ["v4", "v5", "v6"], gibPerVcpu: 4, vcpus: [2, 4, 8, 16, 32, 48, 64, 96] },
    // Memory optimised E-series.
    {
        prefix: "e",
        suffixes: ["s", "as", "ds", "ads", "", "a", "d", "ad"],
        versions: ["v4", "v5", "v6"],
        gibPerVcpu: 8,
        vcpus: [2, 4, 8, 16, 20, 32, 48, 64, 96],
    },
    // Compute optimised F-series v2.
    { prefix: "f", suffixes: ["s"], versions: ["v2"], gibPerVcpu: 2, vcpus: [2, 4, 8, 16, 32, 48, 64, 72] },
    // D-series v3 (older, still common).
    { prefix: "d", suffixes: ["s", ""], versions: ["v3"], gibPerVcpu: 4, vcpus: [2, 4, 8, 16, 32, 48, 64] },
];

/** Sizes listed one by one (burstable B-series and DSv2). */
const SINGLE: Record<string, MachineSize> = {
    standard_b2s: { vcpu: 2, memoryGib: 4 },
    standard_b2ms: { vcpu: 2, memoryGib: 8 },
    standard_b4ms: { vcpu: 4, memoryGib: 16 },
    standard_b8ms: { vcpu: 8, memoryGib: 32 },
    standard_b16ms: { vcpu: 16, memoryGib: 64 },
    standard_ds2_v2: { vcpu: 2, memoryGib: 7 },
    standard_ds3_v2: { vcpu: 4, memoryGib: 14 },
    standard_ds4_v2: { vcpu: 8, memoryGib: 28 },
    standard_ds5_v2: { vcpu: 16, memoryGib: 56 },
};

function build(): Map<string, MachineSize> {
    const out = new Map<string, MachineSize>(Object.entries(SINGLE));
    for (const s of SERIES) {
        for (const suffix of s.suffixes) {
            for (const version of s.versions) {
                for (const vcpu of s.vcpus) {
                    out.set(`standard_${s.prefix}${vcpu}${suffix}_${version}`, { vcpu, memoryGib: vcpu * s.gibPerVcpu });
                }
            }
        }
    }
    return out;
}

export const AZURE_MACHINES: ReadonlyMap<string, MachineSize> = build();
