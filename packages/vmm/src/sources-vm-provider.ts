import { setMaxListeners } from 'node:events';
import type { VmReading, Vmm } from '@arcbox/perf-core';
import type { VmProvider } from './vm-provider.js';
import type { VmSource } from './vm-source.js';

export interface SourcesVmProviderOptions<T extends { id: string }> {
  vmm: Vmm;
  /** VMs given by configuration; they win over discovered ones with the same id. */
  configured: readonly T[];
  /** Finds VMs at every listing; null when the provider only has configured ones. */
  discover: (() => Promise<T[]>) | null;
  createSource(target: T): VmSource;
  /** Whether a kept source still serves this target (same sockets); it is replaced otherwise. */
  sameTarget(kept: T, found: T): boolean;
}

/**
 * A provider over single-VM sources (Cloud Hypervisor, Firecracker): the configured and discovered
 * VMs, one kept source each, read concurrently. A VM whose socket went away is dropped and its
 * source closed. Discovery failing leaves the configured VMs; with none, the listing fails.
 */
export function createSourcesVmProvider<T extends { id: string }>(
  options: SourcesVmProviderOptions<T>,
): VmProvider {
  const sources = new Map<string, { target: T; source: VmSource }>();

  const refresh = async (): Promise<T[]> => {
    let found: T[] = [];
    if (options.discover) {
      try {
        found = await options.discover();
      } catch (error) {
        if (options.configured.length === 0) throw error;
      }
    }
    const byId = new Map<string, T>();
    for (const t of [...found, ...options.configured]) byId.set(t.id, t);
    for (const [id, entry] of sources) {
      const next = byId.get(id);
      if (!next || !options.sameTarget(entry.target, next)) {
        entry.source.close();
        sources.delete(id);
      }
    }
    for (const [id, target] of byId)
      if (!sources.has(id)) sources.set(id, { target, source: options.createSource(target) });
    return [...byId.values()];
  };

  const readOne = (id: string, signal: AbortSignal | undefined): Promise<VmReading> | null => {
    const entry = sources.get(id);
    return entry ? entry.source.read(signal ? { signal } : {}) : null;
  };

  return {
    vmm: options.vmm,
    async list({ signal } = {}) {
      const targets = await refresh();
      // Every VM read listens on the caller's signal at once: lift the listener warning past 10 VMs.
      if (signal) setMaxListeners(Math.max(10, targets.length + 10), signal);
      return Promise.all(targets.flatMap((t) => readOne(t.id, signal) ?? []));
    },
    async read(id, { signal } = {}) {
      await refresh();
      return readOne(id, signal);
    },
    close() {
      for (const entry of sources.values()) entry.source.close();
      sources.clear();
    },
  };
}
