import type { CollectorStatus, KindValues } from '@arcbox/perf-core';

/** One sampling round: every registered kind's metrics, and each collector's status. */
export interface AgentSample {
  /** Wall-clock time the round started, ms since the epoch. */
  time: number;
  /** Each kind's metrics under its sample key (`system`, `containers`, `vms`, `filesystems`...). */
  values: KindValues;
  collectors: CollectorStatus[];
}
