import type { ProcessReading } from './process-reading.js';

/** A process reading for tests, with `over` replacing fields. */
export function processReading(over: Partial<ProcessReading> = {}): ProcessReading {
  return {
    pid: 100,
    ppid: 1,
    startTime: 5000,
    comm: 'java',
    command: 'java -jar app.jar',
    uid: 1000,
    user: 'app',
    state: 'R',
    threads: 12,
    cpuUserSeconds: 8,
    cpuSystemSeconds: 2,
    cpuSeconds: 10,
    residentBytes: 256 * 2 ** 20,
    swapBytes: 0,
    ioReadBytes: 1000,
    ioWriteBytes: 2000,
    container: null,
    kernelThread: false,
    hostCpuCount: 4,
    monotonicMs: 1000,
    time: 1_700_000_000_000,
    ...over,
  };
}
