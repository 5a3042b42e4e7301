import type { VmProvider } from '@arcbox/perf-vmm';

/**
 * A VM provider made afresh for every reading. Cloud Hypervisor and Firecracker sources learn a
 * few things once (configured memory, the VMM pid) and Firecracker sums its metrics file from
 * where it last stopped: a provider per reading asks and reads everything in every reading, so
 * each reading folder holds all it needs and a recording replays with the same code either way.
 */
export function perReadingProvider(vmm: VmProvider['vmm'], make: () => VmProvider): VmProvider {
  const once = async <T>(use: (provider: VmProvider) => Promise<T>): Promise<T> => {
    const provider = make();
    try {
      return await use(provider);
    } finally {
      await provider.close();
    }
  };
  return {
    vmm,
    list: (options) => once((p) => p.list(options)),
    read: (id, options) => once((p) => p.read(id, options)),
    close() {},
  };
}
