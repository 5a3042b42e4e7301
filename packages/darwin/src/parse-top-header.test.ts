import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { parseTopHeader } from './parse-top-header.js';
import { catchError, fixture } from './test-support.js';

const M = 1024 ** 2;
const G = 1024 ** 3;

// Expected values read off each capture by hand (see __fixtures__/macos/PROVENANCE.md).
describe('parseTopHeader on the real top -l 1 captures', () => {
  it('top-mac.out (2016, older PhysMem layout, trailing spaces stripped)', () => {
    const top = parseTopHeader(fixture('macos/novaordis-events-api/top-mac.out'));
    expect(top).toEqual({
      sample: 1,
      samples: 1,
      processes: { total: 249, running: 2, stuck: 10, sleeping: 237, threads: 1279 },
      localTime: '2016/08/04 00:24:56',
      load: { load1: 1.57, load5: 1.59, load15: 1.69 },
      cpu: { user: 2.94, system: 10.29, idle: 86.76 },
      cpuIsRate: false,
      physMem: { used: 13 * G, wired: 1470 * M, compressor: null, unused: 2563 * M },
    });
    // The states read add up to the total top printed: no count went to the wrong state.
    const p = top.processes;
    expect((p?.running ?? 0) + (p?.stuck ?? 0) + (p?.sleeping ?? 0)).toBe(p?.total);
  });

  it('top_l1_n0_2017-06-05 (trailing spaces kept, two empty lines at the end)', () => {
    const top = parseTopHeader(
      fixture('macos/novaordis-events-api/top_l1_n0_2017-06-05_from_java_test.txt'),
    );
    expect(top).toEqual({
      sample: 1,
      samples: 1,
      processes: { total: 263, running: 2, stuck: 5, sleeping: 256, threads: 1421 },
      localTime: '2017/06/05 15:04:51',
      load: { load1: 2.29, load5: 2.02, load15: 1.9 },
      cpu: { user: 2.73, system: 10.95, idle: 86.3 },
      cpuIsRate: false,
      physMem: { used: 15 * G, wired: 1447 * M, compressor: null, unused: 1424 * M },
    });
    expect(top.physMem?.unused).toBe(1493172224);
  });
});

describe('parseTopHeader on constructed input', () => {
  // Constructed in the newer layout (see __fixtures__/constructed/PROVENANCE.md).
  const twoSamples = fixture('constructed/top_l2_n0_compressor.txt');

  it('top -l 2: the second sample is returned, and only it has a CPU line that is a rate', () => {
    const top = parseTopHeader(twoSamples);
    expect([top.sample, top.samples, top.cpuIsRate]).toEqual([2, 2, true]);
    expect(top.cpu).toEqual({ user: 20, system: 5, idle: 75 });
    expect(top.processes).toEqual({
      total: 613,
      running: 3,
      stuck: 1,
      sleeping: 609,
      threads: 3015,
    });
    expect(top.localTime).toBe('2026/01/15 09:30:01');
    expect(top.load).toEqual({ load1: 2.46, load5: 2.24, load15: 2 });
  });

  it('reads the compressor part of the newer PhysMem line', () => {
    expect(parseTopHeader(twoSamples).physMem).toEqual({
      used: 30 * G,
      wired: 3174 * M,
      compressor: 1540 * M,
      unused: 96 * M,
    });
  });

  it('a state top did not print is null, not 0', () => {
    const first = twoSamples.slice(0, twoSamples.indexOf('\n\n'));
    const top = parseTopHeader(first);
    expect([top.sample, top.samples, top.cpuIsRate]).toEqual([1, 1, false]);
    expect(top.processes?.stuck).toBeNull();
    expect(top.processes?.total).toBe(612);
    expect(top.physMem?.compressor).toBe(1536 * M);
  });

  it('a grep of one line is enough; odd values are skipped, not guessed', () => {
    expect(
      parseTopHeader('PhysMem: 7000M used (1500M wired, 700M compressor), 600M unused\n'),
    ).toEqual({
      sample: 1,
      samples: 1,
      processes: null,
      localTime: null,
      load: null,
      cpu: null,
      cpuIsRate: false,
      physMem: { used: 7000 * M, wired: 1500 * M, compressor: 700 * M, unused: 600 * M },
    });
    const odd = parseTopHeader(
      'Processes: -3 total, x running, 7 sleeping\nLoad Avg: 1.0, -2.0, 3.0\nCPU usage: NaN% user, 1% sys, 99% idle\n',
    );
    expect(odd.processes).toEqual({
      total: null,
      running: null,
      stuck: null,
      sleeping: 7,
      threads: null,
    });
    expect([odd.load, odd.cpu]).toEqual([null, null]);
  });

  it('a value past 2^53 (or Infinity) is skipped too (constructed)', () => {
    const odd = parseTopHeader(
      `Processes: 9007199254740993 total, 2 running\nLoad Avg: 99999999999999999999, 1.0, 1.0\nCPU usage: ${'9'.repeat(400)}% user, 1% sys, 99% idle\n`,
    );
    expect(odd.processes).toMatchObject({ total: null, running: 2 });
    expect([odd.load, odd.cpu]).toEqual([null, null]);
  });

  it('text with no top header line is an unknown layout', () => {
    const error = catchError(() => parseTopHeader('PID COMMAND %CPU\n1 launchd 0.0\n', 'top.txt'));
    expect(PerfError.isInstance(error) && [error.code, error.file]).toEqual([
      'PARSE_ERROR',
      'top.txt',
    ]);
  });
});
