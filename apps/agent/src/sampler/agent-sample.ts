import type {
  CollectorStatus,
  ContainerMetrics,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';

/** One sampling round: the metrics of every source that answered, and each collector's status. */
export interface AgentSample {
  /** Wall-clock time the round started, ms since the epoch. */
  time: number;
  system: SystemMetrics | null;
  containers: ContainerMetrics[];
  vms: VmMetrics[];
  collectors: CollectorStatus[];
}
