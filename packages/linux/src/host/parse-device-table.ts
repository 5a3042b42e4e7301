import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import { lineEnd, skipBlanks } from './parse-number.js';

/**
 * The line loop shared by /proc/diskstats and /proc/net/dev: one device per line, read by
 * `readLine` between `from` (first non-blank) and `end`, which gives the row or why the line is
 * odd. Blank lines and those `skip` names are passed over, odd lines skipped (each a problem in
 * `problems`, when given), a repeated name keeps its first line; a file with lines but none
 * readable is unreadable input, named by its first odd line.
 */
export function parseDeviceTable<T extends { name: string }>(
  text: string,
  readLine: (text: string, from: number, end: number) => T | string,
  where: {
    file: string;
    what: string;
    skip?: (text: string, from: number, end: number) => boolean;
    problems?: SourceProblem[] | undefined;
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
      if (typeof row === 'string') {
        firstOdd ??= lineNo;
        where.problems?.push({
          source: where.file,
          message: `line ${lineNo} skipped: ${row}`,
          code: 'PARSE_ERROR',
        });
      } else if (!seen.has(row.name)) {
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
