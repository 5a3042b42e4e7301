import { performance } from 'node:perf_hooks';
import {
  type Collector,
  emptyGpuReading,
  type GpuReading,
  PerfError,
  type ReadingStamp,
  throwIfAborted,
} from '@arcbox/perf-core';
import { type CommandRunner, createExecFileRunner } from '../command-runner.js';
import { DEFAULT_DARWIN_COMMAND_TIMEOUT_MS } from '../darwin-system-collector.js';
import { MAX_IOREG_ACCELERATOR_CHARS, parseIoregAccelerators } from './parse-ioreg-accelerator.js';

/** The one command of a GPU round: the accelerators' own properties, one level, no wrapping. */
export const IOREG_ACCELERATOR_ARGS = ['-r', '-d', '1', '-w', '0', '-c', 'IOAccelerator'] as const;

export interface DarwinGpuCollectorOptions {
  /** Runs `ioreg`; default: execFile (no shell) with a 1 MiB output bound. */
  run?: CommandRunner;
  clock?: () => ReadingStamp;
  /** The `ioreg` command's timeout, ms (default 2000). */
  timeoutMs?: number;
}

/**
 * Apple Silicon GPUs ('gpus') without root: ONE `ioreg -r -d 1 -w 0 -c IOAccelerator` per round
 * (argument array, timeout, AbortSignal) for `PerformanceStatistics`: device, renderer and tiler
 * utilisation %, in-use and allocated system memory (unified memory: no total of its own, no
 * power, temperature or per-process figures without root). A Mac whose answer holds no Apple GPU
 * (an Intel Mac, a VM) gives none, and no further process is started for it.
 */
export function createDarwinGpuCollector(
  options: DarwinGpuCollectorOptions = {},
): Collector<GpuReading[]> {
  const run = options.run ?? createExecFileRunner({ maxBuffer: MAX_IOREG_ACCELERATOR_CHARS });
  const clock = options.clock ?? (() => ({ monotonicMs: performance.now(), time: Date.now() }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_DARWIN_COMMAND_TIMEOUT_MS;
  let noAppleGpu = false;
  return {
    name: 'gpus',
    async collect({ signal }) {
      throwIfAborted(signal, 'darwin GPU collector');
      if (noAppleGpu) return [];
      const out = await run.run('ioreg', IOREG_ACCELERATOR_ARGS, { signal, timeoutMs });
      throwIfAborted(signal, 'darwin GPU collector');
      if (out.exitCode !== 0) {
        const detail = out.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
        throw new PerfError(
          'COMMAND_FAILED',
          `ioreg exited with ${out.exitCode}${detail ? `: ${detail}` : ''}`,
        );
      }
      const stamp = clock();
      const found = parseIoregAccelerators(out.stdout);
      if (found.length === 0) noAppleGpu = true;
      return found.map((a, index) =>
        emptyGpuReading({
          ...stamp,
          // The registry id changes across boots; the position does not on a Mac's one GPU.
          id: `apple-gpu-${index}`,
          vendor: 'apple',
          index,
          name: a.model ?? a.className,
          utilizationPercent: a.deviceUtilizationPercent,
          rendererPercent: a.rendererUtilizationPercent,
          tilerPercent: a.tilerUtilizationPercent,
          memoryUsedBytes: a.inUseSystemMemoryBytes,
          memoryAllocatedBytes: a.allocSystemMemoryBytes,
        }),
      );
    },
  };
}
