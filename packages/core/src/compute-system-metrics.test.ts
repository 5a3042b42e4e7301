import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSystemMetrics } from './compute-system-metrics.js';
import { emptyCpuTimes } from './cpu-times.js';
import type { NetInterfaceReading } from './reading.js';
import type { DiskReading, SystemReading } from './system-reading.js';

const GIB = 1024 ** 3;

function disk(name: string, bytes: number, counted = true): DiskReading {
  return {
    name,
    kind: counted ? 'disk' : 'virtual',
    countedInTotal: counted,
    readOps: bytes / 4096,
    writeOps: bytes / 8192,
    readBytes: bytes,
    writeBytes: bytes / 2,
    totalBytes: bytes * 1.5,
    readTimeMs: 0,
    writeTimeMs: 0,
    ioTimeMs: bytes / 1e6,
  };
}

function nic(
  name: string,
  bytes: number,
  extra: Partial<NetInterfaceReading> = {},
): NetInterfaceReading {
  return {
    name,
    rxBytes: bytes,
    rxPackets: bytes / 1000,
    rxErrors: 0,
    rxDropped: 0,
    txBytes: bytes * 2,
    txPackets: bytes / 500,
    txErrors: 0,
    txDropped: 0,
    loopback: false,
    virtual: false,
    countedInTotal: true,
    counterBits: 64,
    ...extra,
  };
}

function reading(at: number, scale: number): SystemReading {
  return {
    platform: 'linux',
    monotonicMs: at,
    time: 1_700_000_000_000 + at,
    cpuCount: 2,
    cpu: {
      total: { ...emptyCpuTimes(), user: 10 * scale, idle: 30 * scale },
      cores: [
        { id: 0, times: { ...emptyCpuTimes(), user: 10 * scale, idle: 10 * scale } },
        { id: 1, times: { ...emptyCpuTimes(), idle: 20 * scale } },
      ],
    },
    memory: {
      total: 8 * GIB,
      available: 6 * GIB,
      used: 2 * GIB,
      free: 5 * GIB,
      cached: GIB,
      buffers: 0,
      shared: 0,
      swapTotal: 0,
      swapFree: 0,
      swapUsed: 0,
      app: null,
      wired: null,
      compressed: null,
      availableEstimated: false,
      missing: [],
    },
    disks: [disk('sda', 1e6 * scale), disk('loop0', 9e9 * scale, false)],
    interfaces: [
      nic('eth0', 1e4 * scale),
      nic('lo', 1e9 * scale, { loopback: true, countedInTotal: false }),
    ],
    load: { load1: 0.5, load5: 0.25, load15: 0.1 },
    pressure: null,
    problems: [],
  };
}

describe('computeSystemMetrics', () => {
  it('has no rates on the first reading, never a made-up 0', () => {
    const m = computeSystemMetrics(null, reading(0, 1));
    expect(m.intervalMs).toBeNull();
    expect(m.cpuPercent).toBeNull();
    expect(m.cpuPerCore.map((c) => c.percent)).toEqual([null, null]);
    expect(m.diskReadBps).toBeNull();
    expect(m.netRxBps).toBeNull();
    expect(m.memoryUsed).toBe(2 * GIB);
    expect(m.memoryPercent).toBe(25);
    expect(m.load1).toBe(0.5);
  });

  it('computes rates from two readings, leaving out uncounted devices', () => {
    const m = computeSystemMetrics(reading(0, 1), reading(2_000, 2));
    expect(m.intervalMs).toBe(2_000);
    expect(m.cpuPercent).toBeCloseTo(25);
    expect(m.cpuPerCore).toEqual([
      { id: 0, percent: 50 },
      { id: 1, percent: 0 },
    ]);
    expect(m.diskReadBps).toBe(5e5);
    expect(m.diskWriteBps).toBe(2.5e5);
    expect(m.diskReadBytes).toBe(2e6);
    expect(m.netRxBps).toBe(5e3);
    expect(m.netTxBps).toBe(1e4);
    const loop = m.disks.find((d) => d.name === 'loop0');
    expect(loop?.readBps).toBe(4.5e9);
    expect(m.interfaces.find((i) => i.name === 'lo')?.rxBps).toBe(5e8);
  });

  it('matches cores by id, not by position', () => {
    const before = reading(0, 1);
    const after = reading(1_000, 2);
    after.cpu!.cores.reverse();
    const m = computeSystemMetrics(before, after);
    expect(m.cpuPerCore).toEqual([
      { id: 1, percent: 0 },
      { id: 0, percent: 50 },
    ]);
  });

  it('gives a reset device no rate and the others theirs', () => {
    const after = reading(1_000, 2);
    after.disks!.push(disk('sdb', 10));
    const before = reading(0, 1);
    before.disks!.push(disk('sdb', 1e9));
    const m = computeSystemMetrics(before, after);
    expect(m.disks.find((d) => d.name === 'sdb')?.readBps).toBeNull();
    expect(m.diskReadBps).toBe(1e6);
  });

  it('has no rates when the monotonic clock did not advance', () => {
    const m = computeSystemMetrics(reading(5_000, 1), reading(5_000, 2));
    expect(m.cpuPercent).toBeNull();
    expect(m.diskReadBps).toBeNull();
  });

  it('never yields negative or non-finite rates for any pair of readings (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0.001, max: 100, noNaN: true }),
        fc.double({ min: 0.001, max: 100, noNaN: true }),
        (t0, t1, s0, s1) => {
          const m = computeSystemMetrics(reading(t0, s0), reading(t1, s1));
          const rates = [
            m.cpuPercent,
            m.diskReadBps,
            m.diskWriteBps,
            m.netRxBps,
            m.netTxPps,
            m.diskReadIops,
          ];
          return rates.every((r) => r === null || (Number.isFinite(r) && r >= 0));
        },
      ),
    );
  });
});
