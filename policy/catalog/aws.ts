/**
 * EC2 instance sizes for the families a platform team runs Kubernetes nodes on.
 * Figures: "Amazon EC2 instance types" specifications (vCPU, memory GiB).
 */
import type { MachineSize } from "./index";

/** Size suffix -> vCPU for the regular families (large = 2 vCPU ... 24xlarge = 96). */
const SIZE_VCPU: Record<string, number> = {
    large: 2,
    xlarge: 4,
    "2xlarge": 8,
    "4xlarge": 16,
    "8xlarge": 32,
    "12xlarge": 48,
    "16xlarge": 64,
    "24xlarge": 96,
};

/** Family -> GiB of memory per vCPU (general purpose 4, compute 2, memory 8). */
const FAMILIES: Record<string, number> = {
    m5: 4,
    m5a: 4,
    m5n: 4,
    m6i: 4,
    m6a: 4,
    m6g: 4,
    m6in: 4,
    m7i: 4,
    m7a: 4,
    m7g: 4,
    m8g: 4,
    m8i: 4,
    c5: 2,
    c5a: 2,
    c6i: 2,
    c6a: 2,
    c6g: 2,
    c7i: 2,
    c7a: 2,
    c7g: 2,
    c8g: 2,
    r5: 8,
    r5a: 8,
    r6i: 8,
    r6a: 8,
    r6g: 8,
    r7i: 8,
    r7a: 8,
    r7g: 8,
    r8g: 8,
};

/** Burstable types, listed one by one (their memory does not follow a ratio). */
const BURSTABLE: Record<string, MachineSize> = {
    "t3.micro": { vcpu: 2, memoryGib: 1 },
    "t3.small": { vcpu: 2, memoryGib: 2 },
    "t3.medium": { vcpu: 2, memoryGib: 4 },
    "t3.large": { vcpu: 2, memoryGib: 8 },
    "t3.xlarge": { vcpu: 4, memoryGib: 16 },
    "t3.2xlarge": { vcpu: 8, memoryGib: 32 },
    "t3a.medium": { vcpu: 2, memoryGib: 4 },
    "t3a.large": { vcpu: 2, memoryGib: 8 },
    "t3a.xlarge": { vcpu: 4, memoryGib: 16 },
    "t3a.2xlarge": { vcpu: 8, memoryGib: 32 },
    "t4g.medium": { vcpu: 2, memoryGib: 4 },
    "t4g.large": { vcpu: 2, memoryGib: 8 },
    "t4g.xlarge": { vcpu: 4, memoryGib: 16 },
    "t4g.2xlarge": { vcpu: 8, memoryGib: 32 },
};

function build(): Map<string, MachineSize> {
    const out = new Map<string, MachineSize>(Object.entries(BURSTABLE));
    for (const [family, gibPerVcpu] of Object.entries(FAMILIES)) {
        for (const [size, vcpu] of Object.entries(SIZE_VCPU)) {
            out.set(`${family}.${size}`, { vcpu, memoryGib: vcpu * gibPerVcpu });
        }
    }
    return out;
}

export const AWS_MACHINES: ReadonlyMap<string, MachineSize> = build();
