import { PerfError } from '@arcbox/perf-core';

/** One device's columns in one iostat row; columns the layout lacks are null. */
export interface IostatDevice {
  name: string;
  kbPerTransfer: number | null;
  /** Default layout: averages per second (the first row averages since boot). */
  transfersPerSecond: number | null;
  mbPerSecond: number | null;
  /** `-I` layout: totals since boot. */
  transfers: number | null;
  megabytes: number | null;
}

export interface IostatSample {
  devices: IostatDevice[];
  cpu: { user: number; system: number; idle: number } | null;
  load: { load1: number; load5: number; load15: number } | null;
}

type DeviceColumn = Exclude<keyof IostatDevice, 'name'>;
const deviceColumns: Record<string, DeviceColumn> = {
  'KB/t': 'kbPerTransfer',
  tps: 'transfersPerSecond',
  'MB/s': 'mbPerSecond',
  xfrs: 'transfers',
  MB: 'megabytes',
};

type Group =
  | { kind: 'device'; name: string; columns: string[] }
  | { kind: 'cpu'; columns: string[] }
  | { kind: 'load'; columns: string[] };

/**
 * Parses macOS `iostat` output (`-d`, `-I`, `-n0`, with or without cpu and load columns):
 * a line of group names (disks, `cpu`, `load average`), a line of column names, then rows.
 * A repeated header block starts over; a row whose field count does not match, or with a value
 * that is not a non-negative decimal up to 2^53, is skipped; a fractional `xfrs` is null.
 * Text without a header is an unknown layout (`PARSE_ERROR`).
 */
export function parseIostat(text: string, file = 'iostat'): IostatSample[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const samples: IostatSample[] = [];
  let groups: Group[] | null = null;
  let width = 0;
  for (let i = 0; i < lines.length; i++) {
    const tokens = lines[i]!.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const columns = lines[i + 1]?.trim().split(/\s+/).filter(Boolean) ?? [];
    if (!tokens.every(isNumber) && isColumnLine(columns)) {
      const built = buildGroups(tokens, columns);
      if (built) {
        groups = built;
        width = columns.length;
      }
      i += 1;
      continue;
    }
    if (!groups || tokens.length !== width || !tokens.every(isNumber)) continue;
    samples.push(readRow(groups, tokens.map(Number)));
  }
  if (groups === null) {
    throw new PerfError('PARSE_ERROR', 'no iostat header found (unknown layout)', { file });
  }
  return samples;
}

/** A non-negative decimal up to 2^53: past it (or past 308 digits, Infinity) no figure is real. */
function isNumber(token: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(token) && Number(token) <= Number.MAX_SAFE_INTEGER;
}

function isColumnLine(columns: readonly string[]): boolean {
  return columns.length > 0 && columns.some((c) => c in deviceColumns || c === 'us' || c === '1m');
}

/** Splits the column line into groups: a device group starts at `KB/t`, cpu at `us`, load at `1m`. */
function buildGroups(names: readonly string[], columns: readonly string[]): Group[] | null {
  const deviceNames = names.filter((n) => n !== 'cpu' && n !== 'load' && n !== 'average');
  const groups: Group[] = [];
  let devices = 0;
  for (const column of columns) {
    let group = groups[groups.length - 1];
    if (column === 'KB/t' || column === 'sps') {
      const name = deviceNames[devices++];
      if (name === undefined) return null;
      group = { kind: 'device', name, columns: [] };
      groups.push(group);
    } else if (column === 'us') {
      group = { kind: 'cpu', columns: [] };
      groups.push(group);
    } else if (column === '1m') {
      group = { kind: 'load', columns: [] };
      groups.push(group);
    }
    if (!group) return null;
    group.columns.push(column);
  }
  return groups;
}

function readRow(groups: readonly Group[], values: readonly number[]): IostatSample {
  const sample: IostatSample = { devices: [], cpu: null, load: null };
  let at = 0;
  for (const group of groups) {
    const own = new Map(group.columns.map((c, k) => [c, values[at + k]!]));
    at += group.columns.length;
    if (group.kind === 'device') {
      const device: IostatDevice = {
        name: group.name,
        kbPerTransfer: null,
        transfersPerSecond: null,
        mbPerSecond: null,
        transfers: null,
        megabytes: null,
      };
      for (const [column, value] of own) {
        const field = deviceColumns[column];
        if (field) device[field] = field === 'transfers' && !Number.isInteger(value) ? null : value;
      }
      sample.devices.push(device);
    } else if (group.kind === 'cpu') {
      const user = own.get('us');
      const system = own.get('sy');
      const idle = own.get('id');
      if (user !== undefined && system !== undefined && idle !== undefined)
        sample.cpu = { user, system, idle };
    } else {
      const load1 = own.get('1m');
      const load5 = own.get('5m');
      const load15 = own.get('15m');
      if (load1 !== undefined && load5 !== undefined && load15 !== undefined)
        sample.load = { load1, load5, load15 };
    }
  }
  return sample;
}
