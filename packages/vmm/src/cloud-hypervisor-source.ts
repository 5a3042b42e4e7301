import { availableParallelism } from 'node:os';
import {
  PerfError,
  type SourceProblem,
  type VirtioBlkReading,
  type VirtioNetReading,
} from '@arcbox/perf-core';
import type { HostThreadReader } from './host-readers.js';
import { countField } from './count-field.js';
import { httpGetJson } from './http-unix-json.js';
import { namedVmmHostSide } from './named-vcpus.js';
import { guardedRead } from './guarded-read.js';
import { type Clock, defaultClock } from './qemu-vm-source.js';
import { isObject } from './qmp-values.js';
import type { VmSource } from './vm-source.js';

export interface CloudHypervisorTarget {
  id: string;
  name?: string;
  /** `--api-socket` path. */
  apiSocket: string;
  pid?: number;
}

export interface CloudHypervisorSourceOptions {
  threads?: HostThreadReader | null;
  clock?: Clock;
  timeoutMs?: number;
  hostCpuCount?: number;
  /** Fetches one API path; the unix-socket HTTP client by default (tests and replays swap it). */
  get?: (path: string, options: { signal: AbortSignal; timeoutMs: number }) => Promise<unknown>;
}

/**
 * `GET /api/v1/vm.counters`: `{ "<device id>": { "<counter>": n } }`. Disks have read_bytes,
 * write_bytes, read_ops, write_ops; NICs rx_bytes, rx_frames, tx_bytes, tx_frames, already in the
 * guest's direction. Latency counters start at u64::MAX (no I/O yet), beyond a double's exact
 * range; they are not read. A counter that is read and is not a non-negative integer a double
 * holds exactly is null and a problem. Other devices (rng, console...) are skipped.
 */
export function parseCloudHypervisorCounters(
  value: unknown,
  problems?: SourceProblem[],
): {
  blockDevices: VirtioBlkReading[];
  netDevices: VirtioNetReading[];
} {
  if (!isObject(value)) {
    throw new PerfError('PARSE_ERROR', 'vm.counters did not return an object', {
      field: 'vm.counters',
    });
  }
  const blockDevices: VirtioBlkReading[] = [];
  const netDevices: VirtioNetReading[] = [];
  for (const device of Object.keys(value).sort()) {
    const c = value[device];
    if (!isObject(c)) continue;
    const count = (key: string) =>
      countField(
        c[key],
        { source: 'cloud-hypervisor vm.counters', field: `${device} ${key}` },
        problems,
      );
    if ('read_bytes' in c || 'write_bytes' in c) {
      blockDevices.push({
        device,
        readBytes: count('read_bytes'),
        writeBytes: count('write_bytes'),
        readOps: count('read_ops'),
        writeOps: count('write_ops'),
        flushOps: null,
        readTimeNs: null,
        writeTimeNs: null,
        flushTimeNs: null,
      });
    } else if ('rx_bytes' in c || 'tx_bytes' in c) {
      netDevices.push({
        device,
        backend: null,
        rxBytes: count('rx_bytes'),
        txBytes: count('tx_bytes'),
        rxPackets: count('rx_frames'),
        txPackets: count('tx_frames'),
      });
    }
  }
  return { blockDevices, netDevices };
}

/** `GET /api/v1/vm.info` -> the configured memory size, bytes (`config.memory.size`). */
export function parseCloudHypervisorMemorySize(
  value: unknown,
  problems?: SourceProblem[],
): number | null {
  if (!isObject(value) || !isObject(value.config) || !isObject(value.config.memory)) return null;
  return countField(
    value.config.memory.size,
    { source: 'cloud-hypervisor vm.info', field: 'config.memory.size' },
    problems,
  );
}

/**
 * A Cloud Hypervisor VM over its REST API socket. NOT YET PROVEN AGAINST A LIVE VMM: Cloud
 * Hypervisor needs /dev/kvm, which this project's CI lacks; it is tested on payloads in the
 * documented shape only. Guest memory is the configured size (Cloud Hypervisor reports no guest
 * stats); vCPUs are the VMM's threads named `vcpu<N>`.
 */
export function createCloudHypervisorVmSource(
  target: CloudHypervisorTarget,
  options: CloudHypervisorSourceOptions = {},
): VmSource {
  const clock = options.clock ?? defaultClock;
  const timeoutMs = options.timeoutMs ?? 2000;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const threads = options.threads ?? null;
  const get =
    options.get ??
    ((path: string, o: { signal: AbortSignal; timeoutMs: number }) =>
      httpGetJson(target.apiSocket, path, o));
  let memorySize: number | null = null;
  let pid: number | null = target.pid ?? null;

  const readLive = async (signal: AbortSignal) => {
    const problems: SourceProblem[] = [];
    const counters = parseCloudHypervisorCounters(
      await get('/api/v1/vm.counters', { signal, timeoutMs }),
      problems,
    );
    if (memorySize === null) {
      try {
        memorySize = parseCloudHypervisorMemorySize(
          await get('/api/v1/vm.info', { signal, timeoutMs }),
          problems,
        );
      } catch (error) {
        problems.push({
          source: 'vm.info',
          message: PerfError.from(error, 'COMMAND_FAILED', 'vm.info').message,
        });
      }
    }
    const stamp = clock();
    pid ??= threads?.socketHolder?.(target.apiSocket) ?? null;
    return {
      ...stamp,
      id: target.id,
      name: target.name ?? target.id,
      vmm: 'cloud-hypervisor' as const,
      ...namedVmmHostSide(threads, pid, /^vcpu(\d+)$/),
      hostCpuCount,
      memoryTotal: memorySize,
      memoryAvailable: null,
      memoryUsed: null,
      memoryDiskCaches: null,
      memorySource: memorySize === null ? null : ('configured' as const),
      ...counters,
      problems,
    };
  };

  return {
    id: target.id,
    read: (readOptions = {}) =>
      guardedRead(readLive, {
        target,
        vmm: 'cloud-hypervisor',
        source: 'cloud-hypervisor api',
        timeoutMs,
        clock,
        hostCpuCount,
        signal: readOptions.signal,
      }),
    close() {},
  };
}
