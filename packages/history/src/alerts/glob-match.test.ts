import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatches } from './glob-match.js';

/** The obvious reference: the glob as an anchored regular expression (exponential, small inputs only). */
function byRegExp(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

describe('globMatches', () => {
  it('matches literally without a star, and * as any run', () => {
    expect(globMatches('web', 'web')).toBe(true);
    expect(globMatches('web', 'web-1')).toBe(false);
    expect(globMatches('web-*', 'web-1')).toBe(true);
    expect(globMatches('*-1', 'web-1')).toBe(true);
    expect(globMatches('w*b*1', 'web-1')).toBe(true);
    expect(globMatches('*', '')).toBe(true);
    expect(globMatches('a*a', 'a')).toBe(false);
    expect(globMatches('.*', 'x')).toBe(false);
  });

  it('agrees with the regular-expression reading on any pattern and name', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '-', '*', '.'), maxLength: 8 });
    fc.assert(
      fc.property(
        text,
        fc.string({ unit: fc.constantFrom('a', 'b', '-', '.'), maxLength: 10 }),
        (p, v) => {
          expect(globMatches(p, v)).toBe(byRegExp(p, v));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('answers an adversarial pattern on a long name in one pass, not by backtracking', () => {
    // `*-*-*-*-*-*-*-x` against 80 dashes took seconds per match with a RegExp (issue 19).
    const pattern = '*-*-*-*-*-*-*-x';
    const name = '-'.repeat(80);
    for (let i = 0; i < 1000; i++) expect(globMatches(pattern, name)).toBe(false);
    // Work is bounded by pieces x name length: a 10,000-character name with 200 pieces still
    // answers (a backtracking matcher would not finish).
    expect(globMatches('*-'.repeat(200) + 'x', '-'.repeat(10_000))).toBe(false);
    expect(globMatches('*-'.repeat(200) + 'x', `${'-'.repeat(10_000)}x`)).toBe(true);
  });
});
