import { type FileHandle, open } from 'node:fs/promises';
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

const BLOCK_FIELDS = {
  readBytes: 'read_bytes',
  writeBytes: 'write_bytes',
  readOps: 'read_count',
  writeOps: 'write_count',
  flushOps: 'flush_count',
} as const;
const NET_FIELDS = {
  rxBytes: 'rx_bytes_count',
  txBytes: 'tx_bytes_count',
  rxPackets: 'rx_packets_count',
  txPackets: 'tx_packets_count',
} as const;

/** Running totals of Firecracker's per-flush metric deltas, per device. */
export interface FirecrackerTotals {
  block: Map<string, Record<keyof typeof BLOCK_FIELDS, number>>;
  net: Map<string, Record<keyof typeof NET_FIELDS, number>>;
  /** Lines that were not JSON objects (skipped). */
  skippedLines: number;
  /**
   * Deltas that were not non-negative integers since the totals were last read: their field is
   * null in that reading (its total missed a delta) and counts on from there. The source clears it.
   */
  invalid: SourceProblem[];
  /** `<group> <device> <field>` keys of `invalid`, for nulling those fields. */
  invalidFields: Set<string>;
}

export function emptyFirecrackerTotals(): FirecrackerTotals {
  return {
    block: new Map(),
    net: new Map(),
    skippedLines: 0,
    invalid: [],
    invalidFields: new Set(),
  };
}

/**
 * Adds metrics-file lines to the totals. Each flush writes one JSON object whose counters count
 * since the previous flush, so the totals are their sums. Per-device groups are `block_<drive id>`
 * and `net_<iface id>`; the aggregate `block` and `net` groups are left out (they would double).
 * Firecracker's net counters are already in the guest's direction (rx = delivered to the guest).
 */
export function addFirecrackerMetricLines(
  totals: FirecrackerTotals,
  text: string,
): FirecrackerTotals {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let flush: unknown;
    try {
      flush = JSON.parse(line);
    } catch {
      totals.skippedLines += 1;
      continue;
    }
    if (!isObject(flush)) {
      totals.skippedLines += 1;
      continue;
    }
    for (const [key, group] of Object.entries(flush)) {
      if (!isObject(group)) continue;
      if (key.startsWith('block_'))
        add(totals, 'block', totals.block, key.slice(6), group, BLOCK_FIELDS);
      else if (key.startsWith('net_'))
        add(totals, 'net', totals.net, key.slice(4), group, NET_FIELDS);
    }
  }
  return totals;
}

function add<K extends string>(
  totals: FirecrackerTotals,
  kind: 'block' | 'net',
  into: Map<string, Record<K, number>>,
  device: string,
  group: Record<string, unknown>,
  fields: Record<K, string>,
) {
  const sums =
    into.get(device) ??
    (Object.fromEntries(Object.keys(fields).map((k) => [k, 0])) as Record<K, number>);
  for (const [k, source] of Object.entries(fields) as Array<[K, string]>) {
    const delta = countField(
      group[source],
      { source: 'firecracker metrics', field: `${kind}_${device} ${source}` },
      totals.invalid,
    );
    if (delta === null) {
      if (group[source] !== undefined && group[source] !== null)
        totals.invalidFields.add(`${kind} ${device} ${k}`);
      continue;
    }
    const sum = sums[k] + delta;
    if (Number.isSafeInteger(sum)) sums[k] = sum;
    else {
      totals.invalid.push({
        source: 'firecracker metrics',
        code: 'PARSE_ERROR',
        message: `${kind}_${device} ${source} total passed 2^53`,
      });
      totals.invalidFields.add(`${kind} ${device} ${k}`);
    }
  }
  into.set(device, sums);
}

/**
 * The devices' totals. A field whose deltas since the last reading held a bad value is null, and
 * the reasons go to `problems`.
 */
export function firecrackerDevices(
  totals: FirecrackerTotals,
  problems?: SourceProblem[],
): {
  blockDevices: VirtioBlkReading[];
  netDevices: VirtioNetReading[];
} {
  const valid = <T extends Record<string, number>>(kind: string, device: string, t: T) =>
    Object.fromEntries(
      Object.entries(t).map(([k, v]) => [
        k,
        totals.invalidFields.has(`${kind} ${device} ${k}`) ? null : v,
      ]),
    ) as { [K in keyof T]: number | null };
  problems?.push(...totals.invalid);
  return {
    blockDevices: [...totals.block].map(([device, t]) => ({
      device,
      ...valid('block', device, t),
      readTimeNs: null,
      writeTimeNs: null,
      flushTimeNs: null,
    })),
    netDevices: [...totals.net].map(([device, t]) => ({
      device,
      backend: null,
      ...valid('net', device, t),
    })),
  };
}

/**
 * `GET /balloon/statistics` -> guest memory, bytes; null fields when absent, null and a problem
 * when not a non-negative integer.
 */
export function parseFirecrackerBalloonStats(
  value: unknown,
  problems?: SourceProblem[],
): {
  total: number | null;
  available: number | null;
  diskCaches: number | null;
} {
  if (!isObject(value)) return { total: null, available: null, diskCaches: null };
  const count = (key: string) =>
    countField(value[key], { source: 'firecracker balloon statistics', field: key }, problems);
  return {
    total: count('total_memory'),
    available: count('available_memory'),
    diskCaches: count('disk_caches'),
  };
}

export interface FirecrackerTarget {
  id: string;
  name?: string;
  /** The `--metrics-path` file (a regular file; a FIFO would block a reader thread). */
  metricsPath: string;
  /** `--api-sock`, for balloon statistics; without it guest memory is null. */
  apiSocket?: string;
  pid?: number;
}

export interface FirecrackerSourceOptions {
  threads?: HostThreadReader | null;
  clock?: Clock;
  timeoutMs?: number;
  hostCpuCount?: number;
  get?: (path: string, options: { signal: AbortSignal; timeoutMs: number }) => Promise<unknown>;
}

/**
 * A Firecracker microVM from its metrics file (read incrementally, deltas summed) and, when given,
 * its API socket's balloon statistics. NOT YET PROVEN AGAINST A LIVE VMM: Firecracker needs
 * /dev/kvm, which this project's CI lacks; tested on lines in the documented shape only.
 * vCPUs are the VMM's threads named `fc_vcpu N`.
 */
export function createFirecrackerVmSource(
  target: FirecrackerTarget,
  options: FirecrackerSourceOptions = {},
): VmSource {
  const clock = options.clock ?? defaultClock;
  const timeoutMs = options.timeoutMs ?? 2000;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const threads = options.threads ?? null;
  const apiSocket = target.apiSocket;
  const get =
    options.get ??
    (apiSocket
      ? (path: string, o: { signal: AbortSignal; timeoutMs: number }) =>
          httpGetJson(apiSocket, path, o)
      : null);
  const totals = emptyFirecrackerTotals();
  let handle: FileHandle | null = null;
  let offset = 0;
  let partial = '';
  let pid: number | null = target.pid ?? null;

  const readNew = async () => {
    handle ??= await open(target.metricsPath, 'r');
    const { size } = await handle.stat();
    if (size < offset) {
      offset = 0; // truncated or rotated: read it again from the start, the totals stay
      partial = '';
    }
    if (size === offset) return;
    const buffer = Buffer.allocUnsafe(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    offset += bytesRead;
    const text = partial + buffer.toString('utf8', 0, bytesRead);
    const cut = text.lastIndexOf('\n');
    partial = text.slice(cut + 1); // a line still being written waits for the next reading
    addFirecrackerMetricLines(totals, text.slice(0, cut + 1));
  };

  const readLive = async (signal: AbortSignal) => {
    const problems: SourceProblem[] = [];
    try {
      await readNew();
    } catch (error) {
      await handle?.close().catch(() => {});
      handle = null;
      throw PerfError.from(
        error,
        'READ_ERROR',
        `cannot read Firecracker metrics ${target.metricsPath}`,
      );
    }
    let memory = {
      total: null as number | null,
      available: null as number | null,
      diskCaches: null as number | null,
    };
    if (get) {
      try {
        memory = parseFirecrackerBalloonStats(
          await get('/balloon/statistics', { signal, timeoutMs }),
          problems,
        );
      } catch (error) {
        problems.push({
          source: 'balloon statistics',
          message: PerfError.from(error, 'COMMAND_FAILED', 'balloon').message,
        });
      }
    }
    if (totals.skippedLines > 0)
      problems.push({
        source: 'metrics file',
        message: `${totals.skippedLines} lines were not JSON`,
      });
    const devices = firecrackerDevices(totals, problems);
    totals.invalid = [];
    totals.invalidFields.clear();
    const stamp = clock();
    if (pid === null && apiSocket) pid = threads?.socketHolder?.(apiSocket) ?? null;
    return {
      ...stamp,
      id: target.id,
      name: target.name ?? target.id,
      vmm: 'firecracker' as const,
      ...namedVmmHostSide(threads, pid, /^fc_vcpu (\d+)$/),
      hostCpuCount,
      memoryTotal: memory.total,
      memoryAvailable: memory.available,
      memoryUsed:
        memory.total !== null && memory.available !== null
          ? Math.max(0, memory.total - memory.available)
          : null,
      memoryDiskCaches: memory.diskCaches,
      memorySource: memory.total === null ? null : ('balloon' as const),
      ...devices,
      problems,
    };
  };

  return {
    id: target.id,
    read: (readOptions = {}) =>
      guardedRead(readLive, {
        target,
        vmm: 'firecracker',
        source: 'firecracker',
        timeoutMs,
        clock,
        hostCpuCount,
        signal: readOptions.signal,
      }),
    close() {
      void handle?.close().catch(() => {});
      handle = null;
    },
  };
}
