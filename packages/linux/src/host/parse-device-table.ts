import { PerfError } from '@arcbox/perf-core';
import { lineEnd, skipBlanks } from './parse-number.js';

/**
 * The line loop shared by /proc/diskstats and /proc/net/dev: one device per line, read by
 * `readLine` between `from` (first non-blank) and `end`. Blank lines and those `skip` names are
 * passed over, odd lines skipped, a repeated name keeps its first line; a file with lines but
 * none readable is unreadable input, named by its first odd line.
 */
export function parseDeviceTable<T extends { name: string }>(
  text: string,
  readLine: (text: string, from: number, end: number) => T | null,
  where: {
    file: string;
    what: string;
    skip?: (text: string, from: number, end: number) => boolean;
  },
): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  let firstOdd: number | null = null;
  let lineNo = 0;
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    lineNo += 1;
    const from = skipBlanks(text, i, end);
    if (from < end && !where.skip?.(text, from, end)) {
      const row = readLine(text, from, end);
      if (!row) firstOdd ??= lineNo;
      else if (!seen.has(row.name)) {
        seen.add(row.name);
        out.push(row);
      }
    }
    i = end + 1;
  }
  if (out.length === 0 && firstOdd !== null) {
    throw new PerfError('PARSE_ERROR', `no readable ${where.what} line`, {
      file: where.file,
      line: firstOdd,
    });
  }
  return out;
}
