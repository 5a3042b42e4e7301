// Constructed inputs for the tests of this package (not recordings): small readings turned into
// metrics by perf-core, so the exporter sees exactly what the agent gives it.
import {
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  computeVmMetrics,
  type SystemMetrics,
  type SystemReading,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';

const times = (user: number, idle: number) => ({
  user,
  nice: 1,
  system: user / 2,
  idle,
  iowait: 2,
  irq: 0.5,
  softirq: 0.25,
  steal: 0,
  guest: 0.5,
  guestNice: 0,
});

/** A host reading at monotonic `t` ms whose counters are `k` times a base amount. */
export function constructedSystemReading(t: number, k: number): SystemReading {
  return {
    platform: 'linux',
    monotonicMs: t,
    time: 1_700_000_000_000 + t,
    cpuCount: 2,
    cpu: {
      total: times(20 * k, 200 * k),
      cores: [
        { id: 0, times: times(10 * k, 100 * k) },
        { id: 1, times: times(10 * k, 100 * k) },
      ],
    },
    memory: {
      total: 8 * 2 ** 30,
      available: 6 * 2 ** 30,
      used: 2 * 2 ** 30,
      free: 4 * 2 ** 30,
      cached: 2 ** 30,
      buffers: 2 ** 20,
      shared: 2 ** 20,
      swapTotal: 0,
      swapFree: 0,
      swapUsed: 0,
      app: null,
      wired: null,
      compressed: null,
      availableEstimated: false,
      missing: [],
    },
    disks: [
      {
        name: 'vda',
        kind: 'disk',
        countedInTotal: true,
        readOps: 10 * k,
        writeOps: 20 * k,
        readBytes: 4096 * k,
        writeBytes: 8192 * k,
        totalBytes: 12288 * k,
        readTimeMs: 1,
        writeTimeMs: 1,
        ioTimeMs: 2,
      },
    ],
    interfaces: [
      {
        name: 'eth0',
        rxBytes: 1000 * k,
        rxPackets: 10 * k,
        rxErrors: 0,
        rxDropped: 0,
        txBytes: 500 * k,
        txPackets: 5 * k,
        txErrors: 0,
        txDropped: null,
        loopback: false,
        virtual: false,
        countedInTotal: true,
        counterBits: 64,
      },
    ],
    load: { load1: 0.5, load5: 0.25, load15: 0.125 },
    pressure: null,
    problems: [],
  };
}

export function constructedSystem(): SystemMetrics {
  return computeSystemMetrics(constructedSystemReading(1000, 1), constructedSystemReading(2000, 2));
}

/** A container reading at monotonic `t` ms whose counters are `k` times a base amount. */
export function constructedContainerReading(
  id: string,
  name: string,
  t: number,
  k: number,
): ContainerReading {
  return {
    id,
    name,
    runtime: 'cgroup',
    source: 'cgroup',
    cgroupPath: `/arcbox/${name}`,
    labels: {},
    monotonicMs: t,
    time: 1_700_000_000_000 + t,
    cpuSeconds: 1.5 * k,
    systemCpuSeconds: null,
    cpuPeriods: null,
    cpuThrottledPeriods: null,
    cpuThrottledSeconds: null,
    cpuLimitCores: null,
    hostCpuCount: 2,
    hostMemoryTotal: 8 * 2 ** 30,
    memoryUsage: 2 ** 20,
    memoryWorkingSet: 2 ** 19,
    memoryLimit: null,
    blockReadBytes: 100 * k,
    blockWriteBytes: 200 * k,
    blockReadOps: k,
    blockWriteOps: k,
    interfaces: null,
    pids: 3,
    pidsLimit: null,
    problems: [],
  };
}

export function constructedContainer(id: string, name: string): ContainerMetrics {
  return computeContainerMetrics(
    constructedContainerReading(id, name, 1000, 1),
    constructedContainerReading(id, name, 2000, 2),
  );
}

/** A VM reading at monotonic `t` ms whose counters are `k` times a base amount. */
export function constructedVmReading(id: string, t: number, k: number): VmReading {
  return {
    id,
    name: `${id}-name`,
    vmm: 'qemu',
    pid: 4242,
    monotonicMs: t,
    time: 1_700_000_000_000 + t,
    vcpus: [
      { index: 0, threadId: 1, cpuSeconds: 2 * k },
      { index: 1, threadId: 2, cpuSeconds: 3 * k },
    ],
    processCpuSeconds: 6 * k,
    hostCpuCount: 2,
    memoryTotal: 2 ** 30,
    memoryAvailable: 2 ** 29,
    memoryUsed: 2 ** 29,
    memoryDiskCaches: null,
    memorySource: 'balloon',
    blockDevices: [
      {
        device: 'virtio0',
        readBytes: 512 * k,
        writeBytes: 1024 * k,
        readOps: k,
        writeOps: 2 * k,
        flushOps: 0,
        readTimeNs: null,
        writeTimeNs: null,
        flushTimeNs: null,
      },
    ],
    netDevices: [
      {
        device: 'net0',
        backend: 'tap0',
        rxBytes: 10 * k,
        txBytes: 20 * k,
        rxPackets: k,
        txPackets: k,
      },
    ],
    problems: [],
  };
}

export function constructedVm(id: string): VmMetrics {
  return computeVmMetrics(constructedVmReading(id, 1000, 1), constructedVmReading(id, 2000, 2));
}
