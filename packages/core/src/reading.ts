import type { PerfErrorCode } from './perf-error.js';

export type Platform = 'linux' | 'darwin';

/** When a reading was taken: a monotonic clock for rates, wall-clock time for display and storage. */
export interface ReadingStamp {
  /** `performance.now()` (or another monotonic clock) in milliseconds. */
  monotonicMs: number;
  /** Wall-clock time, milliseconds since the Unix epoch. */
  time: number;
}

/** A part of a reading that could not be had, and why. The rest of the reading still stands. */
export interface SourceProblem {
  /** What was missing or failed: a file (`proc/pressure/io`), a command (`vm_stat`), a term. */
  source: string;
  message: string;
  code?: PerfErrorCode;
}

/** Raw counters of one network interface; directions are the interface's own. */
export interface NetInterfaceReading {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number | null;
  rxDropped: number | null;
  txBytes: number;
  txPackets: number;
  txErrors: number | null;
  txDropped: number | null;
  loopback: boolean;
  /** A software interface (veth, bridge, tun/tap, docker0, utun...). */
  virtual: boolean;
  /** Whether the system total includes it: physical, non-loopback interfaces only. */
  countedInTotal: boolean;
  /** Width of the source counters: 32-bit ones may wrap. */
  counterBits: 32 | 64;
}
