import { KIB, type MemoryReading, PerfError, type SourceProblem } from '@arcbox/perf-core';
import {
  lineEnd,
  MAX_COUNTER,
  quote,
  scanCounters,
  skipBlanks,
  skipToken,
} from './parse-number.js';

export interface ParseMeminfoOptions {
  /** Path named in errors. */
  file?: string;
  /** Where a term whose value cannot be read is named (file, key, value), when given. */
  problems?: SourceProblem[];
}

/**
 * Reads the `Key: value [kB]` lines of /proc/meminfo into bytes (values without a unit, such as
 * HugePages_Total, as they are). Lines of any other shape (the 2.4-era `Mem:` table some kernels
 * still print first) and values that are not non-negative integers (in bytes) up to 2^53 are
 * skipped; a repeated key keeps its first value.
 */
export function parseMeminfoFields(text: string): Map<string, number> {
  return readMeminfo(text, null, null);
}

/** The terms parseMeminfo uses. */
const TERMS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SReclaimable',
  'Active(file)',
  'Inactive(file)',
  'Shmem',
  'SwapTotal',
  'SwapFree',
] as const;

/**
 * With `only`, keys are matched in place and nothing else is sliced out or stored: building a
 * map of all 50-odd keys was most of the cost of a reading's memory figures. A key whose value
 * cannot be read is added to `odd` with its raw value, when given.
 */
function readMeminfo(
  text: string,
  only: readonly string[] | null,
  odd: Map<string, string> | null,
): Map<string, number> {
  const values = new Map<string, number>();
  const scratch: number[] = [];
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    const colon = text.indexOf(':', i);
    if (colon >= 0 && colon < end) {
      // The key: no blanks inside; leading ones skipped, trailing ones (`Key :`) refused.
      const keyStart = skipBlanks(text, i, colon);
      if (keyStart < colon && skipToken(text, keyStart, colon) === colon) {
        const key = only ? matchKey(text, keyStart, colon, only) : text.slice(keyStart, colon);
        if (key !== null && !values.has(key)) {
          const value = readValue(text, colon + 1, end, scratch);
          if (value !== null) values.set(key, value);
          else if (odd && !odd.has(key)) odd.set(key, text.slice(colon + 1, end).trim());
        }
      }
    }
    i = end + 1;
  }
  return values;
}

function matchKey(text: string, from: number, to: number, keys: readonly string[]): string | null {
  for (const key of keys) if (key.length === to - from && text.startsWith(key, from)) return key;
  return null;
}

/** `  123 kB` in bytes or `  123` as it is; null for any other shape or past 2^53 bytes. */
function readValue(text: string, from: number, end: number, scratch: number[]): number | null {
  const numberStart = skipBlanks(text, from, end);
  const numberEnd = skipToken(text, numberStart, end);
  if (numberStart === numberEnd || scanCounters(text, numberStart, numberEnd, scratch, 1) !== 1)
    return null;
  const value = scratch[0]!;
  const unitStart = skipBlanks(text, numberEnd, end);
  if (unitStart === end) return value;
  const unitEnd = skipToken(text, unitStart, end);
  if (unitEnd - unitStart !== 2 || !text.startsWith('kB', unitStart)) return null;
  if (skipBlanks(text, unitEnd, end) !== end) return null;
  return value <= MAX_COUNTER / KIB ? value * KIB : null;
}

/**
 * /proc/meminfo resolved to the SEMANTICS.md definitions: used = total - available (procps 4),
 * cached = Cached + SReclaimable (psutil). Kernels before 3.14 have no MemAvailable (or report
 * 0, psutil #1915): it is estimated as MemFree + Active(file) + Inactive(file) + SReclaimable,
 * bounded by total. MemAvailable above MemTotal (some LXC setups) falls back to MemFree. Both
 * substitutes set `availableEstimated`; every absent term is named in `missing`. A term whose
 * value is not a non-negative integer up to 2^53 bytes counts as absent, and is a problem.
 */
export function parseMeminfo(text: string, options: ParseMeminfoOptions = {}): MemoryReading {
  const file = options.file ?? 'proc/meminfo';
  const odd = new Map<string, string>();
  const v = readMeminfo(text, TERMS, odd);
  for (const [key, raw] of odd) {
    options.problems?.push({
      source: file,
      message: `${key}: ${quote(raw)} is not a non-negative integer up to 2^53 bytes`,
      code: 'PARSE_ERROR',
    });
  }
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
  if (total === undefined) {
    const raw = odd.get('MemTotal');
    const message = raw === undefined ? 'no MemTotal line' : `unreadable MemTotal ${quote(raw)}`;
    throw new PerfError('PARSE_ERROR', message, { file, field: 'MemTotal' });
  }
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
