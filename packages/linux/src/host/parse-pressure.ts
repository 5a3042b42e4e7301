import { PerfError, type PressureStall, type ResourcePressure } from '@arcbox/perf-core';
import { fields, parseCounter, parseDecimal } from './parse-number.js';

export interface ParsePressureOptions {
  file?: string;
}

// The kernel's own layout, read in one match; anything else goes the slower general way.
const standard =
  /^(?:some|full) avg10=(\d+\.\d+) avg60=(\d+\.\d+) avg300=(\d+\.\d+) total=(\d{1,20})$/;

/**
 * A PSI file (/proc/pressure/{cpu,memory,io}): `some` and `full` lines of
 * `avg10=.. avg60=.. avg300=.. total=..`. The cpu file has no `full` line before Linux 5.13.
 * Unknown keys are ignored and odd lines skipped; a file with no readable line is unreadable.
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
    if ((kind !== 'some' && kind !== 'full') || !stall) {
      firstOdd ??= i + 1;
      continue;
    }
    result[kind] ??= stall;
  }
  if (!result.some && !result.full) {
    throw new PerfError('PARSE_ERROR', 'no readable pressure line', { file, line: firstOdd ?? 1 });
  }
  return result;
}

function stallOf(m: RegExpExecArray): PressureStall {
  return { avg10: Number(m[1]), avg60: Number(m[2]), avg300: Number(m[3]), totalUs: Number(m[4]) };
}

function readStall(pairs: string[]): PressureStall | null {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq > 0) values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const avg10 = parseDecimal(values.get('avg10'));
  const avg60 = parseDecimal(values.get('avg60'));
  const avg300 = parseDecimal(values.get('avg300'));
  const totalUs = parseCounter(values.get('total'));
  if (avg10 === null || avg60 === null || avg300 === null || totalUs === null) return null;
  return { avg10, avg60, avg300, totalUs };
}
