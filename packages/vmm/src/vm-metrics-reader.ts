import {
  type CollectOptions,
  computeVmMetrics,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import type { QemuVmCollector } from './qemu-vm-collector.js';

export interface VmMetricsReader {
  /** Metrics of every VM; rates are null on a VM's first reading. */
  collectVms(options?: Partial<CollectOptions>): Promise<VmMetrics[]>;
  /** One VM's metrics; null when there is no such VM. */
  collectVm(id: string, options?: Partial<CollectOptions>): Promise<VmMetrics | null>;
  close(): void;
}

/** The seed's `collectVm(id)` / `collectVms()`: keeps each VM's previous reading and lets core compute rates. */
export function createVmMetricsReader(collector: QemuVmCollector): VmMetricsReader {
  const previous = new Map<string, VmReading>();
  const metrics = (reading: VmReading): VmMetrics => {
    const result = computeVmMetrics(previous.get(reading.id), reading);
    previous.set(reading.id, reading);
    return result;
  };
  return {
    async collectVms(options = {}) {
      const readings = await collector.collect({
        signal: options.signal ?? new AbortController().signal,
      });
      const seen = new Set(readings.map((r) => r.id));
      for (const id of previous.keys()) if (!seen.has(id)) previous.delete(id);
      return readings.map(metrics);
    },
    async collectVm(id, options = {}) {
      const reading = await collector.collectVm(id, options);
      return reading === null ? null : metrics(reading);
    },
    close: () => collector.close(),
  };
}
