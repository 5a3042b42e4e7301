import { intervalSeconds } from './compute-system-metrics.js';
import { counterRate } from './counter-delta.js';
import type { ProcessMetrics } from './process-metrics.js';
import type { ProcessReading } from './process-reading.js';
import { clamp } from './units.js';

/** The series id of a process: pid and start time, so a reused pid starts a new series. */
export function processKey(reading: { pid: number; startTime: number }): string {
  return `${reading.pid}@${reading.startTime}`;
}

/**
 * Turns two readings of one process into metrics: CPU % from cumulative CPU seconds over the
 * monotonic interval (one busy core = 100), bytes/s from the io counters. Rates are null on a
 * first reading, across a reset, or when the previous reading is of another process (same pid,
 * other start time).
 */
export function computeProcessMetrics(
  previous: ProcessReading | null | undefined,
  current: ProcessReading,
): ProcessMetrics {
  const same = previous && previous.pid === current.pid && previous.startTime === current.startTime;
  const seconds = same ? intervalSeconds(previous, current) : null;
  const prev = seconds === null ? null : previous!;
  const cores = Math.max(1, current.hostCpuCount);
  const cpuRate = counterRate(prev?.cpuSeconds, current.cpuSeconds, seconds);
  const cpuPercent = cpuRate === null ? null : clamp(100 * cpuRate, 0, 100 * cores);
  return {
    id: processKey(current),
    name: current.comm,
    labels: {
      pid: String(current.pid),
      comm: current.comm,
      container: current.container ?? '',
      user: current.user ?? '',
    },
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    intervalMs: seconds === null ? null : seconds * 1000,
    pid: current.pid,
    ppid: current.ppid,
    startTime: current.startTime,
    comm: current.comm,
    command: current.command,
    user: current.user,
    uid: current.uid,
    state: current.state,
    container: current.container,
    kernelThread: current.kernelThread,
    cpuPercent,
    cpuPercentOfHost: cpuPercent === null ? null : clamp(cpuPercent / cores, 0, 100),
    cpuSeconds: current.cpuSeconds,
    cpuUserSeconds: current.cpuUserSeconds,
    cpuSystemSeconds: current.cpuSystemSeconds,
    residentBytes: current.residentBytes,
    swapBytes: current.swapBytes,
    threads: current.threads,
    ioReadBytes: current.ioReadBytes,
    ioWriteBytes: current.ioWriteBytes,
    ioReadBps: counterRate(prev?.ioReadBytes, current.ioReadBytes, seconds),
    ioWriteBps: counterRate(prev?.ioWriteBytes, current.ioWriteBytes, seconds),
  };
}
