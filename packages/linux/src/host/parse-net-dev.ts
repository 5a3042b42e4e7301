import type { SourceProblem } from '@arcbox/perf-core';
import { parseDeviceTable } from './parse-device-table.js';
import { firstOddToken, quote, scanCounters } from './parse-number.js';

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
  /** Where a skipped line is named (file, interface, column), when given. */
  problems?: SourceProblem[];
}

/** The 16 columns after the name, as the header names them. */
const COLUMNS = [
  'rx bytes',
  'rx packets',
  'rx errs',
  'rx drop',
  'rx fifo',
  'rx frame',
  'rx compressed',
  'rx multicast',
  'tx bytes',
  'tx packets',
  'tx errs',
  'tx drop',
  'tx fifo',
  'tx colls',
  'tx carrier',
  'tx compressed',
];

/**
 * Parses /proc/net/dev: 8 receive then 8 transmit columns after `name:`. The name may hold ':'
 * (an alias such as `ibr10:30`) and the first number may follow the colon with no space
 * (`eth0:68210035552`), so the split is at the last ':' of the line: the numbers hold none.
 * The two header lines and odd lines (a value that is not a counter: negative, fractional, past
 * 2^53) are skipped, as is a repeated name (the first wins); a file with data lines but none
 * readable is unreadable input.
 */
export function parseNetDev(text: string, options: ParseNetDevOptions = {}): NetDevStat[] {
  const file = options.file ?? 'proc/net/dev';
  const values: number[] = [];
  return parseDeviceTable(text, (t, from, end) => readLine(t, from, end, values), {
    file,
    what: 'interface',
    skip: isHeader,
    problems: options.problems,
  });
}

/** The two header lines hold '|' between the column groups. */
function isHeader(text: string, from: number, end: number): boolean {
  const bar = text.indexOf('|', from);
  return bar >= 0 && bar < end;
}

function readLine(text: string, from: number, end: number, v: number[]): NetDevStat | string {
  // The numbers hold no ':', so the last one on the line ends the name.
  const colon = text.lastIndexOf(':', end - 1);
  if (colon <= from) return 'no "name:"';
  const name = text.slice(from, colon).trim();
  if (name === '') return 'no interface name';
  const n = scanCounters(text, colon + 1, end, v, 16);
  if (n !== 16) {
    const odd = n < 0 ? firstOddToken(text, colon + 1, end) : null;
    return odd
      ? `${name}: ${COLUMNS[odd.index] ?? `column ${odd.index + 1}`} ${quote(odd.token)} is not a non-negative integer below 2^53`
      : `${name}: ${n < 0 ? 'unreadable' : n} columns, 16 expected`;
  }
  return {
    name,
    rxBytes: v[0]!,
    rxPackets: v[1]!,
    rxErrors: v[2]!,
    rxDropped: v[3]!,
    txBytes: v[8]!,
    txPackets: v[9]!,
    txErrors: v[10]!,
    txDropped: v[11]!,
  };
}
