/**
 * Byte scanners for small cgroup files read on every reading (memory.failcnt, memory.oom_control),
 * run on the read buffer itself (FileReader.readWith), so no string is made per file. They take
 * only the shape the kernel writes (digits; `key value` lines with one space; a final newline)
 * and answer `undefined` for anything else (a sign, other spaces, more than 15 digits, non-ASCII),
 * and the caller then reads the file as text and parses it with the plain parsers. Where they
 * answer, the answer is the plain parsers' (the tests compare them).
 */

/** The value of a file holding `digits` and a newline (or none), at most 15 digits; else undefined. */
export function scanCountBytes(bytes: Uint8Array, length: number): number | undefined {
  let end = length;
  if (end > 0 && bytes[end - 1] === 10) end -= 1;
  // 15 digits stay below 2^53, so the running sum is exact and a count.
  if (end === 0 || end > 15) return undefined;
  let n = 0;
  for (let i = 0; i < end; i += 1) {
    const d = (bytes[i] as number) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}

/** What scanKeyedBytes answers when no line has the key. */
export const NO_KEY = -1;

/**
 * The value of `key` (its ASCII bytes followed by one space, `oom_kill `) in a file of
 * `key value` lines: the last line with the key wins, as in parseFlatKeyed; NO_KEY when no line
 * has it. Every line must be a key of printable ASCII, one space and at most 15 digits, else
 * undefined.
 */
export function scanKeyedBytes(
  bytes: Uint8Array,
  length: number,
  key: Uint8Array,
): number | undefined {
  let value = NO_KEY;
  let i = 0;
  while (i < length) {
    const start = i;
    let space = -1;
    for (; i < length; i += 1) {
      const c = bytes[i] as number;
      if (c === 10) break;
      if (c === 32) {
        if (space >= 0) return undefined;
        space = i;
      } else if (c < 33 || c > 126) return undefined;
    }
    const end = i;
    i += 1;
    const digits = end - space - 1;
    if (space <= start || digits < 1 || digits > 15) return undefined;
    let n = 0;
    for (let j = space + 1; j < end; j += 1) {
      const d = (bytes[j] as number) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    if (space - start + 1 !== key.length) continue;
    let same = true;
    for (let k = 0; k < key.length - 1; k += 1)
      if (bytes[start + k] !== key[k]) {
        same = false;
        break;
      }
    if (same) value = n;
  }
  return value;
}
