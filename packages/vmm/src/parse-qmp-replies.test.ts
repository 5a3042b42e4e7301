import { PerfError, type SourceProblem } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { badCountValue } from '../test-support/bad-counts.js';
import { fixtureReturn } from '../test-support/fake-qmp-server.js';
import { parseBlockstats } from './parse-blockstats.js';
import { parseCpusFast } from './parse-cpus-fast.js';
import { parseGuestStats } from './parse-guest-stats.js';
import { parseInfoNetwork } from './parse-info-network.js';
import { parseMemorySizeSummary } from './parse-memory-size-summary.js';

describe('QMP reply parsers on real QEMU 7.2 replies', () => {
  it('query-cpus-fast: cpu-index to host thread id', () => {
    expect(parseCpusFast(fixtureReturn('user-netdev/query-cpus-fast.json'))).toEqual([
      { index: 0, threadId: 13886 },
      { index: 1, threadId: 13887 },
    ]);
    expect(
      parseCpusFast(fixtureReturn('ci-run/query-cpus-fast.json')).map((c) => c.threadId),
    ).toEqual([2026, 2027]);
  });

  it('query-blockstats: only the virtio-blk device, named by its device id, top-node stats', () => {
    const [t0] = parseBlockstats(fixtureReturn('user-netdev/query-blockstats-t0.json'));
    const [t1, ...rest] = parseBlockstats(fixtureReturn('user-netdev/query-blockstats-t1.json'));
    expect(rest).toEqual([]); // ide2-cd0 and sd0 are not virtio-blk
    expect(t0).toEqual({
      device: 'vblk0',
      readBytes: 25170432,
      writeBytes: 786432,
      readOps: 386,
      writeOps: 192,
      flushOps: 0,
      readTimeNs: 30459950,
      writeTimeNs: 99682812,
      flushTimeNs: 0,
    });
    expect(t1!.readBytes!).toBeGreaterThan(t0!.readBytes!);
    expect(t1!.writeBytes!).toBeGreaterThan(t0!.writeBytes!);
  });

  it('balloon guest-stats: total, available, disk caches', () => {
    expect(parseGuestStats(fixtureReturn('user-netdev/balloon-guest-stats-t0.json'))).toEqual({
      total: 227696640,
      available: 201383936,
      free: 197898240,
      diskCaches: 2547712,
      lastUpdate: 1795677071,
    });
  });

  it('balloon guest-stats: -1 (not reported) and an empty reply before polling is on read as null (constructed)', () => {
    const stats = parseGuestStats({
      stats: { 'stat-total-memory': -1, 'stat-available-memory': -1 },
      'last-update': 0,
    });
    expect(stats).toEqual({
      total: null,
      available: null,
      free: null,
      diskCaches: null,
      lastUpdate: 0,
    });
    expect(parseGuestStats({ stats: {}, 'last-update': 0 }).total).toBeNull();
  });

  it('query-memory-size-summary: base plus plugged memory', () => {
    expect(
      parseMemorySizeSummary(fixtureReturn('user-netdev/query-memory-size-summary.json')),
    ).toBe(268435456);
    expect(parseMemorySizeSummary({ 'base-memory': 1024, 'plugged-memory': 512 })).toBe(1536);
  });

  it('throws PARSE_ERROR naming the command when the reply has the wrong shape', () => {
    for (const [parse, reply] of [
      [parseCpusFast, {}],
      [parseBlockstats, 'x'],
      [parseGuestStats, []],
      [parseMemorySizeSummary, null],
    ] as const) {
      try {
        (parse as (v: unknown) => unknown)(reply);
        expect.unreachable();
      } catch (error) {
        expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
        expect((error as PerfError).field).toMatch(/^(query-|qom-get)/);
      }
    }
  });

  it('skips entries it cannot read', () => {
    expect(parseCpusFast([{ 'thread-id': 5 }, null, { 'cpu-index': 1, 'thread-id': 9 }])).toEqual([
      { index: 1, threadId: 9 },
    ]);
    expect(
      parseBlockstats([
        { device: 'x' },
        { qdev: '/machine/peripheral/d/virtio-backend', stats: {} },
      ]),
    ).toEqual([
      {
        device: 'd',
        readBytes: null,
        writeBytes: null,
        readOps: null,
        writeOps: null,
        flushOps: null,
        readTimeNs: null,
        writeTimeNs: null,
        flushTimeNs: null,
      },
    ]);
  });
});

describe('QMP reply parsers on bad numbers (a real reply with one value spoiled)', () => {
  const clone = <T>(v: T): T => structuredClone(v);
  const blockFields = {
    rd_bytes: 'readBytes',
    wr_bytes: 'writeBytes',
    rd_operations: 'readOps',
    wr_operations: 'writeOps',
    flush_operations: 'flushOps',
    rd_total_time_ns: 'readTimeNs',
    wr_total_time_ns: 'writeTimeNs',
    flush_total_time_ns: 'flushTimeNs',
  } as const;

  it('query-blockstats: that counter is null and a problem, the others as QEMU sent them', () => {
    const reply = fixtureReturn('user-netdev/query-blockstats-t0.json') as Array<{
      qdev?: string;
      stats: Record<string, unknown>;
    }>;
    const good = parseBlockstats(reply)[0]!;
    const at = reply.findIndex((e) => e.qdev?.endsWith('/virtio-backend'));
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(blockFields)), badCountValue, (key, bad) => {
        const spoiled = clone(reply);
        spoiled[at]!.stats[key] = bad;
        const problems: SourceProblem[] = [];
        const [device] = parseBlockstats(spoiled, problems);
        const field = blockFields[key as keyof typeof blockFields];
        expect(device).toEqual({ ...good, [field]: null });
        expect(problems).toEqual([
          expect.objectContaining({
            source: 'qmp query-blockstats',
            code: 'PARSE_ERROR',
            message: expect.stringContaining(`vblk0 ${key} is`),
          }),
        ]);
      }),
    );
  });

  it('query-cpus-fast: a bad thread-id is null, a bad cpu-index drops the entry, each a problem', () => {
    const reply = fixtureReturn('user-netdev/query-cpus-fast.json') as Array<
      Record<string, unknown>
    >;
    fc.assert(
      fc.property(badCountValue, fc.constantFrom('thread-id', 'cpu-index'), (bad, key) => {
        const spoiled = clone(reply);
        spoiled[1]![key] = bad;
        const problems: SourceProblem[] = [];
        const cpus = parseCpusFast(spoiled, problems);
        expect(cpus).toEqual(
          key === 'thread-id'
            ? [
                { index: 0, threadId: 13886 },
                { index: 1, threadId: null },
              ]
            : [{ index: 0, threadId: 13886 }],
        );
        expect(problems).toHaveLength(1);
        expect(problems[0]!.message).toContain(key);
      }),
    );
  });

  it('balloon guest-stats: -1 is "not reported" (no problem), any other bad value a problem', () => {
    const reply = fixtureReturn('user-netdev/balloon-guest-stats-t0.json') as {
      stats: Record<string, unknown>;
    };
    fc.assert(
      fc.property(
        badCountValue.filter((v) => v !== -1),
        (bad) => {
          const spoiled = clone(reply);
          spoiled.stats['stat-available-memory'] = bad;
          const problems: SourceProblem[] = [];
          const stats = parseGuestStats(spoiled, problems);
          expect(stats.available).toBeNull();
          expect(stats.total).toBe(227696640);
          expect(problems).toEqual([
            expect.objectContaining({ source: 'qmp balloon guest-stats', code: 'PARSE_ERROR' }),
          ]);
        },
      ),
    );
    const problems: SourceProblem[] = [];
    const unreported = clone(reply);
    unreported.stats['stat-available-memory'] = -1;
    expect(parseGuestStats(unreported, problems).available).toBeNull();
    expect(problems).toEqual([]);
  });

  it('query-memory-size-summary: a bad size makes the total unknown, with a problem', () => {
    fc.assert(
      fc.property(badCountValue, fc.constantFrom('base-memory', 'plugged-memory'), (bad, key) => {
        const problems: SourceProblem[] = [];
        const reply = { 'base-memory': 1024, 'plugged-memory': 512, [key]: bad };
        expect(parseMemorySizeSummary(reply, problems)).toBeNull();
        expect(problems).toHaveLength(1);
        expect(problems[0]!.message).toContain(key);
      }),
    );
  });
});

describe('parseInfoNetwork', () => {
  // `tap`: the text QEMU 7.2 printed on the test VM of qemu-vm.vm.test.ts. `user`: constructed in
  // the same format for `-netdev user` plus a second NIC and a hub line.
  const tap =
    'vnet0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\r\n \\ net0: index=0,type=tap,ifname=tvmc10boqe,script=no,downscript=no\r\n';
  const user =
    'vnet0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56\r\n \\ net0: index=0,type=user,net=10.0.2.0,restrict=off\r\n' +
    'e1000.0: index=0,type=nic,model=e1000,macaddr=52:54:00:12:34:57\r\nhub 0\r\n';

  it('maps each NIC to its tap backend', () => {
    expect(parseInfoNetwork(tap)).toEqual([
      {
        device: 'vnet0',
        model: 'virtio-net-pci',
        backendId: 'net0',
        backendType: 'tap',
        ifname: 'tvmc10boqe',
      },
    ]);
  });

  it('gives user-mode networking no host interface and skips lines it does not know', () => {
    expect(parseInfoNetwork(user)).toEqual([
      {
        device: 'vnet0',
        model: 'virtio-net-pci',
        backendId: 'net0',
        backendType: 'user',
        ifname: null,
      },
      { device: 'e1000.0', model: 'e1000', backendId: null, backendType: null, ifname: null },
    ]);
    expect(parseInfoNetwork('')).toEqual([]);
  });
});
