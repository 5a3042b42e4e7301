import {
  PerfError,
  type PressureStall,
  type ResourcePressure,
  type SourceProblem,
} from '@arcbox/perf-core';
import { fields, MAX_COUNTER, parseCounter, parseDecimal, quote } from './parse-number.js';

export interface ParsePressureOptions {
  file?: string;
  /** Where a skipped line is named (file, line, key), when given. */
  problems?: SourceProblem[];
}

// The kernel's own layout, read in one match; anything else goes the slower general way.
const standard =
  /^(?:some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d{1,20})$/;

/**
 * A PSI file (/proc/pressure/{cpu,memory,io}): `some` and `full` lines of
 * `avg10=.. avg60=.. avg300=.. total=..`. The cpu file has no `full` line before Linux 5.13.
 * Unknown keys are ignored and odd lines (a value that is not a non-negative number up to 2^53)
 * skipped; a file with no readable line is unreadable.
 */
export function parsePressure(text: string, options: ParsePressureOptions = {}): ResourcePressure {
  const file = options.file ?? 'proc/pressure';
  const result: ResourcePressure = { some: null, full: null };
  let firstOdd: number | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fast = standard.exec(line);
    const tokens = fast ? null : fields(line);
    if (tokens?.length === 0) continue;
    const kind = fast ? line.slice(0, 4) : tokens?.[0];
    const stall = fast ? stallOf(fast) : readStall(tokens?.slice(1) ?? []);
    if ((kind !== 'some' && kind !== 'full') || typeof stall === 'string') {
      firstOdd ??= i + 1;
      options.problems?.push({
        source: file,
        message: `line ${i + 1} skipped: ${
          kind !== 'some' && kind !== 'full'
            ? `${quote(kind ?? '')} is not some or full`
            : `${kind}: ${stall}`
        }`,
        code: 'PARSE_ERROR',
      });
      continue;
    }
    result[kind] ??= stall;
  }
  if (!result.some && !result.full) {
    throw new PerfError('PARSE_ERROR', 'no readable pressure line', { file, line: firstOdd ?? 1 });
  }
  return result;
}

/** The stall of a line in the kernel's layout, or why it is odd (a value past 2^53). */
function stallOf(m: RegExpExecArray): PressureStall | string {
  const stall = {
    avg10: Number(m[1]),
    avg60: Number(m[2]),
    avg300: Number(m[3]),
    totalUs: Number(m[4]),
  };
  if (stall.totalUs > MAX_COUNTER) return `total=${quote(m[4]!)} is past 2^53`;
  if (stall.avg10 > MAX_COUNTER || stall.avg60 > MAX_COUNTER || stall.avg300 > MAX_COUNTER)
    return 'an average past 2^53';
  return stall;
}

/** The stall of `key=value` pairs, or why they are odd (the first key missing or unreadable). */
function readStall(pairs: string[]): PressureStall | string {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0) values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const avg10 = parseDecimal(values.get('avg10'));
  const avg60 = parseDecimal(values.get('avg60'));
  const avg300 = parseDecimal(values.get('avg300'));
  const totalUs = parseCounter(values.get('total'));
  if (avg10 === null || avg60 === null || avg300 === null || totalUs === null) {
    const key = (['avg10', 'avg60', 'avg300', 'total'] as const).find(
      (k) => (k === 'total' ? parseCounter : parseDecimal)(values.get(k)) === null,
    );
    const raw = key === undefined ? undefined : values.get(key);
    return raw === undefined
      ? `no ${key}=`
      : `${key}=${quote(raw)} is not a non-negative ${key === 'total' ? 'integer' : 'number'} up to 2^53`;
  }
  return { avg10, avg60, avg300, totalUs };
}
