import { KIB, type MemoryReading, PerfError } from '@arcbox/perf-core';
import { fields, parseCounter } from './parse-number.js';

export interface ParseMeminfoOptions {
  /** Path named in errors. */
  file?: string;
}

/**
 * Reads the `Key: value [kB]` lines of /proc/meminfo into bytes (values without a unit, such as
 * HugePages_Total, as they are). Lines of any other shape (the 2.4-era `Mem:` table some kernels
 * still print first) are skipped; a repeated key keeps its first value.
 */
export function parseMeminfoFields(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    if (key === '' || /\s/.test(key) || values.has(key)) continue;
    const rest = fields(line.slice(colon + 1).trim());
    if (rest.length === 0 || rest.length > 2) continue;
    const value = parseCounter(rest[0]);
    if (value === null) continue;
    if (rest.length === 2) {
      if (rest[1] !== 'kB') continue;
      values.set(key, value * KIB);
    } else values.set(key, value);
  }
  return values;
}

/**
 * /proc/meminfo resolved to the SEMANTICS.md definitions: used = total - available (procps 4),
 * cached = Cached + SReclaimable (psutil). Kernels before 3.14 have no MemAvailable (or report
 * 0, psutil #1915): it is estimated as MemFree + Active(file) + Inactive(file) + SReclaimable,
 * bounded by total. MemAvailable above MemTotal (some LXC setups) falls back to MemFree. Both
 * substitutes set `availableEstimated`; every absent term is named in `missing`.
 */
export function parseMeminfo(text: string, options: ParseMeminfoOptions = {}): MemoryReading {
  const file = options.file ?? 'proc/meminfo';
  const v = parseMeminfoFields(text);
  const missing: string[] = [];
  const term = (key: string): number | null => {
    const value = v.get(key);
    if (value === undefined) {
      missing.push(key);
      return null;
    }
    return value;
  };

  const total = v.get('MemTotal');
  if (total === undefined) throw new PerfError('PARSE_ERROR', 'no MemTotal line', { file });
  const free = term('MemFree');
  const reported = v.get('MemAvailable');
  const cachedRaw = term('Cached');
  const reclaimable = term('SReclaimable');

  let available: number;
  let availableEstimated = false;
  if (reported === undefined || reported === 0) {
    if (reported === undefined) missing.push('MemAvailable');
    const activeFile = term('Active(file)');
    const inactiveFile = term('Inactive(file)');
    available = Math.min(
      total,
      (free ?? 0) + (activeFile ?? 0) + (inactiveFile ?? 0) + (reclaimable ?? 0),
    );
    availableEstimated = true;
  } else if (reported > total) {
    available = Math.min(free ?? 0, total);
    availableEstimated = true;
  } else available = reported;

  const swapTotal = term('SwapTotal');
  const swapFree = term('SwapFree');
  return {
    total,
    available,
    used: Math.max(0, total - available),
    free,
    cached: cachedRaw === null ? null : cachedRaw + (reclaimable ?? 0),
    buffers: term('Buffers'),
    shared: term('Shmem'),
    swapTotal,
    swapFree,
    swapUsed: swapTotal === null || swapFree === null ? null : Math.max(0, swapTotal - swapFree),
    app: null,
    wired: null,
    compressed: null,
    availableEstimated,
    missing,
  };
}
