import type {
  CollectOptions,
  Collector,
  ContainerReading,
  SystemReading,
  VmReading,
} from '@arcbox/perf-core';

/** The containers collector, with the one-container helper the cgroup collector has. */
export interface ContainerCollector extends Collector<ContainerReading[]> {
  collectContainer?(
    id: string,
    options: CollectOptions & { name?: string },
  ): Promise<ContainerReading | null>;
}

/** The VMs collector, with a one-VM helper: null when no source has that VM. */
export interface VmCollector extends Collector<VmReading[]> {
  collectVm?(id: string, options?: Partial<CollectOptions>): Promise<VmReading | null>;
}

/**
 * What a monitor reads from, by each kind's sample key: the host, and optionally its
 * containers, VMs, filesystems and any other registered kind.
 */
export interface MonitorCollectors {
  system: Collector<SystemReading>;
  containers?: ContainerCollector;
  vms?: VmCollector;
  [sampleKey: string]: Collector<unknown> | undefined;
}
