import { createQemuVmCollector, type QemuVmCollectorOptions } from './qemu-vm-collector.js';
import type { VmProvider } from './vm-provider.js';

/**
 * Options of the QEMU provider: listed QMP sockets (`vms`) and/or a directory of `<vm-id>.qmp`
 * sockets (`vmDir`, `defaultVmDir()` when no `vms` are given), plus the host readers that give
 * vCPU thread CPU (`threads`) and tap counters (`interfaces`).
 */
export type QemuVmProviderOptions = QemuVmCollectorOptions;

/** Every QEMU VM over QMP, as the QEMU collector reads them: one kept-open session per VM. */
export function createQemuVmProvider(options: QemuVmProviderOptions = {}): VmProvider {
  const qemu = createQemuVmCollector(options);
  // Without a caller's signal the reading's own timeouts still bound it.
  const unbounded = () => new AbortController().signal;
  return {
    vmm: 'qemu',
    list: (o = {}) => qemu.collect({ signal: o.signal ?? unbounded() }),
    read: (id, o = {}) => qemu.collectVm(id, o.signal ? { signal: o.signal } : {}),
    close: () => qemu.close(),
  };
}
