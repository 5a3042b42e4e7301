import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { darwinInterfaces } from './darwin-interfaces.js';
import { parseNetstatInterfaces } from './parse-netstat.js';
import { catchError, fixture } from './test-support.js';

describe('parseNetstatInterfaces on real captures', () => {
  it('Yosemite `-ibdnW` with Drop: one row per interface, address rows ignored', () => {
    const links = parseNetstatInterfaces(fixture('macos/gopsutil/netstat_ib_not_truncated.txt'));
    expect(links.map((l) => [l.name, l.index, l.up])).toEqual([
      ['lo0', 1, true],
      ['gif0', 2, false],
      ['stf0', 3, false],
      ['en0', 4, true],
    ]);
    expect(links[0]).toEqual({
      name: 'lo0',
      up: true,
      index: 1,
      mtu: 16384,
      address: null,
      ipkts: 27190978,
      ierrs: 0,
      ibytes: 12824763793,
      opkts: 27190978,
      oerrs: 0,
      obytes: 12824763793,
      coll: 0,
      drop: 0,
    });
    expect(links[3]).toMatchObject({
      address: 'a8:66:7f:dd:ee:ff',
      ipkts: 5708989,
      ibytes: 7295722068,
      opkts: 3494252,
      obytes: 379533492,
      drop: 230,
    });
  });

  it('truncated names: utun8 five times, told apart by Link#', () => {
    const links = parseNetstatInterfaces(fixture('macos/gopsutil/netstat_ib_truncated_utun.txt'));
    const utun = links.filter((l) => l.name === 'utun8');
    expect(utun.map((l) => [l.index, l.ipkts, l.ibytes])).toEqual([
      [88, 286, 27175],
      [90, 286, 29554],
      [92, 286, 29244],
      [93, 286, 28267],
      [95, 286, 28593],
    ]);
    const readings = darwinInterfaces(links);
    expect(readings.map((r) => r.name)).toEqual([
      'lo0',
      'gif0',
      'stf0',
      'utun8#88',
      'utun8#90',
      'utun8#92',
      'utun8#93',
      'utun8#95',
    ]);
    expect(readings.filter((r) => r.countedInTotal)).toEqual([]);
    expect(readings[0]).toMatchObject({
      rxBytes: 3769823,
      loopback: true,
      virtual: false,
      counterBits: 32,
    });
  });

  it('`-bni` without a Drop column', () => {
    const links = parseNetstatInterfaces(fixture('macos/go-osstat/netstat_bni_darwin.txt'));
    expect(links.map((l) => l.name)).toEqual(['lo0', 'gif0', 'stf0', 'en0', 'en1', 'en2']);
    expect(links[3]).toMatchObject({
      address: 'a4:5e:60:aa:aa:aa',
      ipkts: 23300388,
      ibytes: 18096041919,
      opkts: 17727990,
      obytes: 8602191509,
      coll: 0,
      drop: null,
    });
    const en0 = darwinInterfaces(links)[3]!;
    expect(en0).toMatchObject({
      rxBytes: 18096041919,
      txBytes: 8602191509,
      countedInTotal: true,
      counterBits: 64,
    });
  });

  it('2012 `-i -d -l -b -n`: Drop in the header but not on link rows; an 8-byte FireWire address', () => {
    const links = parseNetstatInterfaces(fixture('macos/ohai/netstat_i_d_l_b_n.txt'));
    expect(links.map((l) => l.name)).toEqual([
      'lo0',
      'gif0',
      'stf0',
      'en1',
      'p2p0',
      'en0',
      'fw0',
      'utun0',
    ]);
    expect(links[3]).toMatchObject({
      ipkts: 5921903,
      ibytes: 2530556736,
      opkts: 14314573,
      obytes: 18228234970,
      drop: null,
    });
    expect(links[6]).toMatchObject({
      address: 'a4:b1:97:ff:fe:b9:3a:d4',
      up: false,
      obytes: 1038,
      ibytes: 0,
    });
    expect(links[7]).toMatchObject({
      address: null,
      ipkts: 5,
      ibytes: 324,
      opkts: 13,
      obytes: 740,
    });
    const r = darwinInterfaces(links);
    expect(r.filter((i) => i.countedInTotal).map((i) => i.name)).toEqual(['en1', 'en0', 'fw0']);
    expect(r.find((i) => i.name === 'p2p0')?.virtual).toBe(true);
    expect(r.find((i) => i.name === 'utun0')?.virtual).toBe(true);
  });

  it('10.14.6 `netstat -i` (no -b): packets and names, but no byte counters to report', () => {
    const links = parseNetstatInterfaces(fixture('macos/jc/netstat-i_osx-10.14.6.out'));
    expect(links).toHaveLength(23);
    expect(links.map((l) => l.name).slice(0, 12)).toEqual([
      'lo0',
      'gif0',
      'stf0',
      'VHC12',
      'XHC1',
      'XHC0',
      'XHC20',
      'en5',
      'ap1',
      'en0',
      'p2p0',
      'awdl0',
    ]);
    expect(links.find((l) => l.name === 'en0')).toMatchObject({
      index: 10,
      ipkts: 23300545,
      ierrs: 0,
      opkts: 26448755,
      oerrs: 464,
      ibytes: null,
      obytes: null,
    });
    expect(links.filter((l) => l.name === 'vmnet').map((l) => [l.index, l.ipkts])).toEqual([
      [19, 0],
      [20, 1853],
    ]);
    expect(links.find((l) => l.name === 'bridg')?.index).toBe(17);
    const error = catchError(() => darwinInterfaces(links));
    expect(PerfError.isInstance(error) && [error.code, error.field]).toEqual([
      'PARSE_ERROR',
      'Ibytes',
    ]);
  });
});

describe('darwinInterfaces', () => {
  it('keeps loopback and virtual interfaces per interface, out of the total', () => {
    const links = parseNetstatInterfaces(fixture('macos/gopsutil/netstat_ib_not_truncated.txt'));
    expect(
      darwinInterfaces(links).map((i) => [
        i.name,
        i.loopback,
        i.virtual,
        i.countedInTotal,
        i.counterBits,
        i.txDropped,
      ]),
    ).toEqual([
      ['lo0', true, false, false, 64, 0],
      ['gif0', false, true, false, 32, 0],
      ['stf0', false, true, false, 32, 0],
      ['en0', false, false, true, 64, 230],
    ]);
  });

  it('flags every listed virtual kind', () => {
    const names = [
      'utun3',
      'awdl0',
      'llw0',
      'bridge100',
      'vmenet0',
      'gif0',
      'stf0',
      'anpi0',
      'ap1',
      'en0',
      'en7',
    ];
    const text = [
      'Name  Mtu   Network       Address            Ipkts Ierrs     Ibytes    Opkts Oerrs     Obytes  Coll',
      ...names.map(
        (n, k) =>
          `${n} 1500  <Link#${k + 1}>                      1     0          2        3     0          4     0`,
      ),
    ].join('\n');
    const r = darwinInterfaces(parseNetstatInterfaces(text));
    expect(r.filter((i) => i.countedInTotal).map((i) => i.name)).toEqual(['en0', 'en7']);
  });

  it('throws PARSE_ERROR on a layout without the header', () => {
    const error = catchError(() => parseNetstatInterfaces('netstat: illegal option -- W\n'));
    expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
  });
});

describe('parseNetstatInterfaces on numbers that are not counts', () => {
  it('an MTU past 2^53 is null; a link index past 2^53 names nothing, so its row is skipped (constructed edit of a real capture)', () => {
    const [header, lo0] = fixture('macos/gopsutil/netstat_ib_not_truncated.txt').split('\n');
    const text = [
      header,
      lo0!.replace('16384', '99999999999999999999'),
      lo0!.replace('lo0  ', 'lo1  ').replace('<Link#1>', '<Link#99999999999999999999>'),
      lo0!.replace('lo0  ', 'lo2  ').replace('<Link#1>', '<Link#2>').replace('27190978', '-5'),
    ].join('\n');
    const links = parseNetstatInterfaces(text);
    expect(links.map((l) => [l.name, l.index, l.mtu])).toEqual([['lo0', 1, null]]);
  });
});
