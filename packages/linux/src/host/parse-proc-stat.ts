import {
  type CoreTimes,
  type CpuTimes,
  cpuTimeModes,
  PerfError,
  type SourceProblem,
} from '@arcbox/perf-core';
import { firstOddToken, lineEnd, quote, scanCounters, skipToken } from './parse-number.js';

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
  /** Where a skipped `cpuN` line is named (file, CPU, column), when given. */
  problems?: SourceProblem[];
}

/**
 * Parses the `cpu` and `cpuN` lines of /proc/stat into seconds. Kernels before 2.6.11 have 7
 * columns (no steal), before 2.6.24 8 (no guest), before 2.6.33 9 (no guest_nice): absent
 * columns are 0. A `cpuN` line that cannot be read (a column that is not a counter: negative,
 * fractional, past 2^53) is skipped, as is a repeated id (the first wins); without a readable
 * aggregate line the input is unreadable.
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
      } else {
        const id = cpuId(text, i + 3, keyEnd);
        if (times && id !== null) {
          if (!seen.has(id)) {
            seen.add(id);
            cores.push({ id, times });
          }
        } else {
          options.problems?.push({
            source: file,
            message: `line ${lineNo} skipped: ${whyOdd(text, i, keyEnd, end, n, id)}`,
            code: 'PARSE_ERROR',
          });
        }
      }
    }
    i = end + 1;
  }
  if (!total) throw new PerfError('PARSE_ERROR', 'no aggregate cpu line', { file });
  return { total, cores };
}

/** Why a `cpu...` line was not read, naming the CPU and the column. */
function whyOdd(
  text: string,
  start: number,
  keyEnd: number,
  end: number,
  n: number,
  id: number | null,
): string {
  const key = text.slice(start, keyEnd);
  if (id === null) return `${JSON.stringify(key.slice(0, 24))} is not a cpuN key`;
  const odd = n < 0 ? firstOddToken(text, keyEnd, end) : null;
  if (!odd) return `${key}: ${n} columns, at least 4 expected`;
  const column = cpuTimeModes[odd.index] ?? `column ${odd.index + 1}`;
  return `${key}: ${column} ${quote(odd.token)} is not a non-negative integer below 2^53`;
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
