import { describe, expect, it } from 'vitest';
import { computeVmMetrics } from './compute-vm-metrics.js';
import type { VmReading } from './vm-reading.js';

function reading(at: number, scale: number, extra: Partial<VmReading> = {}): VmReading {
  return {
    id: 'vm1',
    name: 'vm1',
    vmm: 'qemu',
    pid: 123,
    monotonicMs: at,
    time: at,
    vcpus: [
      { index: 0, threadId: 11, cpuSeconds: 0.1 * scale },
      { index: 1, threadId: 12, cpuSeconds: 1 * scale },
    ],
    processCpuSeconds: 1.5 * scale,
    hostCpuCount: 2,
    memoryTotal: 256,
    memoryAvailable: 192,
    memoryUsed: 64,
    memoryDiskCaches: 10,
    memorySource: 'balloon',
    blockDevices: [
      {
        device: 'vblk0',
        readBytes: 1e6 * scale,
        writeBytes: 2e6 * scale,
        readOps: 10 * scale,
        writeOps: 20 * scale,
        flushOps: scale,
        readTimeNs: 1e6 * scale,
        writeTimeNs: 4e6 * scale,
        flushTimeNs: 0,
      },
    ],
    netDevices: [
      {
        device: 'vnet0',
        backend: null,
        rxBytes: null,
        txBytes: null,
        rxPackets: null,
        txPackets: null,
      },
    ],
    problems: [],
    ...extra,
  };
}

describe('computeVmMetrics', () => {
  it('gives per-vCPU and process percentages from thread CPU time', () => {
    const m = computeVmMetrics(reading(0, 1), reading(1_000, 1.5));
    expect(m.vcpuPercent[0]).toBeCloseTo(5);
    expect(m.vcpuPercent[1]).toBeCloseTo(50);
    expect(m.cpuPercent).toBeCloseTo(55);
    expect(m.processCpuPercent).toBeCloseTo(75);
  });

  it('computes virtio-blk rates and mean latency', () => {
    const m = computeVmMetrics(reading(0, 1), reading(2_000, 3));
    expect(m.virtioBlkReadBps).toBeCloseTo(1e6);
    expect(m.virtioBlkWriteIops).toBeCloseTo(20);
    expect(m.blockDevices[0]?.readLatencyMs).toBeCloseTo(0.1);
    expect(m.blockDevices[0]?.writeLatencyMs).toBeCloseTo(0.2);
  });

  it('keeps null net counters null (user-mode networking has none), not 0', () => {
    const m = computeVmMetrics(reading(0, 1), reading(1_000, 2));
    expect(m.virtioNetRxBytes).toBeNull();
    expect(m.virtioNetRxBps).toBeNull();
  });

  it('has no rates on the first reading, and memory from the balloon', () => {
    const m = computeVmMetrics(null, reading(0, 1));
    expect(m.vcpuPercent).toEqual([null, null]);
    expect(m.virtioBlkReadBps).toBeNull();
    expect(m.memoryPercent).toBe(25);
  });

  it('does not match a vCPU whose thread changed (VM restarted)', () => {
    const after = reading(1_000, 2);
    after.vcpus[0]!.threadId = 99;
    expect(computeVmMetrics(reading(0, 1), after).vcpuPercent[0]).toBeNull();
  });
});
