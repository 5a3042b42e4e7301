import { PerfError } from '@arcbox/perf-core';
import { scanTrimmedInteger } from './scan-cgroup-text.js';

/**
 * Limits at or above 2^62 mean "no limit" on cgroup v1 (the kernel prints PAGE_COUNTER_MAX
 * rounded to the page size, 9223372036854771712 on x86-64), SEMANTICS.md.
 */
export const CGROUP_V1_UNLIMITED = 2 ** 62;

const integer = /^-?\d+$/;

/**
 * A file holding one number (`memory.current`, `cpuacct.usage`, `pids.current`). Unreadable
 * content is a PARSE_ERROR naming the file: a wrong number must never pass as a reading.
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

/**
 * A limit file: `max` (v2) or a value >= 2^62 (v1) is no limit, returned as null. A negative
 * value (`cpu.cfs_quota_us` = -1) is no limit too.
 */
export function parseCgroupLimit(text: string, file: string): number | null {
  if (text.trim() === 'max') return null;
  const value = parseCgroupNumber(text, file);
  return value < 0 || value >= CGROUP_V1_UNLIMITED ? null : value;
}

/**
 * `key value` lines (`cpu.stat`, `memory.stat`). Lines that are not one key and one integer
 * are skipped: kernels add keys, and a key we do not read must never fail a reading.
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

/** v2 `cpu.max`: `<quota|max> <period>`; returns the quota in cores, null when unlimited. */
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
  const p = Number(period);
  return p > 0 ? Number(quota) / p : null;
}

/** v1 quota from `cpu.cfs_quota_us` and `cpu.cfs_period_us`; -1 quota means unlimited. */
export function cpuLimitFromCfs(quota: number | null, period: number | null): number | null {
  if (quota === null || period === null || quota <= 0 || period <= 0) return null;
  return quota / period;
}

/** First process id listed in `cgroup.procs`, or null when the cgroup has no process. */
export function firstPid(text: string): number | null {
  for (const line of text.split('\n')) {
    const value = line.trim();
    if (integer.test(value)) return Number(value);
  }
  return null;
}

/** Number of processes listed in `cgroup.procs`. */
export function countPids(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (integer.test(line.trim())) n += 1;
  return n;
}
