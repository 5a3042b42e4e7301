import type { ReadingStamp, SourceProblem, VirtioBlkReading, VmReading } from '@arcbox/perf-core';

/** A reading of a VM that could not be read at all: every field null, the reason in `problems`. */
export function failedReading(
  target: { id: string; name?: string; pid?: number },
  stamp: ReadingStamp,
  hostCpuCount: number,
  why: SourceProblem,
  vmm: VmReading['vmm'] = 'qemu',
): VmReading {
  return {
    ...stamp,
    id: target.id,
    name: target.name ?? target.id,
    vmm,
    pid: target.pid ?? null,
    vcpus: [],
    processCpuSeconds: null,
    hostCpuCount,
    memoryTotal: null,
    memoryAvailable: null,
    memoryUsed: null,
    memoryDiskCaches: null,
    memorySource: null,
    blockDevices: [] as VirtioBlkReading[],
    netDevices: [],
    problems: [why],
  };
}
