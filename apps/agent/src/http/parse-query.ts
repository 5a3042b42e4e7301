import { parseDuration } from '../config/duration.js';
import { badParameter } from './http-error.js';

/**
 * A time parameter: ms since the epoch, an ISO 8601 date, or a duration before now ("-1h",
 * "-15m"). Throws a 400 naming the parameter otherwise.
 */
export function parseTimeParam(name: string, text: string | null, now: number): number | undefined {
  if (text === null || text === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text.startsWith('-')) {
    const ago = parseDuration(text.slice(1));
    if (ago !== null) return now - ago;
  }
  const date = Date.parse(text);
  if (!Number.isNaN(date) && /^\d{4}-\d{2}-\d{2}/.test(text)) return date;
  throw badParameter(name, `"${text}" is not a time (ms since the epoch, an ISO date, or "-1h")`);
}

/** A step: a duration ("10s") or milliseconds. */
export function parseStepParam(name: string, text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === null || !(ms > 0))
    throw badParameter(name, `"${text}" is not a positive duration (e.g. "10s" or 10000)`);
  return ms;
}
