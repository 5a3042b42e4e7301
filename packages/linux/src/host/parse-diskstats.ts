import { DISKSTATS_SECTOR_BYTES, PerfError } from '@arcbox/perf-core';
import { fields, parseCounter } from './parse-number.js';

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
  let firstOdd: number | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const tokens = fields(lines[i] ?? '');
    if (tokens.length === 0) continue;
    const disk = readLine(tokens);
    if (!disk) {
      firstOdd ??= i + 1;
      continue;
    }
    if (seen.has(disk.name)) continue;
    seen.add(disk.name);
    disks.push(disk);
  }
  if (disks.length === 0 && firstOdd !== null) {
    throw new PerfError('PARSE_ERROR', 'no readable diskstats line', { file, line: firstOdd });
  }
  return disks;
}

function readLine(tokens: string[]): DiskStat | null {
  const [majorText, minorText, name] = tokens;
  const major = parseCounter(majorText);
  const minor = parseCounter(minorText);
  if (major === null || minor === null || name === undefined) return null;
  const values: number[] = [];
  for (const token of tokens.slice(3)) {
    const value = parseCounter(token);
    if (value === null) return null;
    values.push(value);
  }
  const n = values.length;
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
  if (n < 11) return null;
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
