/**
 * Character scanners for the small cgroup files read on every reading. They give exactly what
 * the split-and-regex parsers give (the property tests compare them), without the per-line
 * arrays and strings: at 1 Hz over hundreds of containers those allocations were a large part
 * of the collector's own cost. Anything outside ASCII makes them return `undefined`, and the
 * caller then uses the splitting parser, whose `\s` and `trim()` also know Unicode spaces.
 */

/** ASCII whitespace as `\s` and `trim()` see it: tab, LF, VT, FF, CR, space. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

const NON_ASCII = Symbol('non-ascii');

/**
 * The integer text[start, end) holds when it matches /^-?\d+$/, as Number() reads it; null when it
 * does not. Long digit runs go through Number() so rounding is Number()'s own.
 */
export function scanInteger(text: string, start: number, end: number): number | null {
  let i = start;
  const negative = i < end && text.charCodeAt(i) === 45;
  if (negative) i += 1;
  if (i >= end) return null;
  let n = 0;
  for (let j = i; j < end; j += 1) {
    const d = text.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  // 15 digits stay below 2^53, so the running sum is exact; beyond that, Number() rounds.
  if (end - i > 15) return Number(text.slice(start, end));
  return negative ? -n : n;
}

/**
 * Whole-file integer (`cpuacct.usage`, `pids.current`): the value of `text.trim()` when it
 * matches /^-?\d+$/ after trimming ASCII whitespace, else null (the caller's slow path then
 * decides, Unicode spaces and errors included). When the ASCII-trimmed text is all digits,
 * `trim()` gives the same text, so a number here is the number the slow path gives.
 */
export function scanTrimmedInteger(text: string): number | null {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  return scanInteger(text, start, end);
}

/**
 * Splits one line [start, end) into at most `max + 1` whitespace-separated tokens, writing their
 * bounds into `bounds` (start, end pairs); returns the token count (max + 1 means "more than
 * max"), or NON_ASCII.
 */
function tokens(
  text: string,
  start: number,
  end: number,
  bounds: number[],
  max: number,
): number | typeof NON_ASCII {
  let count = 0;
  let i = start;
  for (;;) {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c > 127) return NON_ASCII;
      if (!isSpace(c)) break;
      i += 1;
    }
    if (i >= end) return count;
    if (count === max) return max + 1;
    const s = i;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c > 127) return NON_ASCII;
      if (isSpace(c)) break;
      i += 1;
    }
    bounds[2 * count] = s;
    bounds[2 * count + 1] = i;
    count += 1;
  }
}

/**
 * Values of `keys` in a `key value` file, as `parseFlatKeyed(text).get(key)` gives them (lines
 * of exactly two tokens with an integer value; the last such line of a key wins), undefined
 * for a key not found. Returns undefined as a whole for non-ASCII text.
 */
export function scanFlatKeyed(
  text: string,
  keys: readonly string[],
): Array<number | undefined> | undefined {
  const out: Array<number | undefined> = new Array(keys.length).fill(undefined);
  const b = [0, 0, 0, 0];
  let at = 0;
  while (at <= text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const n = tokens(text, at, nl, b, 2);
    if (n === NON_ASCII) return undefined;
    if (n === 2) {
      const ks = b[0] as number;
      const klen = (b[1] as number) - ks;
      for (let k = 0; k < keys.length; k += 1) {
        const key = keys[k] as string;
        if (key.length !== klen || !text.startsWith(key, ks)) continue;
        const v = scanInteger(text, b[2] as number, b[3] as number);
        if (v !== null) out[k] = v;
        break;
      }
    }
    at = nl + 1;
  }
  return out;
}

/**
 * The integer after `key ` on the first line starting with it (memory.stat), null when that
 * line is absent or its rest is not digits once trimmed, undefined for non-ASCII in that rest.
 * `lineKey` is `\n${key} `, passed in so it is built once.
 */
export function scanKeyValue(
  text: string,
  key: string,
  lineKey: string,
): number | null | undefined {
  let at: number;
  if (text.startsWith(key) && text.charCodeAt(key.length) === 32) at = 0;
  else {
    at = text.indexOf(lineKey);
    if (at < 0) return null;
    at += 1;
  }
  let start = at + key.length + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  if (start >= end) return null;
  // Unsigned digits only here (/^\d+$/).
  if (text.charCodeAt(start) === 45) return null;
  const n = scanInteger(text, start, end);
  if (n !== null) return n;
  for (let i = start; i < end; i += 1) if (text.charCodeAt(i) > 127) return undefined;
  // A Unicode space right at either end would have been trimmed: let the slow path decide.
  return null;
}

/** Read and Write sums of a v1 blkio table (see parseBlkio), undefined for non-ASCII text. */
export function scanBlkio(
  text: string,
): { read: number; write: number; devices: number } | undefined {
  let read = 0;
  let write = 0;
  let first = -1;
  let firstEnd = -1;
  let seen: Set<string> | null = null;
  const b = [0, 0, 0, 0, 0, 0];
  let at = 0;
  while (at <= text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const n = tokens(text, at, nl, b, 3);
    if (n === NON_ASCII) return undefined;
    at = nl + 1;
    if (n !== 3) continue;
    const ds = b[0] as number;
    const de = b[1] as number;
    if (!endsWithDevice(text, ds, de)) continue;
    const os = b[2] as number;
    const olen = (b[3] as number) - os;
    const isRead = olen === 4 && text.startsWith('Read', os);
    const isWrite = !isRead && olen === 5 && text.startsWith('Write', os);
    const rs = b[4] as number;
    if (text.charCodeAt(rs) === 45) continue;
    const value = scanInteger(text, rs, b[5] as number);
    if (value === null) continue;
    if (isRead) read += value;
    else if (isWrite) write += value;
    else continue;
    // Devices counted without a string per row: only a second distinct device needs a Set.
    if (first < 0) {
      first = ds;
      firstEnd = de;
    } else if (seen === null) {
      if (de - ds !== firstEnd - first || !text.startsWith(text.slice(ds, de), first)) {
        seen = new Set([text.slice(first, firstEnd), text.slice(ds, de)]);
      }
    } else seen.add(text.slice(ds, de));
  }
  return { read, write, devices: seen ? seen.size : first < 0 ? 0 : 1 };
}

/** Whether text[start, end) ends in `\d+:\d+` (the /\d+:\d+$/ device test). */
function endsWithDevice(text: string, start: number, end: number): boolean {
  let i = end - 1;
  const minor = i;
  while (i >= start && isDigit(text.charCodeAt(i))) i -= 1;
  if (i === minor || i < start || text.charCodeAt(i) !== 58) return false;
  i -= 1;
  return i >= start && isDigit(text.charCodeAt(i));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
