import { readFileSync } from 'node:fs';

/** Most descriptors the container collector keeps open, whatever the limit allows. */
export const MAX_KEPT_DESCRIPTORS = 16_384;

/** Descriptors left to the rest of the process (SQLite, sockets, HTTP clients) under a large limit. */
export const RESERVED_DESCRIPTORS = 4096;

/**
 * How many descriptors the collector may keep open: this process's soft RLIMIT_NOFILE (`Max open
 * files` in /proc/self/limits) less 4,096 for the rest of the process, and at least half of it,
 * so a host with many containers degrades to reopening files instead of failing with EMFILE. A
 * thousand containers keep about 14 files each (10 counters, 4 limits): under a 20,000 limit,
 * half (10,000) made a few thousand files reopen every second. This reads our own process, not
 * the measured host, so it does not go through the FileReader.
 */
export function openFileBudget(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return 512;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === undefined) return 512;
  if (soft === 'unlimited') return MAX_KEPT_DESCRIPTORS;
  const n = Number(soft);
  return Number.isFinite(n) && n > 0
    ? Math.max(
        16,
        Math.min(MAX_KEPT_DESCRIPTORS, Math.max(Math.floor(n / 2), n - RESERVED_DESCRIPTORS)),
      )
    : 512;
}
