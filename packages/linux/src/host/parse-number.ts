/**
 * Largest counter taken as read: past 2^53 a double no longer holds every integer, and no
 * kernel counter of ours gets there (2^53 microseconds are 285 years), so such a value is
 * corruption, not a reading.
 */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/** A kernel counter: decimal digits only, so a stray `-1` or `abc` marks the line as odd. */
export function parseCounter(token: string | undefined): number | null {
  if (token === undefined || token.length === 0) return null;
  // Digit by digit rather than a regex: every file of every process and cgroup goes through
  // here each round. Up to 15 digits the sum is exact; longer ones go through Number.
  let value = 0;
  for (let i = 0; i < token.length; i++) {
    const d = token.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  if (token.length <= 15) return value;
  value = Number(token);
  return value <= MAX_COUNTER ? value : null;
}

/** A non-negative decimal such as a load average (`0.53`) or a PSI average (`avg10=1.25`). */
export function parseDecimal(token: string | undefined): number | null {
  if (token === undefined || !/^\d+(\.\d+)?$/.test(token)) return null;
  const value = Number(token);
  return value <= MAX_COUNTER ? value : null;
}

/** Whether a blank-separated token is a counter as parseCounter reads one. */
export function isCounter(token: string): boolean {
  return parseCounter(token) !== null;
}

/** Splits a line on runs of spaces and tabs, without empty tokens. */
export function fields(line: string): string[] {
  return line.split(/[ \t]+/).filter((t) => t !== '');
}

const SPACE = 32;
const TAB = 9;
// A hand-built recording edited on Windows may have CRLF line ends.
const CR = 13;
const ZERO = 48;
const NINE = 57;

/** Index of the first character at or after `i` (before `end`) that is not a blank. */
export function skipBlanks(text: string, i: number, end: number): number {
  let c = text.charCodeAt(i);
  while (i < end && (c === SPACE || c === TAB || c === CR)) c = text.charCodeAt(++i);
  return i;
}

/** Index of the first blank (space, tab, CR) at or after `i`, or `end`. */
export function skipToken(text: string, i: number, end: number): number {
  let c = text.charCodeAt(i);
  while (i < end && c !== SPACE && c !== TAB && c !== CR) c = text.charCodeAt(++i);
  return i;
}

/**
 * Reads the blank-separated counters of `text` between `start` and `end` into `out` (at most
 * `max`), without allocating a string per token: these files are read every second, and
 * splitting was most of a reading's cost. Returns how many were read, or -1 when a token within
 * the first `max` is not a plain decimal counter up to MAX_COUNTER.
 */
export function scanCounters(
  text: string,
  start: number,
  end: number,
  out: number[],
  max: number,
): number {
  let n = 0;
  let i = skipBlanks(text, start, end);
  while (i < end && n < max) {
    let value = 0;
    let c = text.charCodeAt(i);
    while (i < end && c !== SPACE && c !== TAB && c !== CR) {
      if (c < ZERO || c > NINE) return -1;
      value = value * 10 + (c - ZERO);
      c = text.charCodeAt(++i);
    }
    // Below 2^53 the running sum is exact; above it the digits are not read as written anyway.
    if (value > MAX_COUNTER) return -1;
    out[n++] = value;
    i = skipBlanks(text, i, end);
  }
  return n;
}

/**
 * The first of the blank-separated tokens of text[start, end) that is not a counter, with its
 * position (0-based), to name the field of a skipped line; null when every token is one.
 */
export function firstOddToken(
  text: string,
  start: number,
  end: number,
): { index: number; token: string } | null {
  const tokens = fields(text.slice(start, end).replace(/\r/g, ' '));
  const index = tokens.findIndex((t) => !isCounter(t));
  return index < 0 ? null : { index, token: tokens[index]! };
}

/** How a skipped line's odd value is quoted in a problem: short, and visibly a string. */
export function quote(token: string): string {
  return JSON.stringify(token.length > 24 ? `${token.slice(0, 24)}…` : token);
}

/** End of the line starting at `i`: the next '\n' or the text's length. */
export function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}
