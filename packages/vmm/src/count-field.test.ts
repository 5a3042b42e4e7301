import fc from 'fast-check';
import type { SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { badCountText, badCountValue } from '../test-support/bad-counts.js';
import { countField, countText, scaledCount } from './count-field.js';

const where = { source: 'test reply', field: 'dev0 rd_bytes' };

describe('countField', () => {
  it('keeps every non-negative integer a double holds exactly', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const problems: SourceProblem[] = [];
        expect(countField(n, where, problems)).toBe(n);
        expect(problems).toEqual([]);
      }),
    );
    expect(Object.is(countField(-0, where), 0)).toBe(true);
  });

  it('turns anything else into null and one problem naming the field', () => {
    fc.assert(
      fc.property(badCountValue, (value) => {
        const problems: SourceProblem[] = [];
        expect(countField(value, where, problems)).toBeNull();
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ source: 'test reply', code: 'PARSE_ERROR' });
        expect(problems[0]!.message).toMatch(/^dev0 rd_bytes is .*not a non-negative integer$/);
      }),
    );
  });

  it('takes an absent value as not reported: null without a problem', () => {
    const problems: SourceProblem[] = [];
    expect(countField(undefined, where, problems)).toBeNull();
    expect(countField(null, where, problems)).toBeNull();
    expect(problems).toEqual([]);
  });
});

describe('countText', () => {
  it('reads plain decimal digits only', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(countText(String(n), where)).toBe(n);
      }),
    );
    fc.assert(
      fc.property(badCountText, (text) => {
        const problems: SourceProblem[] = [];
        expect(countText(text, where, problems)).toBeNull();
        expect(problems).toHaveLength(1);
      }),
    );
    expect(countText('', where)).toBeNull();
  });

  it('refuses a scaled count that would no longer be exact', () => {
    const problems: SourceProblem[] = [];
    expect(scaledCount(3, 1024, where, problems)).toBe(3072);
    expect(scaledCount(2 ** 50, 1024, where, problems)).toBeNull();
    expect(problems).toHaveLength(1);
  });
});
