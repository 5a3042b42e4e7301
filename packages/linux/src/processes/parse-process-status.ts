import { parseCounter } from '../host/parse-number.js';

/** What a process reading takes from `/proc/<pid>/status`. */
export interface ProcessStatus {
  /** Real uid (first number of `Uid:`). */
  uid: number | null;
  /** VmRSS in bytes; null for a kernel thread or a zombie (no such line). */
  residentBytes: number | null;
  /** VmSwap in bytes; null where the kernel does not give it. */
  swapBytes: number | null;
}

/**
 * Parses the `Uid:`, `VmRSS:` and `VmSwap:` lines of `/proc/<pid>/status` (kB lines are
 * KiB x 1024). Lines it does not know or cannot read are skipped: a missing figure is null.
 */
export function parseProcessStatus(text: string): ProcessStatus {
  const out: ProcessStatus = { uid: null, residentBytes: null, swapBytes: null };
  let i = 0;
  while (i < text.length) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(i);
    // Only lines starting with U or V are wanted: skip the rest without slicing them.
    if (c === 85 /* U */ || c === 86 /* V */) {
      const line = text.slice(i, end);
      const colon = line.indexOf(':');
      if (colon > 0) {
        const key = line.slice(0, colon);
        const value = line
          .slice(colon + 1)
          .trim()
          .split(/\s+/);
        if (key === 'Uid') out.uid = parseCounter(value[0]);
        else if (key === 'VmRSS') out.residentBytes = kib(value);
        else if (key === 'VmSwap') out.swapBytes = kib(value);
      }
    }
    i = end + 1;
  }
  return out;
}

function kib(value: string[]): number | null {
  const n = parseCounter(value[0]);
  if (n === null) return null;
  return value[1] === 'kB' || value[1] === undefined ? n * 1024 : null;
}
