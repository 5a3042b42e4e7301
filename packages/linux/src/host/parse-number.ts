/** A kernel counter: decimal digits only, so a stray `-1` or `abc` marks the line as odd. */
export function parseCounter(token: string | undefined): number | null {
  if (token === undefined || !/^\d+$/.test(token)) return null;
  const value = Number(token);
  return Number.isFinite(value) ? value : null;
}

/** A non-negative decimal such as a load average (`0.53`) or a PSI average (`avg10=1.25`). */
export function parseDecimal(token: string | undefined): number | null {
  if (token === undefined || !/^\d+(\.\d+)?$/.test(token)) return null;
  const value = Number(token);
  return Number.isFinite(value) ? value : null;
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
 * the first `max` is not a plain decimal counter.
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
    let digits = 0;
    let c = text.charCodeAt(i);
    while (i < end && c !== SPACE && c !== TAB && c !== CR) {
      if (c < ZERO || c > NINE) return -1;
      value = value * 10 + (c - ZERO);
      digits += 1;
      c = text.charCodeAt(++i);
    }
    // Past 2^53 precision goes, past 308 digits the value is Infinity: refuse that, not the rest.
    if (digits > 300) return -1;
    out[n++] = value;
    i = skipBlanks(text, i, end);
  }
  return n;
}

/** End of the line starting at `i`: the next '\n' or the text's length. */
export function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}
