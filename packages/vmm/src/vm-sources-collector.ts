import type { Collector, VmReading } from '@arcbox/perf-core';
import type { VmSource } from './vm-source.js';

/** A `vms` collector over fixed sources (Cloud Hypervisor, Firecracker, QEMU), read concurrently. */
export function createVmSourcesCollector(
  sources: VmSource[],
): Collector<VmReading[]> & { close(): void } {
  return {
    name: 'vms',
    collect: ({ signal }) => Promise.all(sources.map((s) => s.read({ signal }))),
    close() {
      for (const s of sources) s.close();
    },
  };
}
