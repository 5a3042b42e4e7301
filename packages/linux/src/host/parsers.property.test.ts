import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-support.js';
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
    '9007199254740993',
    '17592186044416',
    '-0',
    'avg10=99999999999999999999.5',
    'total=-4',
  ),
  fc.nat().map(String),
  fc.string({ maxLength: 6 }),
);
const line = fc
  .array(token, { maxLength: 22 })
  .chain((ts) => fc.constantFrom(' ', '\t', '  ').map((sep) => ts.join(sep)));
const kernelish = fc.array(line, { maxLength: 12 }).map((ls) => ls.join('\n'));

/** Lines of the real captures, and the same with one blank-separated token made odd. */
const realLines = ['stat', 'meminfo', 'diskstats', 'net_dev', 'loadavg']
  .flatMap((f) => fixture(`node_exporter/${f}`).split('\n'))
  .concat(
    'some avg10=0.12 avg60=0.34 avg300=0.56 total=123456',
    'full avg10=0.00 avg60=0.00 avg300=0.00 total=7',
  );
const oddNumber = fc.constantFrom(
  '-1',
  '-0',
  '1.5',
  '1e3',
  'NaN',
  '9007199254740993',
  '17592186044416',
  '99999999999999999999',
  'total=-4',
  'avg10=-0.5',
  'avg60=99999999999999999999.5',
);
const mutated = fc.tuple(fc.constantFrom(...realLines), oddNumber, fc.nat()).map(([l, odd, at]) => {
  const parts = l.split(/(\s+)/);
  parts[(at % Math.max(1, parts.length)) & ~1] = odd;
  return parts.join('');
});
const realish = fc
  .array(fc.oneof(fc.constantFrom(...realLines), mutated), { maxLength: 12 })
  .map((ls) => ls.join('\n'));
const anyText = fc.oneof(kernelish, realish, fc.string({ unit: 'binary', maxLength: 300 }));

/** Every number found anywhere in a parsed value, with the key it was found under. */
function numbers(
  value: unknown,
  key = '',
  out: Array<[string, number]> = [],
): Array<[string, number]> {
  if (typeof value === 'number') out.push([key, value]);
  else if (Array.isArray(value)) for (const v of value) numbers(v, key, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) numbers(v, k, out);
  return out;
}

type Parse = (text: string, options: { file: string; problems: SourceProblem[] }) => unknown;

/**
 * Runs a parser: it returns finite non-negative numbers only (integers up to 2^53 under the
 * keys `integral` accepts), or throws a PerfError; what it skipped, it names with its file.
 */
function check(parse: Parse, integral: (key: string) => boolean = () => false) {
  fc.assert(
    fc.property(anyText, (text) => {
      const problems: SourceProblem[] = [];
      let result: unknown;
      try {
        result = parse(text, { file: 'f', problems });
      } catch (error) {
        expect(PerfError.isInstance(error)).toBe(true);
        expect((error as PerfError).code).toBe('PARSE_ERROR');
        return;
      }
      for (const [key, n] of numbers(result)) {
        expect(Number.isFinite(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        if (integral(key)) expect(Number.isSafeInteger(n), `${key} = ${n}`).toBe(true);
      }
      for (const p of problems) expect(p).toMatchObject({ source: 'f', code: 'PARSE_ERROR' });
    }),
    { numRuns: 2000 },
  );
}

const every = () => true;

describe('parsers on arbitrary text', () => {
  it('parseProcStat', () => check(parseProcStat, (key) => key === 'id'));
  it('parseMeminfo (used + available = total)', () => {
    check(parseMeminfo, every);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.option(fc.nat()), (total, free, avail) => {
        const text = `MemTotal: ${total} kB\nMemFree: ${free} kB\n${avail === null ? '' : `MemAvailable: ${avail} kB\n`}`;
        const m = parseMeminfo(text);
        expect(m.available).toBeLessThanOrEqual(m.total);
        expect(m.used + m.available).toBe(m.total);
      }),
    );
  });
  it('parseDiskstats', () => check(parseDiskstats, every));
  it('parseNetDev', () => check(parseNetDev, every));
  it('parseLoadavg', () => check(parseLoadavg));
  it('parsePressure', () => check(parsePressure, (key) => key === 'totalUs'));
});
