import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { disksFromIoreg } from './darwin-disks.js';
import { parseIoregBlockStorage } from './parse-ioreg.js';
import { catchError, fixture } from './test-support.js';

// No capture of this command exists among the fixtures: the input is CONSTRUCTED in the
// published format (see __fixtures__/constructed/PROVENANCE.md).
describe('parseIoregBlockStorage (CONSTRUCTED input)', () => {
  const drivers = parseIoregBlockStorage(fixture('constructed/ioreg_block_storage.txt'));

  it('names each driver by its IOMedia child, printed after the counters', () => {
    expect(drivers.map((d) => [d.bsdName, d.mediaName, d.whole])).toEqual([
      ['disk0', 'APPLE SSD AP1024R Media', true],
      ['disk4', 'SanDisk Extreme Media', true],
      [null, null, null],
    ]);
  });

  it('reads the Statistics dictionary; absent keys stay null, not 0', () => {
    expect(drivers[0]!.statistics).toEqual({
      bytesRead: 215731134464,
      bytesWritten: 143358681088,
      operationsRead: 9816457,
      operationsWritten: 7432108,
      totalTimeReadNs: 1874520731245,
      totalTimeWriteNs: 702113578910,
    });
    expect(drivers[1]!.statistics).toEqual({
      bytesRead: 19145728,
      bytesWritten: 868352,
      operationsRead: 1187,
      operationsWritten: 212,
      totalTimeReadNs: null,
      totalTimeWriteNs: null,
    });
  });

  it('turns drivers into disk readings with the read/write split', () => {
    const disks = disksFromIoreg(drivers);
    expect(disks[0]).toEqual({
      name: 'disk0',
      kind: 'disk',
      countedInTotal: true,
      readOps: 9816457,
      writeOps: 7432108,
      readBytes: 215731134464,
      writeBytes: 143358681088,
      totalBytes: 215731134464 + 143358681088,
      readTimeMs: 1874520.731245,
      writeTimeMs: 702113.57891,
      ioTimeMs: null,
    });
    expect(disks[1]).toMatchObject({
      name: 'disk4',
      readTimeMs: null,
      totalBytes: 19145728 + 868352,
    });
    expect(disks[2]).toMatchObject({ name: 'driver2', readBytes: 0 });
  });

  it('prefers the whole-disk IOMedia when partitions are printed too', () => {
    const text = [
      '+-o IOBlockStorageDriver  <class IOBlockStorageDriver, id 0x1, registered>',
      '  | {',
      '  |   "Statistics" = {"Bytes (Read)"=10,"Bytes (Write)"=20}',
      '  | }',
      '  +-o Untitled Media  <class IOMedia, id 0x2, registered>',
      '    | {',
      '    |   "Whole" = No',
      '    |   "BSD Name" = "disk9s1"',
      '    | }',
      '  +-o Whole Media  <class IOMedia, id 0x3, registered>',
      '      {',
      '        "Whole" = Yes',
      '        "BSD Name" = "disk9"',
      '      }',
      '+-o IOBlockStorageDriver  <class IOBlockStorageDriver, id 0x4, registered>',
    ].join('\n');
    expect(parseIoregBlockStorage(text).map((d) => d.bsdName)).toEqual(['disk9', null]);
  });

  it('empty output is no driver; other text is an unknown layout', () => {
    expect(parseIoregBlockStorage('')).toEqual([]);
    const error = catchError(() => parseIoregBlockStorage('ioreg: unknown option -- l\n'));
    expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
  });
});

describe('disksFromIoreg on counters near 2^53', () => {
  it('a read + write total past 2^53 is null, not a rounded sum (constructed)', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const text = fixture('constructed/ioreg_block_storage.txt')
      .replace('"Bytes (Read)"=215731134464', `"Bytes (Read)"=${max}`)
      .replace('"Bytes (Write)"=143358681088', `"Bytes (Write)"=${max}`);
    const [disk0] = disksFromIoreg(parseIoregBlockStorage(text));
    expect(disk0).toMatchObject({ readBytes: max, writeBytes: max, totalBytes: null });
    // A value past 2^53 is no counter at all.
    const past = fixture('constructed/ioreg_block_storage.txt').replace(
      '"Bytes (Read)"=215731134464',
      '"Bytes (Read)"=9007199254740993',
    );
    expect(parseIoregBlockStorage(past)[0]!.statistics.bytesRead).toBeNull();
  });
});
