import { type LoadReading, PerfError } from '@arcbox/perf-core';
import { fields, parseDecimal } from './parse-number.js';

export interface ParseLoadavgOptions {
  file?: string;
}

/** /proc/loadavg: `0.20 0.18 0.12 1/80 11206`; the first three fields are the load averages. */
export function parseLoadavg(text: string, options: ParseLoadavgOptions = {}): LoadReading {
  const file = options.file ?? 'proc/loadavg';
  const lines = text.split('\n');
  const index = lines.findIndex((l) => l.trim() !== '');
  const tokens = fields(lines[index] ?? '');
  const [load1, load5, load15] = tokens.slice(0, 3).map(parseDecimal);
  if (load1 == null || load5 == null || load15 == null) {
    throw new PerfError('PARSE_ERROR', 'unreadable load averages', {
      file,
      line: index < 0 ? 1 : index + 1,
    });
  }
  return { load1, load5, load15 };
}
