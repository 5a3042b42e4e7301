import { parseDuration } from './parse-duration.js';

/**
 * A point in time from what people type: milliseconds since the epoch (`1764921600000`), an ISO
 * date (`2026-12-05T09:00:00Z`), `now`, or a duration before `now` (`-1h`, `-90s`). Null when
 * the text is none of these. One grammar for every command, API parameter and config key.
 */
export function parseTime(text: string, now: number = Date.now()): number | null {
  const t = text.trim();
  if (t === '' || t.length > 64) return null;
  if (t === 'now') return now;
  if (/^\d+$/.test(t)) return Number(t);
  if (t.startsWith('-')) {
    const ago = parseDuration(t.slice(1));
    return ago === null ? null : now - ago;
  }
  // Dates only: a bare word such as "yesterday" must not be guessed by Date.parse.
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}
