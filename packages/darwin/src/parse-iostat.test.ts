import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { disksFromIostat } from './darwin-disks.js';
import { parseIostat } from './parse-iostat.js';
import { catchError, fixture } from './test-support.js';

const dev = (
  name: string,
  kbPerTransfer: number,
  transfersPerSecond: number,
  mbPerSecond: number,
) => ({
  name,
  kbPerTransfer,
  transfersPerSecond,
  mbPerSecond,
  transfers: null,
  megabytes: null,
});

describe('parseIostat on real captures', () => {
  it('OS X 10.8.3 `iostat -d -c 2 -w 1`: two disks, single-space separated header', () => {
    expect(parseIostat(fixture('macos/dd-agent/iostat_d_c2_w1_osx10.8.3.txt'))).toEqual([
      {
        devices: [dev('disk0', 21.11, 23, 0.47), dev('disk1', 20.01, 0, 0)],
        cpu: null,
        load: null,
      },
      { devices: [dev('disk0', 6.67, 3, 0.02), dev('disk1', 0, 0, 0)], cpu: null, load: null },
    ]);
  });

  it('`iostat -w 1 disk0`: disk, cpu and load columns, 6 rows', () => {
    const samples = parseIostat(fixture('macos/aimpugn-study/iostat_w1_disk0.txt'));
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({
      devices: [dev('disk0', 19.72, 135, 2.61)],
      cpu: { user: 11, system: 4, idle: 85 },
      load: { load1: 3.89, load5: 4.51, load15: 4.1 },
    });
    expect(samples[5]).toEqual({
      devices: [dev('disk0', 17, 8, 0.13)],
      cpu: { user: 7, system: 4, idle: 89 },
      load: { load1: 4.54, load5: 4.63, load15: 4.14 },
    });
  });

  it('`iostat -n0 -c2`: cpu and load only', () => {
    expect(parseIostat(fixture('macos/mackerel-agent/iostat_n0_c2_case1.txt'))).toEqual([
      {
        devices: [],
        cpu: { user: 19, system: 9, idle: 72 },
        load: { load1: 2.5, load5: 3.04, load15: 3.2 },
      },
      {
        devices: [],
        cpu: { user: 16, system: 12, idle: 72 },
        load: { load1: 2.5, load5: 3.04, load15: 3.2 },
      },
    ]);
  });

  it('a repeated header block before the second sample', () => {
    const samples = parseIostat(fixture('macos/mackerel-agent/iostat_n0_c2_case2.txt'));
    expect(samples.map((s) => s.cpu)).toEqual([
      { user: 19, system: 9, idle: 72 },
      { user: 16, system: 12, idle: 72 },
    ]);
  });
});

describe('disksFromIostat', () => {
  it('reads `iostat -I -d` totals (CONSTRUCTED input): total bytes, split null', () => {
    const disks = disksFromIostat(parseIostat(fixture('constructed/iostat_I_d.txt')));
    expect(disks).toEqual([
      {
        name: 'disk0',
        kind: 'disk',
        countedInTotal: true,
        readOps: null,
        writeOps: null,
        readBytes: null,
        writeBytes: null,
        totalBytes: Math.round(361470.25 * 1024 * 1024),
        readTimeMs: null,
        writeTimeMs: null,
        ioTimeMs: null,
      },
      expect.objectContaining({
        name: 'disk4',
        totalBytes: Math.round(21.13 * 1024 * 1024),
        readBytes: null,
      }),
    ]);
  });

  it('refuses the per-second layout: it holds no counter', () => {
    const error = catchError(() =>
      disksFromIostat(parseIostat(fixture('macos/dd-agent/iostat_d_c2_w1_osx10.8.3.txt'))),
    );
    expect(PerfError.isInstance(error) && [error.code, error.field]).toEqual(['PARSE_ERROR', 'MB']);
  });

  it('throws PARSE_ERROR on text without a header', () => {
    const error = catchError(() => parseIostat('iostat: no devices\n'));
    expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
  });
});

describe('parseIostat on numbers that are not counts', () => {
  const [groups, columns, row] = fixture('constructed/iostat_I_d.txt').split('\n');
  it('a value past 2^53 (or Infinity) skips its row; a fractional xfrs is null (constructed edit of a constructed capture)', () => {
    const infinite = parseIostat(
      [groups, columns, row!.replace('361470.25', '9'.repeat(400))].join('\n'),
    );
    expect(infinite).toEqual([]);
    const [sample] = parseIostat(
      [groups, columns, row!.replace('17248565', '17248565.5')].join('\n'),
    );
    expect(sample!.devices[0]).toMatchObject({ transfers: null, megabytes: 361470.25 });
  });

  it('megabytes whose bytes pass 2^53 give no total (constructed edit of a constructed capture)', () => {
    const text = [groups, columns, row!.replace('361470.25', '99999999999.5')].join('\n');
    expect(disksFromIostat(parseIostat(text))[0]).toMatchObject({
      name: 'disk0',
      totalBytes: null,
    });
  });
});
