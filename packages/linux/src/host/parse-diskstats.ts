import { DISKSTATS_SECTOR_BYTES, PerfError } from '@arcbox/perf-core';
import { lineEnd, scanCounters, skipBlanks, skipToken } from './parse-number.js';

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
}

/**
 * Parses /proc/diskstats. After major, minor and name come 11 fields (kernel < 4.18), 15 (4.18+)
 * or 17 (5.5+); more are accepted for kernels to come. Fields 1, 3, 5, 7 are reads, sectors read,
 * writes, sectors written; a sector here is always 512 bytes (psutil #965, node_exporter #2310).
 * Old kernels printed partitions with 4 fields (reads, sectors read, writes, sectors written).
 * Other lines, and a repeated name (the first wins), are skipped; a file with lines but none
 * readable is unreadable input.
 */
export function parseDiskstats(text: string, options: ParseDiskstatsOptions = {}): DiskStat[] {
  const file = options.file ?? 'proc/diskstats';
  const disks: DiskStat[] = [];
  const seen = new Set<string>();
  const values: number[] = [];
  let firstOdd: number | null = null;
  let lineNo = 0;
  for (let i = 0; i < text.length; ) {
    const end = lineEnd(text, i);
    lineNo += 1;
    const from = skipBlanks(text, i, end);
    if (from < end) {
      const disk = readLine(text, from, end, values);
      if (!disk) firstOdd ??= lineNo;
      else if (!seen.has(disk.name)) {
        seen.add(disk.name);
        disks.push(disk);
      }
    }
    i = end + 1;
  }
  if (disks.length === 0 && firstOdd !== null) {
    throw new PerfError('PARSE_ERROR', 'no readable diskstats line', { file, line: firstOdd });
  }
  return disks;
}

/** More than this many fields after the name is not a diskstats line. */
const MAX_FIELDS = 64;

function readLine(text: string, from: number, end: number, values: number[]): DiskStat | null {
  // major and minor, then the name, then the counters
  const majorEnd = skipToken(text, from, end);
  const minorEnd = skipToken(text, skipBlanks(text, majorEnd, end), end);
  if (scanCounters(text, from, minorEnd, values, 2) !== 2) return null;
  const major = values[0]!;
  const minor = values[1]!;
  const nameStart = skipBlanks(text, minorEnd, end);
  const nameEnd = skipToken(text, nameStart, end);
  if (nameStart >= nameEnd) return null;
  const n = scanCounters(text, nameEnd, end, values, MAX_FIELDS + 1);
  if (n < 0 || n > MAX_FIELDS || (n !== 4 && n < 11)) return null;
  const name = text.slice(nameStart, nameEnd);
  const at = (k: number) => values[k - 1] ?? 0;
  if (n === 4) {
    return {
      major,
      minor,
      name,
      readOps: at(1),
      readBytes: at(2) * DISKSTATS_SECTOR_BYTES,
      writeOps: at(3),
      writeBytes: at(4) * DISKSTATS_SECTOR_BYTES,
      readTimeMs: null,
      writeTimeMs: null,
      ioTimeMs: null,
      fieldCount: n,
    };
  }
  return {
    major,
    minor,
    name,
    readOps: at(1),
    readBytes: at(3) * DISKSTATS_SECTOR_BYTES,
    readTimeMs: at(4),
    writeOps: at(5),
    writeBytes: at(7) * DISKSTATS_SECTOR_BYTES,
    writeTimeMs: at(8),
    ioTimeMs: at(10),
    fieldCount: n,
  };
}
