import type { VmReading, Vmm } from '@arcbox/perf-core';

export interface VmProviderCallOptions {
  signal?: AbortSignal | undefined;
}

/**
 * Every VM of one VMM kind, found and read by that VMM's own means. `createVmCollector` merges
 * the providers; nothing else needs to know which VMMs exist.
 */
export interface VmProvider {
  readonly vmm: Vmm;
  /**
   * Discovers and reads every VM the provider has, concurrently. A VM it cannot read gives a
   * reading with null fields and a problem; it rejects only when it cannot tell which VMs there
   * are (or on abort).
   */
  list(options?: VmProviderCallOptions): Promise<VmReading[]>;
  /** One VM by the provider's own id; null when it has no such VM (no data is not an error). */
  read(id: string, options?: VmProviderCallOptions): Promise<VmReading | null>;
  /** Releases kept sockets, files and sessions. */
  close(): Promise<void> | void;
}
