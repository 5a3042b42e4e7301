import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCounter } from '../host/parse-number.js';
import { parseProcessStat } from './parse-process-stat.js';

/** What parseProcessStat meant before its one-pass scanner: split the fields after the last ')'. */
function bySplit(text: string) {
  const close = text.lastIndexOf(')');
  const f = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = f[0];
  const ppid = parseCounter(f[1]);
  const utime = parseCounter(f[11]);
  const stime = parseCounter(f[12]);
  const startTime = parseCounter(f[19]);
  if (state === undefined || state.length !== 1) return 'state';
  if (ppid === null) return 'ppid';
  if (utime === null) return 'utime';
  if (stime === null) return 'stime';
  if (startTime === null) return 'starttime';
  return {
    comm: text.slice(text.indexOf('(') + 1, close),
    state,
    ppid,
    utime,
    stime,
    threads: parseCounter(f[17]),
    startTime,
    rssPages: parseCounter(f[21]),
  };
}

const token = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom(
    'S',
    'R',
    'D',
    'Z',
    '-1',
    '18446744073709551615',
    '99999999999999999999',
    'x',
    '',
  ),
);
const blank = fc.constantFrom(' ', '  ', '\t', ' \r');

describe('parseProcessStat (property: the one-pass scanner reads what splitting read)', () => {
  it('same fields, or the same field named as bad, for any line of tokens', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.array(fc.tuple(token, blank), { maxLength: 52 }),
        fc.constantFrom('', '\n', ' \n'),
        (comm, tokens, tail) => {
          const text = `42 (${comm}) ${tokens.map(([t, b]) => t + b).join('')}${tail}`;
          const expected = bySplit(text);
          let got: unknown;
          try {
            got = parseProcessStat(text);
          } catch (error) {
            got = (error as { field?: string }).field;
          }
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
