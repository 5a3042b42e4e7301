import type { SourceProblem } from '@arcbox/perf-core';
import { countField } from './count-field.js';
import { expectArray, isObject } from './qmp-values.js';

export interface QemuVcpu {
  index: number;
  /** Host thread id running the vCPU; null when QEMU does not say. */
  threadId: number | null;
}

const SOURCE = 'qmp query-cpus-fast';

/**
 * `query-cpus-fast` -> vCPU index and host thread id; entries without a `cpu-index` are skipped.
 * A `cpu-index` or `thread-id` that is not a non-negative integer is a problem: the entry is
 * skipped, or its thread id is null.
 */
export function parseCpusFast(value: unknown, problems?: SourceProblem[]): QemuVcpu[] {
  const cpus: QemuVcpu[] = [];
  for (const entry of expectArray(value, 'query-cpus-fast')) {
    if (!isObject(entry)) continue;
    const index = countField(entry['cpu-index'], { source: SOURCE, field: 'cpu-index' }, problems);
    if (index === null) continue;
    cpus.push({
      index,
      threadId: countField(
        entry['thread-id'],
        { source: SOURCE, field: `cpu ${index} thread-id` },
        problems,
      ),
    });
  }
  return cpus.sort((a, b) => a.index - b.index);
}
