import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_COUNTER, parseCounter } from './parse-number.js';

/** The definition: ASCII decimal digits only, at most MAX_COUNTER. */
const byRegex = (token: string | undefined) => {
  if (token === undefined || !/^\d+$/.test(token)) return null;
  const value = Number(token);
  return value <= MAX_COUNTER ? value : null;
};

describe('parseCounter', () => {
  it('reads ASCII decimal digits only, up to 2^53 - 1, as the regex definition does', () => {
    for (const t of [
      undefined,
      '',
      '0',
      '007',
      '-1',
      '+1',
      '1e3',
      ' 1',
      '1 ',
      '٣',
      '12a',
      '999999999999999',
      '9007199254740991',
      '9007199254740992',
      '18446744073709551615',
    ])
      expect(parseCounter(t), String(t)).toBe(byRegex(t));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^\d{1,25}$/),
          fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
        ),
        (t) => parseCounter(t) === byRegex(t),
      ),
    );
  });
});
