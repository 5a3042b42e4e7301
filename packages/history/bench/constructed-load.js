// A constructed load for the benchmarks: metrics of one host, N containers and M VMs computed by
// perf-core from constructed readings (not a recording: the figures only need realistic shapes).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeContainerMetrics, computeSystemMetrics, computeVmMetrics } from '@arcbox/perf-core';

const times = (busy, idle) => ({
  user: busy * 0.7,
  nice: 0,
  system: busy * 0.3,
  idle,
  iowait: 1,
  irq: 0.1,
  softirq: 0.2,
  steal: 0,
  guest: 0,
  guestNice: 0,
});

function systemReading(k, time) {
  return {
    platform: 'linux',
    monotonicMs: k * 1000,
    time,
    cpuCount: 2,
    cpu: {
      total: times(100 + k * 0.7, 500 + k * 1.3),
      cores: [0, 1].map((id) => ({ id, times: times(50 + k * 0.3, 250 + k * 0.7) })),
    },
    memory: {
      total: 24 * 2 ** 30,
      available: 16 * 2 ** 30 - k * 4096,
      used: 8 * 2 ** 30 + k * 4096,
      free: 2 ** 30,
      cached: 2 ** 31,
      buffers: 2 ** 26,
      shared: 2 ** 25,
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
        readOps: 1000 + k,
        writeOps: 2000 + 2 * k,
        readBytes: 1e6 + k * 4096,
        writeBytes: 2e6 + k * 8192,
        totalBytes: 3e6 + k * 12288,
        readTimeMs: k,
        writeTimeMs: k,
        ioTimeMs: k,
      },
    ],
    interfaces: [
      {
        name: 'eth0',
        rxBytes: 1e9 + k * 1500,
        rxPackets: 1e6 + k,
        rxErrors: 0,
        rxDropped: 0,
        txBytes: 5e8 + k * 900,
        txPackets: 5e5 + k,
        txErrors: 0,
        txDropped: 0,
        loopback: false,
        virtual: false,
        countedInTotal: true,
        counterBits: 64,
      },
    ],
    load: { load1: 0.5, load5: 0.4, load15: 0.3 },
    pressure: null,
    problems: [],
  };
}

function containerReading(c, k, time) {
  return {
    monotonicMs: k * 1000,
    time,
    id: `c${c}`,
    name: `container-${c}`,
    runtime: 'docker',
    source: 'cgroup',
    cgroupPath: `/system.slice/docker-c${c}.scope`,
    labels: { app: `app${c % 10}` },
    cpuSeconds: 10 + k * 0.01 * (c % 7),
    systemCpuSeconds: null,
    cpuPeriods: k,
    cpuThrottledPeriods: 0,
    cpuThrottledSeconds: 0,
    cpuLimitCores: null,
    hostCpuCount: 2,
    hostMemoryTotal: 24 * 2 ** 30,
    memoryUsage: 2 ** 27 + c * 4096,
    memoryWorkingSet: 2 ** 26 + k * 16,
    memoryLimit: 2 ** 30,
    blockReadBytes: k * 512,
    blockWriteBytes: k * 1024,
    blockReadOps: k,
    blockWriteOps: k,
    interfaces: [
      {
        name: 'eth0',
        rxBytes: k * 100,
        rxPackets: k,
        rxErrors: 0,
        rxDropped: 0,
        txBytes: k * 50,
        txPackets: k,
        txErrors: 0,
        txDropped: 0,
        loopback: false,
        virtual: false,
        countedInTotal: true,
        counterBits: 64,
      },
    ],
    pids: 5,
    pidsLimit: 100,
    problems: [],
  };
}

function vmReading(v, k, time) {
  return {
    monotonicMs: k * 1000,
    time,
    id: `vm${v}`,
    name: `vm-${v}`,
    vmm: 'qemu',
    pid: 1000 + v,
    vcpus: [0, 1].map((index) => ({ index, threadId: 2000 + index, cpuSeconds: k * 0.1 })),
    processCpuSeconds: k * 0.25,
    hostCpuCount: 2,
    memoryTotal: 2 ** 30,
    memoryAvailable: 2 ** 29,
    memoryUsed: 2 ** 29,
    memoryDiskCaches: 2 ** 27,
    memorySource: 'balloon',
    blockDevices: [
      {
        device: 'vd0',
        readBytes: k * 4096,
        writeBytes: k * 4096,
        readOps: k,
        writeOps: k,
        flushOps: 0,
        readTimeNs: k,
        writeTimeNs: k,
        flushTimeNs: 0,
      },
    ],
    netDevices: [
      {
        device: 'net0',
        backend: 'tap0',
        rxBytes: k * 100,
        txBytes: k * 100,
        rxPackets: k,
        txPackets: k,
      },
    ],
    problems: [],
  };
}

/** Metrics of round k (k >= 1, so every rate has a previous reading) at wall time `time`. */
export function makeSample(k, time, { containers = 100, vms = 2 } = {}) {
  return {
    system: computeSystemMetrics(systemReading(k - 1, time - 1000), systemReading(k, time)),
    containers: Array.from({ length: containers }, (_, c) =>
      computeContainerMetrics(
        containerReading(c, k - 1, time - 1000),
        containerReading(c, k, time),
      ),
    ),
    vms: Array.from({ length: vms }, (_, v) =>
      computeVmMetrics(vmReading(v, k - 1, time - 1000), vmReading(v, k, time)),
    ),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function printTable(rows) {
  const keys = Object.keys(rows[0]);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(width[i])).join(' | ')} |`;
  console.log(line(keys));
  console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

/**
 * The builds a bench compares: this package's dist (the bench at `self` sits in bench/) and, with
 * ARCBOX_BENCH_DIST, another build's; [name, file URL of the dist folder] each.
 */
export function benchBuilds(self) {
  const builds = [['this build', pathToFileURL(join(self, '../../dist')).href]];
  if (process.env.ARCBOX_BENCH_DIST)
    builds.push(['other build', pathToFileURL(process.env.ARCBOX_BENCH_DIST).href]);
  return builds;
}
