import type { SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixtures.test-support.js';
import { parseDiskstats } from './parse-diskstats.js';

describe('parseDiskstats', () => {
  it('reads 14-, 18- and 20-field lines of one file (node_exporter), sectors x 512', () => {
    const disks = parseDiskstats(fixture('node_exporter/diskstats'));
    const byName = new Map(disks.map((d) => [d.name, d]));
    // 8 0 sda 25354637 34367663 1003346126 18492372 28444756 11134226 505697032 63877960 0 9653880 82621804
    expect(byName.get('sda')).toEqual({
      major: 8,
      minor: 0,
      name: 'sda',
      readOps: 25354637,
      readBytes: 1003346126 * 512,
      readTimeMs: 18492372,
      writeOps: 28444756,
      writeBytes: 505697032 * 512,
      writeTimeMs: 63877960,
      ioTimeMs: 9653880,
      fieldCount: 11,
    });
    expect(byName.get('sdb')?.fieldCount).toBe(15);
    expect(byName.get('sdb')?.writeBytes).toBe(1972905 * 512);
    expect(byName.get('sdc')?.fieldCount).toBe(17);
    expect(byName.get('sdc')?.readBytes).toBe(1657779 * 512);
    expect(byName.has('fd0')).toBe(true);
    expect(byName.has('nvme0n1p2')).toBe(true);
  });

  it('reads the 20-field jc capture with its trailing empty line, and 14-field ones', () => {
    const jc = parseDiskstats(fixture('jc/diskstats'));
    expect(jc.every((d) => d.fieldCount === 17)).toBe(true);
    expect(jc.map((d) => d.name)).toContain('sda');
    const xen = parseDiskstats(fixture('go-osstat/diskstats_xen_14field'));
    // 202 1 xvda1 750193 3037 28116978 368712 16600606 7233846 424712632 ...
    expect(xen[0]).toMatchObject({ name: 'xvda1', readOps: 750193, writeBytes: 424712632 * 512 });
    expect(xen.map((d) => d.name)).toContain('dm-628');
    expect(parseDiskstats(fixture('cadvisor/diskstats_14field'))).toHaveLength(54);
  });

  it('keeps the first of repeated names (procfs) and reads the 4-field partition lines of old kernels', () => {
    const names = parseDiskstats(fixture('procfs/diskstats')).map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const old = parseDiskstats('   3    1 hda1 35486 38030 38030 38030\n');
    expect(old[0]).toMatchObject({
      readOps: 35486,
      readBytes: 38030 * 512,
      writeOps: 38030,
      readTimeMs: null,
    });
  });

  it('skips odd lines; a file of nothing but odd lines is unreadable, naming the line', () => {
    const text = '\n 8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n 8 1 sda1 1 2 x\n';
    expect(parseDiskstats(text).map((d) => d.name)).toEqual(['sda']);
    expect(parseDiskstats('')).toEqual([]);
    expect(thrown(() => parseDiskstats('\ngarbage here\n', { file: 'd' }))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'd',
      line: 2,
    });
  });

  it('a value that is not a counter, or sectors past 2^53 bytes, skips the line with a problem naming file, device and field (constructed)', () => {
    const problems: SourceProblem[] = [];
    const text = [
      ' 8 0 sda 1 2 3 4 5 6 7 8 0 10 11',
      ' 8 16 sdb 1 2 -3 4 5 6 7 8 0 10 11',
      ' 8 32 sdc 1 2 3 4 5 6 7 99999999999999999999 0 10 11',
      ' 8 48 sdd 1 2 17592186044416 4 5 6 7 8 0 10 11',
      ' 8 64 sde 1 2 3 4 5 6 1.5 8 0 10 11',
    ].join('\n');
    expect(parseDiskstats(text, { file: 'proc/diskstats', problems }).map((d) => d.name)).toEqual([
      'sda',
    ]);
    expect(problems.map((p) => [p.source, p.code, p.message])).toEqual([
      [
        'proc/diskstats',
        'PARSE_ERROR',
        expect.stringMatching(/^line 2 skipped: sdb: field 3 "-3"/),
      ],
      [
        'proc/diskstats',
        'PARSE_ERROR',
        expect.stringMatching(/^line 3 skipped: sdc: field 8 "9+"/),
      ],
      [
        'proc/diskstats',
        'PARSE_ERROR',
        expect.stringMatching(/^line 4 skipped: sdd: field 3 \(sectors\)/),
      ],
      [
        'proc/diskstats',
        'PARSE_ERROR',
        expect.stringMatching(/^line 5 skipped: sde: field 7 "1.5"/),
      ],
    ]);
  });
});
