import { PerfError } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDiskstats } from './parse-diskstats.js';
import { parseLoadavg } from './parse-loadavg.js';
import { parseMeminfo } from './parse-meminfo.js';
import { parseNetDev } from './parse-net-dev.js';
import { parsePressure } from './parse-pressure.js';
import { parseProcStat } from './parse-proc-stat.js';

/** Text that looks like kernel files often enough to reach past the first checks. */
const token = fc.oneof(
  fc.constantFrom(
    'cpu',
    'cpu0',
    'cpu12',
    'MemTotal:',
    'MemAvailable:',
    'kB',
    'some',
    'full',
    'lo:',
    'eth0:',
    'sda',
    '|',
  ),
  fc.constantFrom(
    'avg10=1.5',
    'total=12',
    'avg60=x',
    '-1',
    '1e99',
    'NaN',
    'Infinity',
    '0.0.1',
    ':',
    '💩0:',
    '99999999999999999999',
  ),
  fc.nat().map(String),
  fc.string({ maxLength: 6 }),
);
const line = fc
  .array(token, { maxLength: 22 })
  .chain((ts) => fc.constantFrom(' ', '\t', '  ').map((sep) => ts.join(sep)));
const kernelish = fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'));
const anyText = fc.oneof(kernelish, fc.string({ unit: 'binary', maxLength: 300 }));

/** Every number found anywhere in a parsed value. */
function numbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else if (Array.isArray(value)) for (const v of value) numbers(v, out);
  else if (value && typeof value === 'object')
    for (const v of Object.values(value)) numbers(v, out);
  return out;
}

/** Runs a parser: it returns finite non-negative numbers only, or throws a PerfError. */
function check(parse: (text: string) => unknown) {
  fc.assert(
    fc.property(anyText, (text) => {
      let result: unknown;
      try {
        result = parse(text);
      } catch (error) {
        expect(PerfError.isInstance(error)).toBe(true);
        expect((error as PerfError).code).toBe('PARSE_ERROR');
        return;
      }
      for (const n of numbers(result)) {
        expect(Number.isFinite(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
      }
    }),
    { numRuns: 2000 },
  );
}

describe('parsers on arbitrary text', () => {
  it('parseProcStat', () => check(parseProcStat));
  it('parseMeminfo (used + available = total)', () => {
    check(parseMeminfo);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.option(fc.nat()), (total, free, avail) => {
        const text = `MemTotal: ${total} kB\nMemFree: ${free} kB\n${avail === null ? '' : `MemAvailable: ${avail} kB\n`}`;
        const m = parseMeminfo(text);
        expect(m.available).toBeLessThanOrEqual(m.total);
        expect(m.used + m.available).toBe(m.total);
      }),
    );
  });
  it('parseDiskstats', () => check(parseDiskstats));
  it('parseNetDev', () => check(parseNetDev));
  it('parseLoadavg', () => check(parseLoadavg));
  it('parsePressure', () => check(parsePressure));
});
