/** One process: identity, gauges, cumulative counters and the rates core computed from them. */
export interface ProcessMetrics {
  /** `<pid>@<start time>`: a reused pid is a new series. */
  id: string;
  /** The command name (what an alert rule's `name` matches: `name: java`). */
  name: string;
  /** `pid`, `comm`, `container` (empty for the host) and `user` (empty when unknown). */
  labels: Record<string, string>;
  timestamp: number;
  monotonicMs: number;
  /** Interval the rates cover, ms; null on a process's first reading. */
  intervalMs: number | null;

  pid: number;
  ppid: number | null;
  startTime: number;
  comm: string;
  command: string | null;
  user: string | null;
  uid: number | null;
  state: string | null;
  container: string | null;
  kernelThread: boolean;

  /** CPU busy, 100 = one core (as top shows it); null on the first reading. */
  cpuPercent: number | null;
  /** CPU busy as a share of all online CPUs, 0..100. */
  cpuPercentOfHost: number | null;
  cpuSeconds: number | null;
  cpuUserSeconds: number | null;
  cpuSystemSeconds: number | null;
  residentBytes: number | null;
  swapBytes: number | null;
  threads: number | null;
  ioReadBytes: number | null;
  ioWriteBytes: number | null;
  ioReadBps: number | null;
  ioWriteBps: number | null;
}
