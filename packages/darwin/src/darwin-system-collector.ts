import * as nodeOs from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type Collector,
  type DiskReading,
  type LoadReading,
  type NetInterfaceReading,
  PerfError,
  type ReadingStamp,
  type SourceProblem,
  type SystemReading,
  throwIfAborted,
} from '@arcbox/perf-core';
import { type CommandRunner, createExecFileRunner, isCommandMissing } from './command-runner.js';
import { type DarwinCommand, darwinCommands } from './darwin-commands.js';
import { type DarwinOs, darwinCpu, type OsCpuTimes } from './darwin-cpu.js';
import { disksFromIoreg, disksFromIostat } from './darwin-disks.js';
import { darwinInterfaces } from './darwin-interfaces.js';
import { darwinMemory } from './darwin-memory.js';
import { type DarwinSysctl, readDarwinSysctl } from './darwin-sysctl.js';
import { parseIoregBlockStorage } from './parse-ioreg.js';
import { parseIostat } from './parse-iostat.js';
import { parseNetstatInterfaces } from './parse-netstat.js';
import { parseSysctl } from './parse-sysctl.js';
import { parseVmStat } from './parse-vm-stat.js';

export type DarwinDiskSource = 'ioreg' | 'iostat';

export interface DarwinSystemCollectorOptions {
  /** Runs vm_stat, sysctl, ioreg/iostat and netstat; default: execFile, no shell. */
  run?: CommandRunner;
  /** `os.cpus()` and `os.loadavg()`; default: node:os. */
  os?: DarwinOs;
  clock?: () => ReadingStamp;
  /** Per command, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** Where disk counters come from at first (default ioreg; iostat takes over if ioreg fails). */
  disks?: DarwinDiskSource;
}

export interface DarwinSystemCollector extends Collector<SystemReading> {
  /** The disk source the next reading uses. */
  readonly diskSource: DarwinDiskSource;
}

export const DEFAULT_DARWIN_COMMAND_TIMEOUT_MS = 2000;

type Outcome = { ok: true; stdout: string } | { ok: false; error: unknown };

/**
 * The macOS host collector ('system', platform 'darwin'). One reading starts at most 4
 * processes, concurrently: vm_stat, sysctl, ioreg (or iostat) and netstat; CPU and load come
 * from node:os without a process. A command that is missing, fails, times out or prints a layout
 * never seen leaves its part of the reading null with an entry in `problems`; the rest reports.
 *
 * Containers and VMs on a Mac come from the Docker Engine API and VMM collectors of their own
 * packages: register them next to this one in a core collector registry.
 */
export function createDarwinSystemCollector(
  options: DarwinSystemCollectorOptions = {},
): DarwinSystemCollector {
  const run = options.run ?? createExecFileRunner();
  const os: DarwinOs = options.os ?? { cpus: () => nodeOs.cpus(), loadavg: () => nodeOs.loadavg() };
  const clock = options.clock ?? (() => ({ monotonicMs: performance.now(), time: Date.now() }));
  const timeoutMs = options.timeoutMs ?? DEFAULT_DARWIN_COMMAND_TIMEOUT_MS;
  let diskSource: DarwinDiskSource = options.disks ?? 'ioreg';

  const exec = async (c: DarwinCommand, signal: AbortSignal): Promise<Outcome> => {
    try {
      const r = await run.run(c.command, c.args, { signal, timeoutMs });
      if (r.exitCode === 0) return { ok: true, stdout: r.stdout };
      // sysctl exits non-zero when one asked name is unknown, yet prints the others.
      if (c.name === 'sysctl' && r.stdout.trim() !== '') return { ok: true, stdout: r.stdout };
      const detail = r.stderr.trim().split('\n')[0] ?? '';
      return {
        ok: false,
        error: new PerfError(
          'COMMAND_FAILED',
          `${c.command} exited with ${r.exitCode}${detail ? `: ${detail}` : ''}`,
        ),
      };
    } catch (error) {
      return { ok: false, error };
    }
  };

  return {
    name: 'system',
    get diskSource() {
      return diskSource;
    },
    async collect({ signal }) {
      throwIfAborted(signal, 'darwin system collector');
      const problems: SourceProblem[] = [];
      const note = (source: string, error: unknown) => {
        const e = PerfError.from(error, 'COLLECTOR_FAILED', `${source} failed`);
        problems.push({ source, message: e.message, code: e.code });
      };

      const stamp = clock();
      const cpus = guard(
        () => os.cpus(),
        [] as OsCpuTimes[],
        (e) => note('os.cpus', e),
      );
      const loadavg = guard(
        () => os.loadavg(),
        [] as number[],
        (e) => note('os.loadavg', e),
      );

      const disksFrom = diskSource;
      const [vmOut, sysctlOut, diskOut, netOut] = await Promise.all([
        exec(darwinCommands.vmStat, signal),
        exec(darwinCommands.sysctl, signal),
        exec(disksFrom === 'ioreg' ? darwinCommands.ioreg : darwinCommands.iostat, signal),
        exec(darwinCommands.netstat, signal),
      ]);
      throwIfAborted(signal, 'darwin system collector');

      let sysctl: DarwinSysctl | null = null;
      if (sysctlOut.ok) {
        sysctl = readDarwinSysctl(parseSysctl(sysctlOut.stdout));
        if (sysctl.missing.length > 0) {
          problems.push({
            source: 'sysctl',
            message: `not reported by this macOS: ${sysctl.missing.join(', ')}`,
          });
        }
      } else note('sysctl', sysctlOut.error);

      let memory: SystemReading['memory'] = null;
      if (!vmOut.ok) note('vm_stat', vmOut.error);
      else if (sysctl === null)
        problems.push({ source: 'memory', message: 'needs hw.memsize from sysctl' });
      else {
        const vm = parseOr(vmOut, parseVmStat, (e) => note('vm_stat', e));
        // Refusals here (no page size, no hw.memsize) name their file and field.
        if (vm)
          memory = guard(
            () => darwinMemory(vm, sysctl),
            null,
            (e) => note('memory', e),
          );
      }

      let disks: DiskReading[] | null = null;
      if (disksFrom === 'ioreg') {
        disks = parseOr(
          diskOut,
          (text) => disksFromIoreg(parseIoregBlockStorage(text)),
          (e) => note('ioreg', e),
        );
        if (disks === null && !isTimeout(diskOut)) {
          diskSource = 'iostat';
          // A command that is not there started no process: iostat can answer in this reading
          // without passing 4 processes. Otherwise iostat takes over from the next reading.
          if (!diskOut.ok && isCommandMissing(diskOut.error)) {
            const fallback = await exec(darwinCommands.iostat, signal);
            disks = parseOr(
              fallback,
              (text) => disksFromIostat(parseIostat(text)),
              (e) => note('iostat', e),
            );
          } else {
            problems.push({
              source: 'disks',
              message: 'ioreg unusable: iostat (totals only, no split) from the next reading',
            });
          }
        }
      } else {
        disks = parseOr(
          diskOut,
          (text) => disksFromIostat(parseIostat(text)),
          (e) => note('iostat', e),
        );
      }

      const interfaces: NetInterfaceReading[] | null = parseOr(
        netOut,
        (text) => darwinInterfaces(parseNetstatInterfaces(text)),
        (e) => note('netstat', e),
      );

      const cpu = darwinCpu(cpus);
      if (cpu === null && problems.every((p) => p.source !== 'os.cpus')) {
        problems.push({ source: 'os.cpus', message: 'os.cpus() reported no CPU' });
      }
      return {
        platform: 'darwin',
        monotonicMs: stamp.monotonicMs,
        time: stamp.time,
        cpuCount: cpus.length > 0 ? cpus.length : (sysctl?.ncpu ?? 0),
        cpu,
        memory,
        disks,
        interfaces,
        load: toLoad(loadavg),
        pressure: sysctl?.pressureLevel
          ? { cpu: null, memory: null, io: null, memoryLevel: sysctl.pressureLevel }
          : null,
        problems,
      };
    },
  };
}

function parseOr<T>(
  outcome: Outcome,
  parse: (text: string) => T,
  fail: (error: unknown) => void,
): T | null {
  if (!outcome.ok) {
    fail(outcome.error);
    return null;
  }
  try {
    return parse(outcome.stdout);
  } catch (error) {
    fail(error);
    return null;
  }
}

function isTimeout(outcome: Outcome): boolean {
  return !outcome.ok && PerfError.isInstance(outcome.error) && outcome.error.code === 'TIMEOUT';
}

function guard<T, F>(read: () => T, fallback: F, fail: (error: unknown) => void): T | F {
  try {
    return read();
  } catch (error) {
    fail(error);
    return fallback;
  }
}

function toLoad(values: readonly number[]): LoadReading | null {
  const [load1, load5, load15] = values;
  if (load1 === undefined || load5 === undefined || load15 === undefined) return null;
  if (![load1, load5, load15].every((v) => Number.isFinite(v) && v >= 0)) return null;
  return { load1, load5, load15 };
}
