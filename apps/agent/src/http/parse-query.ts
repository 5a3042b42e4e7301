import { formatDuration, parseDuration, parseTime } from '@arcbox/perf-core';
import { badParameter } from './http-error.js';

/**
 * A time parameter in core's grammar: ms since the epoch, an ISO date, "now", or a duration
 * before now ("-1h", "-15m"). Throws a 400 naming the parameter otherwise.
 */
export function parseTimeParam(name: string, text: string | null, now: number): number | undefined {
  if (text === null || text === '') return undefined;
  const ms = parseTime(text, now);
  if (ms === null)
    throw badParameter(
      name,
      `"${text.slice(0, 64)}" is not a time (ms since the epoch, an ISO date, "now" or "-1h")`,
    );
  return ms;
}

/**
 * A step: a duration in core's grammar ("10s") or a whole number of milliseconds, at least
 * `minMs` (history's finest resolution: a finer step only repeats rows or leaves them empty,
 * and makes the answer as large as the caller likes). Throws a 400 naming the parameter.
 */
export function parseStepParam(
  name: string,
  text: string | null,
  minMs: number,
): number | undefined {
  if (text === null || text === '') return undefined;
  const shown = text.slice(0, 64);
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === null || !(ms > 0))
    throw badParameter(name, `"${shown}" is not a positive duration (e.g. "10s" or 10000)`);
  if (ms < minMs)
    throw badParameter(
      name,
      `"${shown}" is finer than history keeps: at least ${formatDuration(minMs)} (the sample interval)`,
    );
  if (!Number.isInteger(ms))
    throw badParameter(name, `"${shown}" is not a whole number of milliseconds`);
  return ms;
}
