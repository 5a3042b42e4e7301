import { DISKSTATS_SECTOR_BYTES, type SourceProblem } from '@arcbox/perf-core';
import { parseDeviceTable } from './parse-device-table.js';
import {
  firstOddToken,
  MAX_COUNTER,
  quote,
  scanCounters,
  skipBlanks,
  skipToken,
} from './parse-number.js';

/** One /proc/diskstats line, bytes already converted from 512-byte sectors. */
export interface DiskStat {
  major: number;
  minor: number;
  name: string;
  readOps: number;
  readBytes: number;
  writeOps: number;
  writeBytes: number;
  /** null on the 4-field partition lines of 2.6.25-era kernels. */
  readTimeMs: number | null;
  writeTimeMs: number | null;
  ioTimeMs: number | null;
  /** How many fields followed the name: 4, 11 (< 4.18), 15 (4.18+, discards), 17 (5.5+, flushes). */
  fieldCount: number;
}

export interface ParseDiskstatsOptions {
  file?: string;
  /** Where a skipped line is named (file, device, field), when given. */
  problems?: SourceProblem[];
}

/**
 * Parses /proc/diskstats. After major, minor and name come 11 fields (kernel < 4.18), 15 (4.18+)
 * or 17 (5.5+); more are accepted for kernels to come. Fields 1, 3, 5, 7 are reads, sectors read,
 * writes, sectors written; a sector here is always 512 bytes (psutil #965, node_exporter #2310).
 * Old kernels printed partitions with 4 fields (reads, sectors read, writes, sectors written).
 * Other lines, a line with a value that is not a counter (negative, fractional, past 2^53 or its
 * bytes past 2^53), and a repeated name (the first wins), are skipped; a file with lines but
 * none readable is unreadable input.
 */
export function parseDiskstats(text: string, options: ParseDiskstatsOptions = {}): DiskStat[] {
  const file = options.file ?? 'proc/diskstats';
  const values: number[] = [];
  return parseDeviceTable(text, (t, from, end) => readLine(t, from, end, values), {
    file,
    what: 'diskstats',
    problems: options.problems,
  });
}

/** More than this many fields after the name is not a diskstats line. */
const MAX_FIELDS = 64;

/** Past this many sectors their bytes would pass 2^53. */
const MAX_SECTORS = Math.floor(MAX_COUNTER / DISKSTATS_SECTOR_BYTES);

function readLine(text: string, from: number, end: number, values: number[]): DiskStat | string {
  // major and minor, then the name, then the counters
  const majorEnd = skipToken(text, from, end);
  const minorEnd = skipToken(text, skipBlanks(text, majorEnd, end), end);
  if (scanCounters(text, from, minorEnd, values, 2) !== 2) return 'no major and minor numbers';
  const major = values[0]!;
  const minor = values[1]!;
  const nameStart = skipBlanks(text, minorEnd, end);
  const nameEnd = skipToken(text, nameStart, end);
  if (nameStart >= nameEnd) return 'no device name';
  const name = text.slice(nameStart, nameEnd);
  const n = scanCounters(text, nameEnd, end, values, MAX_FIELDS + 1);
  if (n < 0) {
    const odd = firstOddToken(text, nameEnd, end);
    return odd
      ? `${name}: field ${odd.index + 1} ${quote(odd.token)} is not a non-negative integer below 2^53`
      : `${name}: unreadable fields`;
  }
  if (n > MAX_FIELDS || (n !== 4 && n < 11)) return `${name}: ${n} fields after the name`;
  const at = (k: number) => values[k - 1] ?? 0;
  // Old kernels' 4-field partition lines: reads, sectors read, writes, sectors written.
  const short = n === 4;
  const readField = short ? 2 : 3;
  const writeField = short ? 4 : 7;
  if (at(readField) > MAX_SECTORS) return `${name}: field ${readField} (sectors) past 2^53 bytes`;
  if (at(writeField) > MAX_SECTORS) return `${name}: field ${writeField} (sectors) past 2^53 bytes`;
  return {
    major,
    minor,
    name,
    readOps: at(1),
    readBytes: at(readField) * DISKSTATS_SECTOR_BYTES,
    readTimeMs: short ? null : at(4),
    writeOps: at(short ? 3 : 5),
    writeBytes: at(writeField) * DISKSTATS_SECTOR_BYTES,
    writeTimeMs: short ? null : at(8),
    ioTimeMs: short ? null : at(10),
    fieldCount: n,
  };
}
