import { type DiskReading, PerfError } from '@arcbox/perf-core';
import type { BlockStorageDriver } from './parse-ioreg.js';
import type { IostatSample } from './parse-iostat.js';

const NS_PER_MS = 1e6;
const MIB = 1024 * 1024;

/**
 * One disk per IOBlockStorageDriver, with IOKit's per-direction counters. A driver whose
 * IOMedia child was not printed is named after its position (`driver2`). Each driver sits on one
 * physical device, so all count in the total (APFS volumes are not drivers and add nothing).
 */
export function disksFromIoreg(drivers: readonly BlockStorageDriver[]): DiskReading[] {
  const used = new Set<string>();
  return drivers.map((d, i) => {
    let name = d.bsdName ?? `driver${i}`;
    if (used.has(name)) name = `${name}#${i}`;
    used.add(name);
    const s = d.statistics;
    return {
      name,
      kind: 'disk',
      countedInTotal: true,
      readOps: s.operationsRead,
      writeOps: s.operationsWritten,
      readBytes: s.bytesRead,
      writeBytes: s.bytesWritten,
      totalBytes: safeSum(s.bytesRead, s.bytesWritten),
      readTimeMs: s.totalTimeReadNs === null ? null : s.totalTimeReadNs / NS_PER_MS,
      writeTimeMs: s.totalTimeWriteNs === null ? null : s.totalTimeWriteNs / NS_PER_MS,
      ioTimeMs: null,
    };
  });
}

/** a + b, null when either is unknown or the sum passes 2^53 (no byte count of a disk does). */
function safeSum(a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  const sum = a + b;
  return Number.isSafeInteger(sum) ? sum : null;
}

/** Bytes of `iostat -I` megabytes (two decimals), null past 2^53. */
function megabytesToBytes(megabytes: number): number | null {
  const bytes = Math.round(megabytes * MIB);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/**
 * Fallback from `iostat -Id` totals: iostat has no read/write split, so only the total bytes
 * since boot are known (megabytes with two decimals); the split stays null, never invented.
 * The per-second layout (no `-I`) holds no counters and is refused.
 */
export function disksFromIostat(samples: readonly IostatSample[]): DiskReading[] {
  const first = samples[0];
  if (!first)
    throw new PerfError('PARSE_ERROR', 'iostat printed no sample row', { file: 'iostat' });
  return first.devices.map((d) => {
    if (d.megabytes === null) {
      throw new PerfError('PARSE_ERROR', 'iostat printed rates, not totals (run it with -I)', {
        file: 'iostat',
        field: 'MB',
      });
    }
    return {
      name: d.name,
      kind: 'disk',
      countedInTotal: true,
      readOps: null,
      writeOps: null,
      readBytes: null,
      writeBytes: null,
      totalBytes: megabytesToBytes(d.megabytes),
      readTimeMs: null,
      writeTimeMs: null,
      ioTimeMs: null,
    };
  });
}
