import { expectArray, isObject, numberOrNull } from './qmp-values.js';

export interface QemuVcpu {
  index: number;
  /** Host thread id running the vCPU; null when QEMU does not say. */
  threadId: number | null;
}

/** `query-cpus-fast` -> vCPU index and host thread id; entries without a `cpu-index` are skipped. */
export function parseCpusFast(value: unknown): QemuVcpu[] {
  const cpus: QemuVcpu[] = [];
  for (const entry of expectArray(value, 'query-cpus-fast')) {
    if (!isObject(entry)) continue;
    const index = numberOrNull(entry['cpu-index']);
    if (index === null) continue;
    cpus.push({ index, threadId: numberOrNull(entry['thread-id']) });
  }
  return cpus.sort((a, b) => a.index - b.index);
}
