import { readFileSync } from 'node:fs';
import type { SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { thrown } from './fixtures.test-support.js';
import { parsePressure } from './parse-pressure.js';

describe('parsePressure', () => {
  it('reads some and full lines (constructed input in the kernel format)', () => {
    const text =
      'some avg10=1.25 avg60=0.50 avg300=0.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7\n';
    expect(parsePressure(text)).toEqual({
      some: { avg10: 1.25, avg60: 0.5, avg300: 0, totalUs: 123456 },
      full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 7 },
    });
  });

  it('a cpu file without a full line (before 5.13) has full null; odd lines skipped', () => {
    const p = parsePressure('junk\nsome avg10=0.00 avg60=0.00 avg300=0.00 total=1 extra=x\n');
    expect(p.full).toBeNull();
    expect(p.some?.totalUs).toBe(1);
  });

  it.skipIf(!existsPsi())(
    'reads this machine’s /proc/pressure files (needs a kernel with PSI enabled)',
    () => {
      for (const r of ['cpu', 'memory', 'io']) {
        const p = parsePressure(readFileSync(`/proc/pressure/${r}`, 'utf8'));
        expect(p.some).not.toBeNull();
      }
    },
  );

  it('unreadable input names file and line', () => {
    expect(thrown(() => parsePressure('some avg10=x\n', { file: 'p' }))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'p',
      line: 1,
    });
  });
  it('a value past 2^53 or negative skips its line with a problem naming file, line and key (constructed)', () => {
    const problems: SourceProblem[] = [];
    const text =
      'some avg10=1.00 avg60=0.50 avg300=0.00 total=99999999999999999999\nfull avg10=-1.00 avg60=0.00 avg300=0.00 total=7\n';
    expect(() => parsePressure(text, { file: 'proc/pressure/io', problems })).toThrow(
      /no readable pressure line/,
    );
    expect(problems.map((p) => [p.source, p.message])).toEqual([
      ['proc/pressure/io', 'line 1 skipped: some: total="99999999999999999999" is past 2^53'],
      [
        'proc/pressure/io',
        'line 2 skipped: full: avg10="-1.00" is not a non-negative number up to 2^53',
      ],
    ]);
    const kept = parsePressure(
      'some avg10=1.00 avg60=0.50 avg300=0.00 total=9007199254740993\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7\n',
    );
    expect(kept).toEqual({ some: null, full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 7 } });
  });
});

function existsPsi(): boolean {
  try {
    readFileSync('/proc/pressure/cpu');
    return true;
  } catch {
    return false;
  }
}
