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

/** The VMs collector, with the one-VM helper the QEMU collector has. */
export interface VmCollector extends Collector<VmReading[]> {
  collectVm?(id: string, options?: Partial<CollectOptions>): Promise<VmReading>;
}

/** What a monitor reads from: a host, and optionally its containers and VMs. */
export interface MonitorCollectors {
  system: Collector<SystemReading>;
  containers?: ContainerCollector;
  vms?: VmCollector;
}
