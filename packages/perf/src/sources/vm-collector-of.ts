import { existsSync } from 'node:fs';
import type { ReadingStamp } from '@arcbox/perf-core';
import type { VmProvider } from '@arcbox/perf-vmm';
import type { SourcesConfig } from '../config/sources-config.js';
import type { VmCollector } from '../monitor-collectors.js';

/** The one VM collector over the providers, with the budgets the live composition gives it. */
export function vmCollectorOf(
  vmm: typeof import('@arcbox/perf-vmm'),
  providers: VmProvider[],
  options: {
    timeoutMs: number;
    clock?: () => ReadingStamp;
    hostCpuCount?: number;
    /** Releases what the providers read through (a file reader). */
    onClose?: () => void | Promise<void>;
  },
): VmCollector {
  const merged = vmm.createVmCollector({
    providers,
    providerTimeoutMs: Math.max(100, options.timeoutMs - 50),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.hostCpuCount === undefined ? {} : { hostCpuCount: options.hostCpuCount }),
  });
  return {
    name: 'vms',
    collect: (o) => merged.collect(o),
    collectVm: (id, o) => merged.collectVm(id, o),
    close: async () => {
      await merged.close();
      await options.onClose?.();
    },
  };
}

/** The notes the live composition gives for a VM socket folder that is not there. */
export function missingSocketDirNotes(config: SourcesConfig): string[] {
  const notes: string[] = [];
  for (const [name, s] of [
    ['qemu', config.vms.qemu],
    ['cloudHypervisor', config.vms.cloudHypervisor],
    ['firecracker', config.vms.firecracker],
  ] as const) {
    if (s.enabled && s.socketDir && !existsSync(s.socketDir))
      notes.push(`vms.${name}: ${s.socketDir} does not exist (yet): no VMs there`);
  }
  return notes;
}
