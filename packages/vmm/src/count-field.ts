import type { SourceProblem } from '@arcbox/perf-core';

/** Where a value came from, for the problem a bad one becomes. */
export interface CountFieldWhere {
  /** The reply it came from (`qmp query-blockstats`, `virsh domstats`...). */
  source: string;
  /** The field inside it (`vblk0 rd_bytes`). */
  field: string;
}

/**
 * A counter, size, index or thread id from a VMM's JSON reply: a non-negative integer a double
 * holds exactly. Absent (undefined or null) is "not reported": null without a problem. Anything
 * else (negative, fractional, beyond 2^53, a string) is null and a problem, so a VMM's bad value
 * never reaches a rate as a number.
 */
export function countField(
  value: unknown,
  where: CountFieldWhere,
  problems?: SourceProblem[],
): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value + 0; // -0 is 0
  problems?.push(notACount(value, where));
  return null;
}

/**
 * countField for text replies (`virsh domstats --raw`): decimal digits only, so `0x10`, `1e3`,
 * ` 5` or `-1` do not pass as numbers through `Number()`'s leniency.
 */
export function countText(
  text: string | undefined,
  where: CountFieldWhere,
  problems?: SourceProblem[],
): number | null {
  if (text === undefined || text === '') return null;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  problems?.push(notACount(text, where));
  return null;
}

/** A count times a unit (KiB to bytes) that must stay exact; null and a problem when it is not. */
export function scaledCount(
  count: number | null,
  unit: number,
  where: CountFieldWhere,
  problems?: SourceProblem[],
): number | null {
  if (count === null) return null;
  const scaled = count * unit;
  if (Number.isSafeInteger(scaled)) return scaled;
  problems?.push(notACount(count, where, ` (times ${unit})`));
  return null;
}

function notACount(value: unknown, where: CountFieldWhere, detail = ''): SourceProblem {
  let shown: string;
  try {
    shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
  } catch {
    shown = typeof value;
  }
  if (shown.length > 40) shown = `${shown.slice(0, 37)}...`;
  return {
    source: where.source,
    code: 'PARSE_ERROR',
    message: `${where.field} is ${shown}${detail}, not a non-negative integer`,
  };
}
