import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { parseLstart, parsePs, parsePsTime } from './parse-ps.js';

const fixture = readFileSync(
  join(import.meta.dirname, '__fixtures__', 'ps_constructed.txt'),
  'utf8',
);

describe('macOS ps parser (constructed fixtures, see __fixtures__/PROVENANCE.md)', () => {
  it('reads every row: KiB to bytes, mmm:ss.cc to seconds, a comm with spaces kept whole', () => {
    const rows = parsePs(fixture);
    expect(rows.map((r) => r.pid)).toEqual([1, 88, 412, 413, 999, 1001]);
    const chrome = rows.find((r) => r.pid === 412)!;
    expect(chrome).toMatchObject({
      ppid: 1,
      uid: 501,
      user: 'alice',
      state: 'R',
      residentBytes: 524288 * 1024,
      comm: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    });
    expect(chrome.cpuSeconds).toBeCloseTo(123 * 60 + 45.67);
    expect(chrome.cpuUserSeconds).toBe(6000);
    expect(rows[0]?.startTime).toBe(new Date(2026, 11, 5, 9, 0, 1).getTime() / 1000);
    expect(rows.find((r) => r.pid === 999)?.state).toBe('Z');
  });

  it('reads other time layouts and refuses what is not a time', () => {
    expect(parsePsTime('0:00.12')).toBeCloseTo(0.12);
    expect(parsePsTime('01:02:03')).toBe(3723);
    expect(parsePsTime('2-01:00:00')).toBe(2 * 86400 + 3600);
    expect(parsePsTime('abc')).toBeNull();
    expect(parseLstart(['Sat', 'Foo', '5', '09:00:01', '2026'])).toBeNull();
  });

  it('reads output without the utime column (recordings made before it): user CPU is null', () => {
    const old = fixture.replace(/^(\s*(?:\S+\s+){5})\S+\s+/gm, '$1');
    expect(old).not.toContain('100:00.00');
    const rows = parsePs(old);
    expect(rows.map((r) => r.pid)).toEqual([1, 88, 412, 413, 999, 1001]);
    expect(rows.find((r) => r.pid === 412)).toMatchObject({
      cpuUserSeconds: null,
      state: 'R',
      user: 'alice',
      comm: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    });
  });

  it('caps user CPU at the total: both are rounded to hundredths', () => {
    const line = '  7 1 0 10 0:00.10 0:00.11 S Sat Dec  5 09:00:01 2026 root /bin/x\n';
    expect(parsePs(line)[0]).toMatchObject({ cpuSeconds: 0.1, cpuUserSeconds: 0.1 });
  });

  it('skips a header and a cut row; nothing readable at all is a PARSE_ERROR', () => {
    const text = `  PID  PPID   UID    RSS      TIME     UTIME STAT STARTED                      USER  COMM\n${fixture}   77 1 0\n`;
    expect(parsePs(text)).toHaveLength(6);
    expect(parsePs('')).toEqual([]);
    expect(() => parsePs('ps: illegal option\n')).toThrow(PerfError);
  });
});
