import type { Collector, VmReading } from '@arcbox/perf-core';
import { createLibvirtVmProvider } from './libvirt-vm-provider.js';
import type { Clock } from './qemu-vm-source.js';

export { parseVirshDomstats } from './parse-virsh-domstats.js';

export interface LibvirtCollectorOptions {
  /** libvirt URI (`qemu:///system`); virsh's default otherwise. */
  uri?: string;
  /** The virsh binary. */
  virsh?: string;
  clock?: Clock;
  timeoutMs?: number;
  hostCpuCount?: number;
}

/**
 * Every running libvirt domain as a `vms` collector on its own: the libvirt provider, failing as
 * a whole when virsh does. `createVmCollector` with `createLibvirtVmProvider` merges it with the
 * other VMMs instead.
 */
export function createLibvirtVmCollector(
  options: LibvirtCollectorOptions = {},
): Collector<VmReading[]> {
  const provider = createLibvirtVmProvider({ ...options, timeoutMs: options.timeoutMs ?? 5000 });
  return { name: 'vms', collect: ({ signal }) => provider.list({ signal }) };
}
