import {
  PerfError,
  type ReadingStamp,
  type VmReading,
  type Vmm,
  withTimeout,
} from '@arcbox/perf-core';
import { failedReading } from './failed-reading.js';

export interface GuardedReadOptions {
  target: { id: string; name?: string; pid?: number };
  vmm: Vmm;
  /** Names the failing source in the problem (`qmp`, `cloud-hypervisor api`, ...). */
  source: string;
  timeoutMs: number;
  clock: () => ReadingStamp;
  hostCpuCount: number;
  signal?: AbortSignal | undefined;
  /** Runs when the reading failed, before the failed reading is made (drop a broken session). */
  onFailure?: () => void;
}

/**
 * Runs one VM's reading under its time budget. A failure becomes a reading with null fields and
 * the reason as a problem, so one broken VM never fails or stalls the others; only the caller's
 * own abort is thrown.
 */
export async function guardedRead(
  read: (signal: AbortSignal) => Promise<VmReading>,
  options: GuardedReadOptions,
): Promise<VmReading> {
  const { target } = options;
  try {
    return await withTimeout(read, options.timeoutMs, `VM ${target.id}`, options.signal);
  } catch (error) {
    options.onFailure?.();
    if (options.signal?.aborted) throw PerfError.from(error, 'ABORTED', `VM ${target.id}`);
    const e = PerfError.from(error, 'COLLECTOR_FAILED', options.source);
    return failedReading(
      target,
      options.clock(),
      options.hostCpuCount,
      {
        source: options.source,
        message: e.message,
        code: e.code,
      },
      options.vmm,
    );
  }
}
