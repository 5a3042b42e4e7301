import { type CoreTimes, type CpuTimes, cpuTimeModes, PerfError } from '@arcbox/perf-core';
import { lineEnd, scanCounters, skipToken } from './parse-number.js';

/** Linux's USER_HZ: /proc/stat counts in 1/100 s on every architecture userspace sees. */
export const USER_HZ = 100;

export interface ProcStat {
  /** The aggregate `cpu` line. */
  total: CpuTimes;
  /** One entry per `cpuN` line (online CPUs), by kernel CPU id, in file order. */
  cores: CoreTimes[];
}

export interface ParseProcStatOptions {
  /** Ticks per second of the columns; USER_HZ (100) unless the kernel was built otherwise. */
  clockTicks?: number;
  /** Path named in errors. */
  file?: string;
}

/**
 * Parses the `cpu` and `cpuN` lines of /proc/stat into seconds. Kernels before 2.6.11 have 7
 * columns (no steal), before 2.6.24 8 (no guest), before 2.6.33 9 (no guest_nice): absent
 * columns are 0. A `cpuN` line that cannot be read is skipped, as is a repeated id (the first
 * wins); without a readable aggregate line the input is unreadable.
 */
export function parseProcStat(text: string, options: ParseProcStatOptions = {}): ProcStat {
  const file = options.file ?? 'proc/stat';
  const ticks = options.clockTicks ?? USER_HZ;
  if (!(ticks > 0) || !Number.isFinite(ticks)) {
    throw new PerfError('INVALID_ARGUMENT', `clockTicks must be a positive number, got ${ticks}`);
  }
  let total: CpuTimes | null = null;
  let totalLine: number | null = null;
  const cores: CoreTimes[] = [];
  const seen = new Set<number>();
  const values: number[] = [];
  let lineNo = 0;
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    lineNo += 1;
    if (text.startsWith('cpu', i)) {
      const keyEnd = skipToken(text, i, end);
      const n = scanCounters(text, keyEnd, end, values, cpuTimeModes.length);
      const times = n >= 4 ? toTimes(values, n, ticks) : null;
      if (keyEnd === i + 3) {
        if (totalLine === null) {
          totalLine = lineNo;
          if (!times) {
            throw new PerfError('PARSE_ERROR', 'unreadable aggregate cpu line', {
              file,
              line: lineNo,
            });
          }
          total = times;
        }
      } else if (times) {
        const id = cpuId(text, i + 3, keyEnd);
        if (id !== null && !seen.has(id)) {
          seen.add(id);
          cores.push({ id, times });
        }
      }
    }
    i = end + 1;
  }
  if (!total) throw new PerfError('PARSE_ERROR', 'no aggregate cpu line', { file });
  return { total, cores };
}

/** The N of `cpuN`, or null when the key is anything else. */
function cpuId(text: string, from: number, to: number): number | null {
  const digits = text.slice(from, to);
  if (!/^\d{1,9}$/.test(digits)) return null;
  return Number(digits);
}

/** Columns past the first `n` (older kernels) are 0. */
function toTimes(v: number[], n: number, ticks: number): CpuTimes {
  const at = (k: number) => (k < n ? (v[k] ?? 0) / ticks : 0);
  return {
    user: at(0),
    nice: at(1),
    system: at(2),
    idle: at(3),
    iowait: at(4),
    irq: at(5),
    softirq: at(6),
    steal: at(7),
    guest: at(8),
    guestNice: at(9),
  };
}
