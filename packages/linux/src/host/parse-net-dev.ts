import { PerfError } from '@arcbox/perf-core';
import { fields, parseCounter } from './parse-number.js';

/** One interface's counters from /proc/net/dev, in the interface's own directions. */
export interface NetDevStat {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface ParseNetDevOptions {
  file?: string;
}

/**
 * Parses /proc/net/dev: 8 receive then 8 transmit columns after `name:`. The name may hold ':'
 * (an alias such as `ibr10:30`) and the first number may follow the colon with no space
 * (`eth0:68210035552`), so the split is at the last ':' of the line: the numbers hold none.
 * The two header lines and odd lines are skipped, as is a repeated name (the first wins); a
 * file with data lines but none readable is unreadable input.
 */
export function parseNetDev(text: string, options: ParseNetDevOptions = {}): NetDevStat[] {
  const file = options.file ?? 'proc/net/dev';
  const out: NetDevStat[] = [];
  const seen = new Set<string>();
  let firstOdd: number | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.includes('|')) continue;
    const stat = readLine(line);
    if (!stat) {
      firstOdd ??= i + 1;
      continue;
    }
    if (seen.has(stat.name)) continue;
    seen.add(stat.name);
    out.push(stat);
  }
  if (out.length === 0 && firstOdd !== null) {
    throw new PerfError('PARSE_ERROR', 'no readable interface line', { file, line: firstOdd });
  }
  return out;
}

function readLine(line: string): NetDevStat | null {
  const colon = line.lastIndexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon).trim();
  if (name === '') return null;
  const tokens = fields(line.slice(colon + 1).trim());
  if (tokens.length < 16) return null;
  const v: number[] = [];
  for (const token of tokens.slice(0, 16)) {
    const value = parseCounter(token);
    if (value === null) return null;
    v.push(value);
  }
  const at = (k: number) => v[k] ?? 0;
  return {
    name,
    rxBytes: at(0),
    rxPackets: at(1),
    rxErrors: at(2),
    rxDropped: at(3),
    txBytes: at(8),
    txPackets: at(9),
    txErrors: at(10),
    txDropped: at(11),
  };
}
