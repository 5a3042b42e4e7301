import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlkio, parseIoStat } from './parse-io-stat.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../__fixtures__/cgroup/${name}`, import.meta.url), 'utf8');

describe('parseIoStat (cgroup v2 io.stat, real captures)', () => {
  it('sums every device; stat-less devices listed first on the same line do not count (ubuntu capture)', () => {
    const t = parseIoStat(fixture('io_stat/ubuntu_io.stat'));
    expect(t).toEqual({
      readBytes: 556032 + 21017600,
      writeBytes: 0,
      readOps: 78 + 629,
      writeOps: 0,
      devices: 2,
    });
  });

  it('survives stat-less devices at the end with no final newline (ubuntu2 capture)', () => {
    const t = parseIoStat(fixture('io_stat/ubuntu2_io.stat'));
    expect(t.readBytes).toBe(45931053056 + 48963873792);
    expect(t.writeBytes).toBe(211814596608 + 217588278272);
    expect(t.writeOps).toBe(21426614 + 15358572);
    expect(t.devices).toBe(2);
  });

  it('survives devices run together with no separator and iocost pairs (opencontainers capture)', () => {
    // `7:1 7:07:7 ... 7:0251:0 rbytes=...`: the stats belong to 251:0, glued to the 7:0 before it.
    const withCost = parseIoStat(fixture('opencontainers-cgroups/io.stat_v2_with_iocost_debug'));
    expect(withCost.readBytes).toBe(2285568 + 2037743988736 + 4085926524416);
    expect(withCost.writeBytes).toBe(688128 + 1036567117824 + 1036680064512);
    expect(withCost.devices).toBe(3);
    const plain = parseIoStat(fixture('opencontainers-cgroups/io.stat_v2'));
    expect(plain.readBytes).toBe(6901432320 + 2702336 + 6911345664);
  });

  it('reads the telegraf v2 single-device file', () => {
    expect(parseIoStat(fixture('telegraf_cgroup/v2/io.stat'))).toEqual({
      readBytes: 74526720,
      writeBytes: 3789381632,
      readOps: 2936,
      writeOps: 181928,
      devices: 1,
    });
  });

  it('gives zeros, not a throw, for an empty file or garbage', () => {
    expect(parseIoStat('').devices).toBe(0);
    expect(parseIoStat('garbage line\nrbytes=5\n').readBytes).toBe(0);
  });
  it('a value that is not a count makes its sum null, never an undercount or a negative (constructed)', () => {
    const text = [
      '8:0 rbytes=4096 wbytes=-123456789 rios=1.5 wios=3 dbytes=-1 dios=0',
      '8:16 rbytes=4096 wbytes=100 rios=2 wios= cost.vrate=-100.00',
    ].join('\n');
    expect(parseIoStat(text)).toEqual({
      readBytes: 8192,
      writeBytes: null,
      readOps: null,
      writeOps: null,
      devices: 2,
    });
    // Past 2^53, alone or summed over devices.
    expect(parseIoStat('8:0 rbytes=99999999999999999999\n').readBytes).toBeNull();
    expect(
      parseIoStat('8:0 rbytes=9007199254740000\n8:16 rbytes=9007199254740000\n').readBytes,
    ).toBeNull();
    expect(parseIoStat('8:0 rbytes=NaN wbytes=Infinity rios=0x10 wios=1e3\n')).toMatchObject({
      readBytes: null,
      writeBytes: null,
      readOps: null,
      writeOps: null,
    });
  });
});

describe('parseBlkio (cgroup v1 blkio tables)', () => {
  it('sums Read and Write rows and skips the bare Total line (elastic docker capture)', () => {
    const text = fixture(
      'cgroupv1_docker/sys/fs/cgroup/blkio/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242/blkio.throttle.io_service_bytes',
    );
    expect(parseBlkio(text)).toEqual({ read: 4608 + 4608 + 1638912, write: 0, devices: 3 });
  });

  it('reads the telegraf op table', () => {
    const t = parseBlkio(fixture('telegraf_cgroup/blkio/blkio.throttle.io_serviced'));
    expect(t.read).toBeGreaterThanOrEqual(49134);
    expect(t.write).toBeGreaterThanOrEqual(216703);
  });

  it('skips odd rows (an unexpected line) without throwing', () => {
    expect(parseBlkio('8:0 Read 10\nthis is odd\n8:0 Write x\n8:0 Write 5\nTotal 15\n')).toEqual({
      read: 10,
      write: 5,
      devices: 1,
    });
  });
});
