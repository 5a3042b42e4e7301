import type { ReadingStamp } from './reading.js';

/**
 * One process as its platform's reader saw it (see SEMANTICS.md, Processes): counters and gauges,
 * no rates. pid + start time is its identity, so a pid reused by a new process is a new series.
 */
export interface ProcessReading extends ReadingStamp {
  pid: number;
  /** Parent pid; null where the source does not say. */
  ppid: number | null;
  /**
   * When the process started, in the source's own unit: clock ticks since boot on Linux (`stat`
   * field 22), seconds since the epoch on macOS (`lstart`). Only compared for identity.
   */
  startTime: number;
  /** Command name (`comm`): at most 15 bytes on Linux, as the kernel keeps it. */
  comm: string;
  /** Command line, arguments joined by spaces, cut at the reader's byte bound; null when empty. */
  command: string | null;
  /** Real uid; null where unknown. */
  uid: number | null;
  /** User name of the uid (from the root's /etc/passwd); null where not known. */
  user: string | null;
  /** One-letter state (`R`, `S`, `D`, `Z`...); null where not given. */
  state: string | null;
  threads: number | null;
  /** Cumulative user CPU time, seconds (null where only the total is given). */
  cpuUserSeconds: number | null;
  /** Cumulative system CPU time, seconds. */
  cpuSystemSeconds: number | null;
  /** Cumulative CPU time (user + system), seconds. */
  cpuSeconds: number | null;
  /** Resident memory, bytes. */
  residentBytes: number | null;
  /** Swapped-out memory, bytes; null where not given. */
  swapBytes: number | null;
  /** Bytes this process caused to be read from storage; null when `io` cannot be read, never 0. */
  ioReadBytes: number | null;
  /** Bytes this process caused to be written to storage; null when unreadable. */
  ioWriteBytes: number | null;
  /** Id of the container it runs in (the container collector's id); null = the host. */
  container: string | null;
  /** A kernel thread (Linux: no command line, parent kthreadd), listed apart from users' processes. */
  kernelThread: boolean;
  /** Online CPUs of the host, for `cpuPercentOfHost`. */
  hostCpuCount: number;
}
