import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type Collector,
  PerfError,
  type ProcessReading,
  type ReadingStamp,
  throwIfAborted,
} from '@arcbox/perf-core';
import { type CommandRunner, createExecFileRunner } from '../command-runner.js';
import { DEFAULT_DARWIN_COMMAND_TIMEOUT_MS } from '../darwin-system-collector.js';
import { darwinPsArgs, parsePs } from './parse-ps.js';

export interface DarwinProcessCollectorOptions {
  /** Runs `ps`; default: execFile, no shell. */
  run?: CommandRunner;
  clock?: () => ReadingStamp;
  /** The `ps` command's timeout, ms (default 2000). */
  timeoutMs?: number;
  hostCpuCount?: number;
  /** Most processes kept per round (the lowest pids); 10,000 by default. */
  maxProcesses?: number;
}

/**
 * The macOS processes collector ('processes'): ONE `ps` per round (argument array, fixed `-o`
 * columns with cumulative CPU `time` and `utime`, so CPU % and its user/system split come from
 * core like every counter). I/O bytes, swap and thread count are null, never 0: macOS keeps
 * them in `proc_pid_rusage` / `proc_pidinfo`, which only native code can call, and `ps` has no
 * column for them (its `inblk`/`oublk` are the rusage of exited children, `nswap` is always 0).
 * Containers run inside a Linux VM on macOS, whose processes the host does not see: every
 * process is the host's (`container` null).
 */
export function createDarwinProcessCollector(
  options: DarwinProcessCollectorOptions = {},
): Collector<ProcessReading[]> {
  const run = options.run ?? createExecFileRunner({ maxBuffer: 32 * 1024 * 1024 });
  const clock = options.clock ?? (() => ({ monotonicMs: performance.now(), time: Date.now() }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_DARWIN_COMMAND_TIMEOUT_MS;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const maxProcesses = options.maxProcesses ?? 10_000;
  return {
    name: 'processes',
    async collect({ signal }) {
      throwIfAborted(signal, 'darwin process collector');
      const out = await run.run('ps', darwinPsArgs, { signal, timeoutMs });
      throwIfAborted(signal, 'darwin process collector');
      if (out.exitCode !== 0) {
        const detail = out.stderr.trim().split('\n')[0] ?? '';
        throw new PerfError(
          'COMMAND_FAILED',
          `ps exited with ${out.exitCode}${detail ? `: ${detail}` : ''}`,
        );
      }
      const stamp = clock();
      const rows = parsePs(out.stdout).sort((a, b) => a.pid - b.pid);
      if (rows.length > maxProcesses) rows.length = maxProcesses;
      return rows.map(
        (r): ProcessReading => ({
          pid: r.pid,
          ppid: r.ppid,
          startTime: r.startTime,
          comm: r.comm.slice(r.comm.lastIndexOf('/') + 1) || r.comm,
          command: r.comm,
          uid: r.uid,
          user: r.user,
          state: r.state,
          threads: null,
          cpuUserSeconds: r.cpuUserSeconds,
          cpuSystemSeconds: r.cpuUserSeconds === null ? null : r.cpuSeconds - r.cpuUserSeconds,
          cpuSeconds: r.cpuSeconds,
          residentBytes: r.residentBytes,
          swapBytes: null,
          ioReadBytes: null,
          ioWriteBytes: null,
          container: null,
          kernelThread: false,
          hostCpuCount,
          monotonicMs: stamp.monotonicMs,
          time: stamp.time,
        }),
      );
    },
  };
}
