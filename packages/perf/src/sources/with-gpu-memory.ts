import type { ContainerReading } from '@arcbox/perf-core';
import type { ContainerCollector } from '../monitor-collectors.js';

/**
 * The containers collector with each reading's `gpuMemoryBytes` filled from a GPU source's
 * latest per-container figures (0 for a container holding none once the source has answered;
 * null before). The container collector itself knows nothing of GPUs.
 */
export function withGpuMemory(
  containers: ContainerCollector,
  memoryByContainer: () => Map<string, number> | null,
): ContainerCollector {
  const fill = (r: ContainerReading): ContainerReading => {
    const byId = memoryByContainer();
    return { ...r, gpuMemoryBytes: byId === null ? null : (byId.get(r.id) ?? 0) };
  };
  const wrapped: ContainerCollector = {
    name: containers.name,
    collect: async (options) => (await containers.collect(options)).map(fill),
    close: () => containers.close?.(),
  };
  const one = containers.collectContainer;
  if (one) {
    wrapped.collectContainer = async (id, options) => {
      const r = await one.call(containers, id, options);
      return r === null ? null : fill(r);
    };
  }
  return wrapped;
}
