import { PerfError } from '@arcbox/perf-core';
import { scanTrimmedInteger } from './scan-cgroup-text.js';

/**
 * Limits at or above 2^62 mean "no limit" on cgroup v1 (the kernel prints PAGE_COUNTER_MAX
 * rounded to the page size, 9223372036854771712 on x86-64), SEMANTICS.md.
 */
export const CGROUP_V1_UNLIMITED = 2 ** 62;

/**
 * Counts and sizes (bytes, pages, periods, microseconds) stay below this: past 2^53 a double no
 * longer holds every integer, and no cgroup figure gets there (2^53 bytes are 8 PiB, 2^53 µs
 * 285 years), so such a value is corruption, not a reading.
 */
export const CGROUP_COUNT_LIMIT = 2 ** 53;

/**
 * Nanosecond counters (cpuacct.usage, cpu.stat throttled_time) pass 2^53 after 104 days of CPU
 * time, which a busy container on many cores reaches in weeks; the nanoseconds a double then
 * rounds away are nothing in seconds. 2^63 ns are 292 years: only a -1 printed unsigned, or
 * corruption, gets there.
 */
export const CGROUP_NANOSECONDS_LIMIT = 2 ** 63;

const integer = /^-?\d+$/;

/** Whether a value read from a cgroup file is a count: a non-negative integer below `limit`. */
export function isCgroupCount(value: number, limit = CGROUP_COUNT_LIMIT): boolean {
  // -0 is refused with the other signed values: a count is written without a sign.
  return Number.isInteger(value) && (value > 0 || Object.is(value, 0)) && value < limit;
}

/** "2^53" for a power-of-two limit, to say in a message which bound a value broke. */
export function limitName(limit: number): string {
  return `2^${Math.log2(limit)}`;
}

/**
 * A file holding one number (`memory.current`, `cpuacct.usage`, `pids.current`), as written:
 * signed, and past 2^53 as Number() rounds it. Unreadable content is a PARSE_ERROR naming the
 * file. A figure is read with parseCgroupCount, which also refuses what is not a count.
 */
export function parseCgroupNumber(text: string, file: string): number {
  // Read on every reading of every container: scanned without the trimmed copy and regex.
  const fast = scanTrimmedInteger(text);
  if (fast !== null) return fast;
  const value = text.trim();
  if (!integer.test(value)) {
    throw new PerfError(
      'PARSE_ERROR',
      `expected an integer, got ${JSON.stringify(value.slice(0, 40))}`,
      {
        file,
        line: 1,
      },
    );
  }
  return Number(value);
}

function notCount(text: string, file: string, limit: number, what = 'a non-negative integer') {
  return new PerfError(
    'PARSE_ERROR',
    `expected ${what} below ${limitName(limit)}, got ${JSON.stringify(text.trim().slice(0, 40))}`,
    { file, line: 1 },
  );
}

/**
 * A one-number file read as a figure (`memory.current`, `pids.current`, `cpu.cfs_period_us`):
 * a non-negative integer below `limit` (2^53). Anything else, a negative value included, is a
 * PARSE_ERROR naming the file: a wrong number must never pass as a reading.
 */
export function parseCgroupCount(text: string, file: string, limit = CGROUP_COUNT_LIMIT): number {
  const value = parseCgroupNumber(text, file);
  if (!isCgroupCount(value, limit)) throw notCount(text, file, limit);
  return value;
}

/** `cpuacct.usage` and other nanosecond counters: parseCgroupCount up to 2^63. */
export function parseCgroupNanoseconds(text: string, file: string): number {
  return parseCgroupCount(text, file, CGROUP_NANOSECONDS_LIMIT);
}

/**
 * A limit file: `max` (v2), `-1` (`cpu.cfs_quota_us`) or a value >= 2^62 (v1) is no limit,
 * returned as null. Any other value must be a count below 2^53: another negative value is a
 * PARSE_ERROR, not "no limit".
 */
export function parseCgroupLimit(text: string, file: string): number | null {
  const trimmed = text.trim();
  if (trimmed === 'max' || trimmed === '-1') return null;
  const value = parseCgroupNumber(text, file);
  if (value >= CGROUP_V1_UNLIMITED) return null;
  if (!isCgroupCount(value))
    throw notCount(text, file, CGROUP_COUNT_LIMIT, 'max, -1 or an integer');
  return value;
}

/**
 * `key value` lines (`cpu.stat`, `memory.stat`). Lines that are not one key and one integer
 * are skipped: kernels add keys, and a key we do not read must never fail a reading. Values are
 * the integers as written, signed or past 2^53 included: whoever takes a key as a figure checks
 * it is a count (isCgroupCount) and says so when it is not.
 */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) continue;
    const [key, value] = parts as [string, string];
    if (integer.test(value)) out.set(key, Number(value));
  }
  return out;
}

/**
 * v2 `cpu.max`: `<quota|max> <period>`; returns the quota in cores, null when unlimited. A quota
 * or period that is not a count below 2^53 (or a period of 0) is a PARSE_ERROR naming the field.
 */
export function parseCpuMax(text: string, file: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === 'max') return null;
  if (
    quota === undefined ||
    period === undefined ||
    !integer.test(quota) ||
    !integer.test(period)
  ) {
    throw new PerfError(
      'PARSE_ERROR',
      `expected "<quota|max> <period>", got ${JSON.stringify(text.trim())}`,
      {
        file,
        line: 1,
      },
    );
  }
  const q = Number(quota);
  const p = Number(period);
  const bad = !isCgroupCount(q) ? 'quota' : !isCgroupCount(p) || p === 0 ? 'period' : null;
  if (bad !== null) {
    throw new PerfError(
      'PARSE_ERROR',
      `expected a ${bad === 'period' ? 'positive' : 'non-negative'} integer ${bad} below 2^53, got ${JSON.stringify(text.trim().slice(0, 60))}`,
      { file, line: 1, field: bad },
    );
  }
  return q / p;
}

/** v1 quota from `cpu.cfs_quota_us` and `cpu.cfs_period_us`; -1 quota means unlimited. */
export function cpuLimitFromCfs(quota: number | null, period: number | null): number | null {
  if (quota === null || period === null || quota <= 0 || period <= 0) return null;
  return quota / period;
}

/** A process id as cgroup.procs lists it: a positive integer below 2^53. */
function pidOf(line: string): number | null {
  const value = line.trim();
  if (!/^\d+$/.test(value)) return null;
  const pid = Number(value);
  return pid > 0 && isCgroupCount(pid) ? pid : null;
}

/** First process id listed in `cgroup.procs`, or null when the cgroup has no process. */
export function firstPid(text: string): number | null {
  for (const line of text.split('\n')) {
    const pid = pidOf(line);
    if (pid !== null) return pid;
  }
  return null;
}

/** Number of processes listed in `cgroup.procs`. */
export function countPids(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (pidOf(line) !== null) n += 1;
  return n;
}
