import type { ContainerReading, NetInterfaceReading, SourceProblem } from '@arcbox/perf-core';
import type { DockerContainerLimits, DockerEngineKind, DockerStats } from './docker-types.js';

export interface DockerStatsContext {
  engine: DockerEngineKind;
  id: string;
  name: string;
  labels?: Record<string, string>;
  stamp: { monotonicMs: number; time: number };
  /** Host facts from `/info`, when known: Docker reports host memory as the limit when there is none. */
  hostMemoryTotal?: number | null;
  hostCpuCount?: number | null;
  /** Limits as configured (inspect): decide "no limit" exactly, and give the CPU quota. */
  limits?: DockerContainerLimits | null;
}

const UNLIMITED = 2 ** 62;

/**
 * Turns one stats payload into a reading (counters only; rates come from perf-core), correcting
 * Podman's compatible API where it differs from Docker's (shared/fixtures/podman/README.md):
 * - `system_cpu_usage` lacks idle time, so Docker's formula would read ~4x high: leave
 *   `systemCpuSeconds` null and let the wall-clock interval (monotonicMs) divide instead;
 * - rx and tx are swapped relative to the container's own interface: swap them back;
 * - packet counts are always 0: reported as a problem, not as a measured 0 packets/s;
 * - memory_stats has no `stats`, so the working set is unknown (usage includes page cache and
 *   shmem): null with a problem rather than the raw usage shown as used;
 * - blkio major/minor are swapped: only the Read/Write sums are used, which do not depend on it.
 */
export function dockerStatsToReading(
  stats: DockerStats,
  context: DockerStatsContext,
): ContainerReading {
  const problems: SourceProblem[] = [];
  const podman = context.engine === 'podman';
  const cpu = stats.cpu_stats;
  const total = num(cpu?.cpu_usage?.total_usage);
  const system = num(cpu?.system_cpu_usage);
  const online =
    num(cpu?.online_cpus) ??
    (cpu?.cpu_usage?.percpu_usage?.length || null) ??
    context.hostCpuCount ??
    null;
  if (total === null)
    problems.push({ source: 'cpu_stats', message: 'no cpu_usage.total_usage in the stats' });
  if (online === null)
    problems.push({
      source: 'cpu_stats',
      message: 'online CPU count unknown (no online_cpus, percpu_usage or /info)',
    });

  const memory = stats.memory_stats;
  const usage = num(memory?.usage);
  const { workingSet, problem: wsProblem } = workingSetOf(usage, memory?.stats, podman);
  if (wsProblem) problems.push(wsProblem);
  const configured = context.limits ?? null;
  // Inspect's HostConfig.Memory says whether there is a limit at all; stats carry its value.
  const limit = configured
    ? configured.memoryLimit === null
      ? null
      : (limitOf(memory?.limit, memory?.stats, null) ?? configured.memoryLimit)
    : limitOf(memory?.limit, memory?.stats, context.hostMemoryTotal ?? null);

  const bytes = blkioSums(stats.blkio_stats?.io_service_bytes_recursive);
  const ops = blkioSums(stats.blkio_stats?.io_serviced_recursive);
  if (!bytes)
    problems.push({ source: 'blkio_stats', message: 'no io_service_bytes_recursive in the stats' });

  const interfaces = interfacesOf(stats.networks, podman);
  if (interfaces === null)
    problems.push({ source: 'networks', message: 'no networks in the stats (host or no network)' });
  else if (podman) {
    problems.push({
      source: 'networks',
      message: 'podman reports no packet counts: packet figures are not measured',
    });
  }

  const throttling = cpu?.throttling_data;
  return {
    monotonicMs: context.stamp.monotonicMs,
    time: context.stamp.time,
    id: context.id,
    name: context.name,
    runtime: podman ? 'podman' : 'docker',
    source: 'docker-api',
    cgroupPath: null,
    labels: context.labels ?? {},
    cpuSeconds: total === null ? null : total / 1e9,
    systemCpuSeconds: podman || system === null ? null : system / 1e9,
    // Podman fills throttling_data with zeros whatever happens: unknown, not "never throttled".
    cpuPeriods: podman ? null : num(throttling?.periods),
    cpuThrottledPeriods: podman ? null : num(throttling?.throttled_periods),
    cpuThrottledSeconds: podman ? null : nsToSeconds(num(throttling?.throttled_time)),
    cpuLimitCores: configured?.cpuLimitCores ?? null,
    hostCpuCount: online ?? 1,
    hostMemoryTotal: context.hostMemoryTotal ?? null,
    memoryUsage: usage,
    memoryWorkingSet: workingSet,
    memoryLimit: limit,
    blockReadBytes: bytes?.read ?? null,
    blockWriteBytes: bytes?.write ?? null,
    blockReadOps: ops?.read ?? null,
    blockWriteOps: ops?.write ?? null,
    interfaces,
    pids: num(stats.pids_stats?.current),
    pidsLimit: limitNumber(stats.pids_stats?.limit) ?? configured?.pidsLimit ?? null,
    problems,
  };
}

/**
 * Docker's CLI rule (moby #40727): usage - total_inactive_file on cgroup v1, usage -
 * inactive_file on v2, each only when smaller than usage.
 */
function workingSetOf(
  usage: number | null,
  stats: Record<string, number> | undefined,
  podman: boolean,
): { workingSet: number | null; problem: SourceProblem | null } {
  if (usage === null)
    return {
      workingSet: null,
      problem: { source: 'memory_stats', message: 'no memory usage in the stats' },
    };
  const inactive = num(stats?.total_inactive_file) ?? num(stats?.inactive_file);
  if (inactive === null) {
    const why = podman
      ? 'podman sends no memory_stats.stats'
      : 'no inactive_file in memory_stats.stats';
    return {
      workingSet: null,
      problem: { source: 'memory_stats', message: `${why}: working set unknown` },
    };
  }
  return { workingSet: inactive < usage ? usage - inactive : usage, problem: null };
}

/**
 * No limit: Docker then reports the host's memory as the limit. Seen as unlimited when
 * `hierarchical_memory_limit` (v1) is at the unlimited value, or the limit reaches host memory.
 */
function limitOf(
  raw: number | undefined,
  stats: Record<string, number> | undefined,
  hostTotal: number | null,
): number | null {
  const limit = num(raw);
  if (limit === null || limit <= 0 || limit >= UNLIMITED) return null;
  const hierarchical = num(stats?.hierarchical_memory_limit);
  if (hierarchical !== null && hierarchical >= UNLIMITED) return null;
  if (hostTotal !== null && limit >= hostTotal) return null;
  return limit;
}

function blkioSums(entries: ReadonlyArray<{ op?: string; value?: number }> | null | undefined) {
  if (!Array.isArray(entries)) return null;
  let read = 0;
  let write = 0;
  for (const e of entries) {
    const op = e.op?.toLowerCase();
    const value = num(e.value) ?? 0;
    if (op === 'read') read += value;
    else if (op === 'write') write += value;
  }
  return { read, write };
}

function interfacesOf(
  networks: DockerStats['networks'],
  podman: boolean,
): NetInterfaceReading[] | null {
  if (!networks || typeof networks !== 'object') return null;
  const out: NetInterfaceReading[] = [];
  for (const [name, n] of Object.entries(networks)) {
    if (!n || typeof n !== 'object') continue;
    const rx = {
      bytes: n.rx_bytes,
      packets: n.rx_packets,
      errors: n.rx_errors,
      dropped: n.rx_dropped,
    };
    const tx = {
      bytes: n.tx_bytes,
      packets: n.tx_packets,
      errors: n.tx_errors,
      dropped: n.tx_dropped,
    };
    const [inbound, outbound] = podman ? [tx, rx] : [rx, tx];
    out.push({
      name,
      rxBytes: num(inbound.bytes) ?? 0,
      rxPackets: num(inbound.packets) ?? 0,
      rxErrors: num(inbound.errors),
      rxDropped: num(inbound.dropped),
      txBytes: num(outbound.bytes) ?? 0,
      txPackets: num(outbound.packets) ?? 0,
      txErrors: num(outbound.errors),
      txDropped: num(outbound.dropped),
      loopback: false,
      virtual: false,
      countedInTotal: true,
      counterBits: 64,
    });
  }
  return out;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function limitNumber(value: unknown): number | null {
  const n = num(value);
  return n === null || n === 0 || n >= UNLIMITED ? null : n;
}

function nsToSeconds(ns: number | null): number | null {
  return ns === null ? null : ns / 1e9;
}

/**
 * The reading Docker's own `precpu_stats` describes (its previous sample), when the payload
 * carries one (stream mode, or stream=false without one-shot): lets one payload give the CPU %
 * Docker documents. null when precpu_stats is empty (one-shot, first sample), unless
 * `emptyAsZero`, which reproduces the docker CLI's first line (usage since start / system since boot).
 */
export function dockerPreviousReading(
  stats: DockerStats,
  current: ContainerReading,
  options: { emptyAsZero?: boolean } = {},
): ContainerReading | null {
  const pre = stats.precpu_stats;
  // `docker stats` shows its first line against zeros (a since-start average); only on request.
  const zero = options.emptyAsZero ? 0 : null;
  const total = num(pre?.cpu_usage?.total_usage) ?? zero;
  const system = num(pre?.system_cpu_usage) ?? zero;
  if (total === null || system === null || current.systemCpuSeconds === null) return null;
  // Docker samples precpu one interval earlier: `preread`, or its one-second default.
  const gap = Date.parse(stats.read ?? '') - Date.parse(stats.preread ?? '');
  const intervalMs = Number.isFinite(gap) && gap > 0 && gap < 3_600_000 ? gap : 1000;
  const throttling = pre?.throttling_data;
  // Only CPU is sampled twice; every other counter is left unknown so no rate is invented.
  return {
    ...current,
    monotonicMs: current.monotonicMs - intervalMs,
    time: current.time - intervalMs,
    cpuSeconds: total / 1e9,
    systemCpuSeconds: system / 1e9,
    cpuPeriods: num(throttling?.periods),
    cpuThrottledPeriods: num(throttling?.throttled_periods),
    cpuThrottledSeconds: nsToSeconds(num(throttling?.throttled_time)),
    blockReadBytes: null,
    blockWriteBytes: null,
    blockReadOps: null,
    blockWriteOps: null,
    interfaces: null,
  };
}
