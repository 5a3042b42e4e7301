import {
  type ContainerReading,
  computeContainerMetrics,
  computeFilesystemMetrics,
  computeGpuMetrics,
  computeProcessMetrics,
  computeSystemMetrics,
  computeVmMetrics,
  createKindRegistry,
  defaultKinds,
  emptyGpuReading,
  type SystemReading,
  type VmReading,
} from '@arcbox/perf-core';
import {
  createFamiliesEncoder,
  decodeWriteRequest,
  encodeWriteRequest,
  familiesToSeries,
  type RemoteSeries,
} from '@arcbox/perf-remote-write';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentSample } from '../sampler/agent-sample.js';
import { agentFamilies, writeAgentSamples } from './agent-families.js';

// Constructed readings (not recordings): counters grow with k, so every family has samples.
const T0 = 1_800_000_000_000;
const stamp = (k: number) => ({ monotonicMs: k * 1000, time: T0 + k * 1000 });
const cpuTimes = (k: number) => ({
  user: 10 * k,
  nice: 1,
  system: 5 * k,
  idle: 100 * k,
  iowait: 2,
  irq: 0.5,
  softirq: 0.25,
  steal: 0,
  guest: 0.5 * k,
  guestNice: 0,
});

function systemReading(k: number): SystemReading {
  return {
    ...stamp(k),
    platform: 'linux',
    cpuCount: 2,
    cpu: {
      total: cpuTimes(2 * k),
      cores: [
        { id: 0, times: cpuTimes(k) },
        { id: 1, times: cpuTimes(k) },
      ],
    },
    memory: {
      total: 8 * 2 ** 30,
      available: 6 * 2 ** 30 - k * 4096,
      used: 2 * 2 ** 30 + k * 4096,
      free: 4 * 2 ** 30,
      cached: 2 ** 30,
      buffers: 2 ** 20,
      shared: 2 ** 20,
      swapTotal: 2 ** 30,
      swapFree: 2 ** 29,
      swapUsed: 2 ** 29,
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
        readTimeMs: k,
        writeTimeMs: 2 * k,
        ioTimeMs: 3 * k,
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
    load: { load1: k / 10, load5: 0.25, load15: 0.125 },
    pressure: {
      cpu: { some: { avg10: 1.5, avg60: 1, avg300: 0.5, totalUs: 1000 * k }, full: null },
      memory: null,
      io: null,
    } as SystemReading['pressure'],
    problems: [],
  };
}

function containerReading(id: string, k: number): ContainerReading {
  return {
    ...stamp(k),
    id,
    name: `app-${id}`,
    runtime: 'docker',
    source: 'cgroup',
    cgroupPath: `/system.slice/docker-${id}.scope`,
    labels: {},
    cpuSeconds: 1.5 * k,
    systemCpuSeconds: null,
    cpuPeriods: 10 * k,
    cpuThrottledPeriods: k,
    cpuThrottledSeconds: 0.01 * k,
    cpuLimitCores: 1.5,
    hostCpuCount: 2,
    hostMemoryTotal: 8 * 2 ** 30,
    memoryUsage: 2 ** 20 * k,
    memoryWorkingSet: 2 ** 19 * k,
    memoryLimit: 2 ** 30,
    blockReadBytes: 100 * k,
    blockWriteBytes: 200 * k,
    blockReadOps: k,
    blockWriteOps: k,
    interfaces: null,
    pids: 3,
    pidsLimit: 100,
    problems: [],
  };
}

function vmReading(id: string, k: number): VmReading {
  return {
    ...stamp(k),
    id,
    name: `${id}-name`,
    vmm: 'qemu',
    pid: 4242,
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

function processReading(pid: number, container: string | null, k: number) {
  return {
    ...stamp(k),
    pid,
    ppid: 1,
    startTime: 7,
    comm: `worker-${pid}`,
    command: null,
    uid: 0,
    user: 'root',
    state: 'R',
    threads: 4,
    cpuUserSeconds: 10 * k,
    cpuSystemSeconds: 2.5 * k,
    cpuSeconds: 12.5 * k,
    residentBytes: 256 * 2 ** 20,
    swapBytes: 0,
    ioReadBytes: pid % 2 === 0 ? 4096 * k : null,
    ioWriteBytes: pid % 2 === 0 ? 8192 * k : null,
    container,
    kernelThread: false,
    hostCpuCount: 2,
  };
}

/** Round k: the host, containers `ids`, two VMs, a filesystem, processes and a GPU. */
function sample(k: number, ids: readonly string[]): AgentSample {
  const gpu = (n: number) =>
    emptyGpuReading({
      ...stamp(n),
      id: 'GPU-9a9a',
      uuid: 'GPU-9a9a',
      index: 0,
      vendor: 'nvidia',
      name: 'NVIDIA A10G',
      utilizationPercent: 65,
      memoryUsedBytes: 22 * 2 ** 20,
      smClockHz: 210e6,
      eccCorrectedErrors: n,
      processes: [{ pid: 725, usedMemoryBytes: 22 * 2 ** 20, container: ids[0] ?? null }],
    });
  return {
    time: T0 + k * 1000,
    values: {
      system: computeSystemMetrics(systemReading(k - 1), systemReading(k)),
      containers: ids.map((id) =>
        computeContainerMetrics(containerReading(id, k - 1), containerReading(id, k)),
      ),
      vms: ['vm-a', 'vm-b'].map((id) => computeVmMetrics(vmReading(id, k - 1), vmReading(id, k))),
      filesystems: [
        computeFilesystemMetrics(null, {
          ...stamp(k),
          mountPoint: '/',
          device: '/dev/vda1',
          fsType: 'ext4',
          readOnly: false,
          sizeBytes: 100 * 4096,
          freeBytes: 30 * 4096,
          availableBytes: 25 * 4096,
          inodesTotal: 1000,
          inodesFree: 400,
          sharedSpace: null,
          problems: [],
        }),
      ],
      processes: [42, 43].map((pid) =>
        computeProcessMetrics(
          processReading(pid, pid === 42 ? (ids[0] ?? null) : null, k - 1),
          processReading(pid, pid === 42 ? (ids[0] ?? null) : null, k),
        ),
      ),
      gpus: [computeGpuMetrics(gpu(k - 1), gpu(k))],
    },
    collectors: [
      {
        name: 'cgroups',
        enabled: true,
        timeoutMs: 5000,
        lastOutcome: { ok: true, durationMs: 3, finishedAt: T0 + k * 1000 },
        lastSuccessAt: T0 + k * 1000,
      },
      { name: 'vms', enabled: true, timeoutMs: 5000, lastOutcome: null, lastSuccessAt: null },
      { name: 'gpus', enabled: false, timeoutMs: 5000, lastOutcome: null, lastSuccessAt: null },
    ],
  };
}

const bySeries = (series: readonly RemoteSeries[]) =>
  series.map((s) => ({
    labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
    samples: s.samples,
  }));

describe('writeAgentSamples', () => {
  afterEach(() => vi.restoreAllMocks());
  const kinds = createKindRegistry(defaultKinds());
  const external = { instance: 'host-a' };
  const buildInfo = { version: '1.2.3' };

  it('encodes each round to exactly the series, labels and values of the families /metrics prints', () => {
    // The agent's own CPU and RSS would differ between the two paths' reads.
    vi.spyOn(process, 'cpuUsage').mockReturnValue({ user: 1_500_000, system: 500_000 });
    vi.spyOn(process.memoryUsage, 'rss').mockReturnValue(96 * 2 ** 20);
    const encoder = createFamiliesEncoder(external);
    // Containers come, go and change places between rounds.
    const rounds = [['a', 'b', 'c'], ['a', 'b', 'c'], ['c', 'a'], ['c', 'a', 'd'], []];
    for (const [n, ids] of rounds.entries()) {
      const round = sample(n + 1, ids);
      const direct = encoder.encodeWritten(
        (writer) => writeAgentSamples(writer, round, kinds, buildInfo),
        round.time,
      );
      const families = agentFamilies(round, kinds, buildInfo);
      const plain = familiesToSeries(families, round.time, external);
      const decoded = decodeWriteRequest(direct.bytes);
      expect(bySeries(decoded), `round ${n}`).toEqual(bySeries(plain));
      expect(direct.bytes.equals(encodeWriteRequest(plain)), `round ${n}`).toBe(true);
      expect(direct.series).toBe(plain.length);
    }
    // Every kind of the round is in it.
    const names = new Set(
      familiesToSeries(agentFamilies(sample(9, ['a']), kinds, buildInfo), 0).map(
        (s) => s.labels.find((l) => l.name === '__name__')!.value,
      ),
    );
    for (const name of [
      'arcbox_perf_build_info',
      'arcbox_perf_cpu_seconds_total',
      'arcbox_perf_disk_read_bytes_total',
      'arcbox_perf_container_cpu_seconds_total',
      'arcbox_perf_container_info',
      'arcbox_perf_vm_info',
      'arcbox_perf_filesystem_avail_bytes',
      'arcbox_perf_gpu_utilization_ratio',
      'arcbox_perf_gpu_process_memory_used_bytes',
      'arcbox_perf_scrape_collector_success',
      'process_cpu_seconds_total',
    ])
      expect(names, name).toContain(name);
    expect([...names].some((n) => n.startsWith('arcbox_perf_process_'))).toBe(true);
  });
});
