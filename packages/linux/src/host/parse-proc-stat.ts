import { type CoreTimes, type CpuTimes, PerfError } from '@arcbox/perf-core';
import { fields, parseCounter } from './parse-number.js';

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

const columns = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
] as const;

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
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('cpu')) continue;
    const tokens = fields(line);
    const key = tokens[0] ?? '';
    if (key === 'cpu') {
      if (totalLine !== null) continue;
      totalLine = i + 1;
      total = readTimes(tokens, ticks);
      if (!total) {
        throw new PerfError('PARSE_ERROR', 'unreadable aggregate cpu line', {
          file,
          line: i + 1,
        });
      }
      continue;
    }
    const id = /^cpu(\d+)$/.test(key) ? Number(key.slice(3)) : null;
    if (id === null || !Number.isSafeInteger(id) || seen.has(id)) continue;
    const times = readTimes(tokens, ticks);
    if (!times) continue;
    seen.add(id);
    cores.push({ id, times });
  }
  if (!total) throw new PerfError('PARSE_ERROR', 'no aggregate cpu line', { file });
  return { total, cores };
}

/** At least user, nice, system, idle (4 columns); null when any column present is not a counter. */
function readTimes(tokens: string[], ticks: number): CpuTimes | null {
  const values = tokens.slice(1, 1 + columns.length);
  if (values.length < 4) return null;
  const times = {} as CpuTimes;
  for (let c = 0; c < columns.length; c++) {
    const token = values[c];
    const ticksValue = token === undefined ? 0 : parseCounter(token);
    if (ticksValue === null) return null;
    times[columns[c]!] = ticksValue / ticks;
  }
  return times;
}
