import { readFileSync } from 'node:fs';
import { PerfError } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTaskStatCpuTicks } from './parse-task-stat.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../__fixtures__/vm/qemu/${name}`, import.meta.url), 'utf8');

/** The captures hold `<tid> <raw stat line>` per vCPU thread. */
const taskLines = (name: string) =>
  fixture(name)
    .trim()
    .split('\n')
    .map((l) => {
      const space = l.indexOf(' ');
      return { tid: Number(l.slice(0, space)), stat: l.slice(space + 1) };
    });

describe('parseTaskStatCpuTicks', () => {
  it('reads utime and stime of real QEMU vCPU threads named "CPU n/TCG"', () => {
    const [cpu0, cpu1] = taskLines('proc-vcpu-task-stat-t0.txt');
    expect(parseTaskStatCpuTicks(cpu0!.stat)).toEqual({ utime: 432, stime: 95 });
    expect(parseTaskStatCpuTicks(cpu1!.stat)).toEqual({ utime: 1799, stime: 77 });
  });

  it('reads the whole QEMU process line', () => {
    expect(parseTaskStatCpuTicks(fixture('proc-qemu-stat-t0.txt'))).toEqual({
      utime: 2318,
      stime: 200,
    });
  });

  it('shows the busy vCPU of the ci run gaining more ticks', () => {
    const t0 = taskLines('vcpu-stat-t0.txt').map((t) => parseTaskStatCpuTicks(t.stat));
    const t1 = taskLines('vcpu-stat-t1.txt').map((t) => parseTaskStatCpuTicks(t.stat));
    const gained = t0.map((a, i) => t1[i]!.utime + t1[i]!.stime - a.utime - a.stime);
    expect(gained).toEqual([12, 63]);
  });

  it('counts fields after the last parenthesis, whatever the name holds (constructed)', () => {
    const line = '7 (a) b) (c) R 1 7 7 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 5 0 0';
    expect(parseTaskStatCpuTicks(line)).toEqual({ utime: 11, stime: 22 });
  });

  it('throws a PerfError naming file and field on a cut line (constructed)', () => {
    try {
      parseTaskStatCpuTicks('7 (x) R 1 7 7 0 -1 0 0 0 0 0 11', 'proc/7/stat');
      expect.unreachable();
    } catch (error) {
      expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
      expect((error as PerfError).field).toBe('stime');
      expect((error as PerfError).file).toBe('proc/7/stat');
    }
    expect(() => parseTaskStatCpuTicks('garbage')).toThrow(/no command name/);
  });

  it('a utime or stime that is not a tick count is a PARSE_ERROR naming file and field, never a negative time (constructed)', () => {
    const line = (utime: string, stime: string) =>
      `7 (CPU 0/TCG) R 1 7 7 0 -1 0 0 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 5 0 0`;
    for (const [utime, stime, field] of [
      ['-5', '22', 'utime'],
      ['11', '-3', 'stime'],
      ['1.5', '22', 'utime'],
      ['11', '99999999999999999999', 'stime'],
      ['NaN', '22', 'utime'],
      ['1e3', '22', 'utime'],
    ] as const) {
      try {
        parseTaskStatCpuTicks(line(utime, stime), 'proc/7/task/8/stat');
        expect.unreachable(`${utime} ${stime}`);
      } catch (error) {
        expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
        expect((error as PerfError).field).toBe(field);
        expect((error as PerfError).file).toBe('proc/7/task/8/stat');
      }
    }
  });

  it('gives whole non-negative ticks or a PARSE_ERROR for any text (property)', () => {
    const value = fc.oneof(
      fc.nat().map(String),
      fc.constantFrom('-1', '-0', '1.5', '1e3', '0x1f', 'NaN', '', '9007199254740993'),
      fc.string({ maxLength: 4 }),
    );
    const stat = fc
      .tuple(fc.string({ maxLength: 12 }), fc.array(value, { minLength: 11, maxLength: 16 }))
      .map(([name, fields]) => `7 (${name}) ${fields.join(' ')}`);
    fc.assert(
      fc.property(fc.oneof(stat, fc.string({ unit: 'binary' })), (text) => {
        let ticks: { utime: number; stime: number };
        try {
          ticks = parseTaskStatCpuTicks(text);
        } catch (error) {
          expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
          return;
        }
        for (const n of [ticks.utime, ticks.stime])
          expect(Number.isSafeInteger(n) && n >= 0, String(n)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
