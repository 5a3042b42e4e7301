import type { SourceProblem } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixtures.test-support.js';
import { parseNetDev } from './parse-net-dev.js';

describe('parseNetDev', () => {
  it('splits at the last colon: eth0:68210035552, ibr10:30, flannel.1 and an emoji name (node_exporter)', () => {
    const rows = parseNetDev(fixture('node_exporter/net_dev'));
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect([...byName.keys()]).toEqual([
      'tun0',
      'veth4B09XN',
      'lo',
      'eth0',
      'lxcbr0',
      'wlan0',
      'docker0',
      'ibr10:30',
      'flannel.1',
      '💩0',
    ]);
    expect(byName.get('eth0')).toEqual({
      name: 'eth0',
      rxBytes: 68210035552,
      rxPackets: 520993275,
      rxErrors: 0,
      rxDropped: 0,
      txBytes: 9315587528,
      txPackets: 43451486,
      txErrors: 0,
      txDropped: 0,
    });
    expect(byName.get('flannel.1')?.txDropped).toBe(64);
    expect(byName.get('💩0')?.rxBytes).toBe(57750104);
  });

  it('reads the other captures (go-osstat eth1:183651236, procfs, jc)', () => {
    const osstat = parseNetDev(fixture('go-osstat/net_dev'));
    expect(osstat.find((r) => r.name === 'eth1')?.rxBytes).toBe(183651236);
    expect(parseNetDev(fixture('procfs/net_dev')).map((r) => r.name)).toEqual([
      'vethf345468',
      'lo',
      'docker0',
      'eth0',
    ]);
    expect(parseNetDev(fixture('jc/net_dev')).find((r) => r.name === 'ens33')?.txPackets).toBe(
      121425,
    );
  });

  it('skips odd lines; data lines with none readable are unreadable, naming the line', () => {
    const header = fixture('jc/net_dev').split('\n').slice(0, 2).join('\n');
    expect(parseNetDev(`${header}\n`)).toEqual([]);
    expect(
      parseNetDev(`${header}\n  x: 1 2\n  lo: ${'1 '.repeat(16)}\n`).map((r) => r.name),
    ).toEqual(['lo']);
    expect(thrown(() => parseNetDev(`${header}\n  eth0 1 2 3\n`, { file: 'n' }))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'n',
      line: 3,
    });
  });

  it('a column that is not a counter skips the interface with a problem naming file, interface and column (constructed)', () => {
    const header = fixture('jc/net_dev').split('\n').slice(0, 2).join('\n');
    const ok = '1 '.repeat(16);
    const problems: SourceProblem[] = [];
    const rows = parseNetDev(
      `${header}\n  lo: ${ok}\n  eth0: 5 -1 0 0 0 0 0 0 ${'1 '.repeat(8)}\n  eth1: ${'1 '.repeat(8)}9007199254740993 1 1 1 1 1 1 1\n`,
      { file: 'proc/net/dev', problems },
    );
    expect(rows.map((r) => r.name)).toEqual(['lo']);
    expect(problems.map((p) => p.message)).toEqual([
      'line 4 skipped: eth0: rx packets "-1" is not a non-negative integer below 2^53',
      'line 5 skipped: eth1: tx bytes "9007199254740993" is not a non-negative integer below 2^53',
    ]);
    expect(problems.every((p) => p.source === 'proc/net/dev')).toBe(true);
  });
});
