import type { VmReading } from '@arcbox/perf-core';

/** One VM, read on demand. A VM that cannot be read gives a reading with null fields and a problem. */
export interface VmSource {
  readonly id: string;
  read(options?: { signal?: AbortSignal }): Promise<VmReading>;
  close(): void;
}
