import { parseDuration } from '@arcbox/perf-core';

/**
 * Seconds from a number of seconds, a numeric string (`"90"`), or a duration such as `90s`,
 * `15m`, `1h30m` (core's `parseDuration`, the grammar of every arcbox-perf setting); null when
 * it is none of these.
 */
export function parseDurationSeconds(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = parseDuration(text);
  return ms === null ? null : ms / 1000;
}
