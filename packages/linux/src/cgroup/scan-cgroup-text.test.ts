import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCgroupNumber, parseFlatKeyed } from './parse-cgroup-values.js';
import { parseBlkio } from './parse-io-stat.js';
import { scanBlkio, scanFlatKeyed, scanKeyValue, scanTrimmedInteger } from './scan-cgroup-text.js';

// The split-and-regex parsers the scanners replaced, kept here verbatim as the reference the
// scanners must agree with on any text.
const integer = /^-?\d+$/;
function splitBlkio(text: string) {
  const totals = { read: 0, write: 0, devices: 0 };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [device, op, raw] = parts as [string, string, string];
    if (!/\d+:\d+$/.test(device) || !/^\d+$/.test(raw)) continue;
    const value = Number(raw);
    if (op === 'Read') totals.read += value;
    else if (op === 'Write') totals.write += value;
    else continue;
    seen.add(device);
  }
  totals.devices = seen.size;
  return totals;
}
function splitKeyValue(text: string, key: string): number | null {
  let at = text.startsWith(`${key} `) ? 0 : text.indexOf(`\n${key} `);
  if (at < 0) return null;
  if (at > 0) at += 1;
  const start = at + key.length + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const raw = text.slice(start, end).trim();
  return /^\d+$/.test(raw) ? Number(raw) : null;
}
function splitNumber(text: string): number | null {
  const value = text.trim();
  return integer.test(value) ? Number(value) : null;
}

const KEYS = ['nr_periods', 'nr_throttled', 'throttled_time', 'inactive_file'];
const token = fc.oneof(
  fc.constantFrom(...KEYS, 'total_inactive_file', 'Read', 'Write', 'Total', 'Sync', 'Discard'),
  fc.constantFrom('8:0', '253:1', 'x8:16', '8:', ':0', '-1', '-0', '007', '1e3', '0x10', '-'),
  fc.constantFrom('99999999999999999999', '9007199254740993', '123456789012345678'),
  fc.constantFrom('\u00a0', '\ufeff', '5\u00a0', '\u20288:0', 'é'),
  fc.nat().map(String),
  fc.string({ maxLength: 4 }),
);
const space = fc.constantFrom(' ', '\t', '  ', ' \r', '\v', '\f', '\u00a0');
const line = fc
  .tuple(fc.array(token, { maxLength: 5 }), space, fc.constantFrom('', ' ', '\t', '\u00a0'))
  .map(([ts, sep, edge]) => `${edge}${ts.join(sep)}${edge}`);
const text = fc.oneof(
  fc.array(line, { maxLength: 8 }).map((ls) => ls.join('\n')),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

describe('scanners agree with the splitting parsers on any text (property)', () => {
  it('flat keyed files: same value per key, or undefined to hand non-ASCII over', () => {
    fc.assert(
      fc.property(text, (t) => {
        const fast = scanFlatKeyed(t, KEYS);
        const slow = parseFlatKeyed(t);
        if (fast === undefined) expect(/[^\x00-\x7f]/.test(t)).toBe(true);
        else expect(fast).toEqual(KEYS.map((k) => slow.get(k)));
      }),
      { numRuns: 3000 },
    );
  });

  it('blkio tables: parseBlkio (scanner first) equals the split version', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(parseBlkio(t)).toEqual(splitBlkio(t));
        const fast = scanBlkio(t);
        if (fast !== undefined) expect(fast).toEqual(splitBlkio(t));
      }),
      { numRuns: 3000 },
    );
  });

  it('one key of memory.stat: a number only where the split version gives that number', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...KEYS), (t, key) => {
        const fast = scanKeyValue(t, key, `\n${key} `);
        if (fast !== undefined) expect(fast).toBe(splitKeyValue(t, key));
      }),
      { numRuns: 3000 },
    );
  });

  it('single-number files: a number only where trim + regex gives the same number', () => {
    fc.assert(
      fc.property(fc.oneof(token, line, text), (t) => {
        const fast = scanTrimmedInteger(t);
        if (fast !== null) expect(fast).toBe(splitNumber(t));
        const slow = splitNumber(t);
        if (slow !== null) expect(parseCgroupNumber(t, 'f')).toBe(slow);
      }),
      { numRuns: 3000 },
    );
  });

  it('real kernel shapes take the fast path', () => {
    expect(scanFlatKeyed('nr_periods 10\nnr_throttled 2\nthrottled_time 3000\n', KEYS)).toEqual([
      10,
      2,
      3000,
      undefined,
    ]);
    expect(
      scanBlkio('8:0 Read 4096\n8:0 Write 8192\n8:16 Read 1\n8:0 Total 12288\nTotal 12289\n'),
    ).toEqual({ read: 4097, write: 8192, devices: 2 });
    expect(scanKeyValue('cache 1\ninactive_file 42\n', 'inactive_file', '\ninactive_file ')).toBe(
      42,
    );
    expect(scanTrimmedInteger('95996653175\n')).toBe(95996653175);
    // Shapes the split version skips: a signed count, a bare `Total`, a device without major.
    const odd = '8:0 Read -1\n:0 Write 3\nx8:1 Write 5\nTotal 9\n8:0 Read 2 extra\n';
    expect(scanBlkio(odd)).toEqual(splitBlkio(odd));
    expect(scanBlkio(odd)).toEqual({ read: 0, write: 5, devices: 1 });
    expect(scanTrimmedInteger('18446744073709551615\n')).toBe(Number('18446744073709551615'));
  });
});
