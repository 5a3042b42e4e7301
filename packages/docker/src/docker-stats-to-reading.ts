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
 * Counts and sizes stay below 2^53: past it a double no longer holds every integer, and no
 * container's bytes, packets or periods get there, so such a value is corruption.
 */
const COUNT_LIMIT = 2 ** 53;

/**
 * Nanosecond counters pass 2^53 after 104 days of CPU time, which `system_cpu_usage` (the whole
 * host's CPU time since boot) reaches in under two days on 64 cores; the nanoseconds a double
 * rounds away are nothing in seconds. Past 2^63 (292 years) it is a -1 sent unsigned.
 */
const NANOSECONDS_LIMIT = 2 ** 63;

/** Reads the payload's figures: a value that is not a count is null and a problem naming it. */
interface Figures {
  /** A non-negative integer below `limit` (2^53); absent is null without a problem. */
  count(value: unknown, source: string, field: string, limit?: number): number | null;
  /** A problem of the payload that is not one value's. */
  note(source: string, message: string): void;
}

function figures(problems: SourceProblem[]): Figures {
  const note = (source: string, message: string) =>
    problems.push({ source, message, code: 'PARSE_ERROR' });
  return {
    count(value, source, field, limit = COUNT_LIMIT) {
      if (value === undefined || value === null) return null;
      if (isCount(value, limit)) return value;
      note(
        source,
        `${field}: expected a non-negative integer below 2^${Math.log2(limit)}, got ${describe(value)}`,
      );
      return null;
    },
    note,
  };
}

function isCount(value: unknown, limit = COUNT_LIMIT): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < limit;
}

/** The value as a problem quotes it: JSON would print Infinity as null. */
function describe(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : String(JSON.stringify(value));
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

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
  const read = figures(problems);
  const podman = context.engine === 'podman';
  const cpu = stats.cpu_stats;
  const total = read.count(
    cpu?.cpu_usage?.total_usage,
    'cpu_stats',
    'cpu_usage.total_usage',
    NANOSECONDS_LIMIT,
  );
  const system = read.count(
    cpu?.system_cpu_usage,
    'cpu_stats',
    'system_cpu_usage',
    NANOSECONDS_LIMIT,
  );
  // 0 is what Docker sends when it does not know (its CLI then counts percpu_usage too).
  const onlineCpus = read.count(cpu?.online_cpus, 'cpu_stats', 'online_cpus');
  const hostCpus = context.hostCpuCount;
  const online =
    (onlineCpus || null) ??
    (cpu?.cpu_usage?.percpu_usage?.length || null) ??
    (isCount(hostCpus) && hostCpus > 0 ? hostCpus : null);
  if (total === null)
    problems.push({ source: 'cpu_stats', message: 'no cpu_usage.total_usage in the stats' });
  if (online === null)
    problems.push({
      source: 'cpu_stats',
      message: 'online CPU count unknown (no online_cpus, percpu_usage or /info)',
    });

  const memory = stats.memory_stats;
  const usage = read.count(memory?.usage, 'memory_stats', 'usage');
  const { workingSet, problem: wsProblem } = workingSetOf(
    usage,
    read.count(memory?.stats?.total_inactive_file, 'memory_stats', 'stats.total_inactive_file') ??
      read.count(memory?.stats?.inactive_file, 'memory_stats', 'stats.inactive_file'),
    podman,
  );
  if (wsProblem) problems.push(wsProblem);
  const configured = context.limits ?? null;
  const hostMemory = isCount(context.hostMemoryTotal) ? context.hostMemoryTotal : null;
  // Inspect's HostConfig.Memory says whether there is a limit at all; stats carry its value.
  const limit = configured
    ? configured.memoryLimit === null
      ? null
      : (limitOf(memory?.limit, memory?.stats, null, read) ?? configured.memoryLimit)
    : limitOf(memory?.limit, memory?.stats, hostMemory, read);

  const bytes = blkioSums(
    stats.blkio_stats?.io_service_bytes_recursive,
    'io_service_bytes_recursive',
    read,
  );
  const ops = blkioSums(stats.blkio_stats?.io_serviced_recursive, 'io_serviced_recursive', read);
  if (!bytes)
    problems.push({ source: 'blkio_stats', message: 'no io_service_bytes_recursive in the stats' });

  const interfaces = interfacesOf(stats.networks, podman, read);
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
    cpuPeriods: podman
      ? null
      : read.count(throttling?.periods, 'cpu_stats', 'throttling_data.periods'),
    cpuThrottledPeriods: podman
      ? null
      : read.count(throttling?.throttled_periods, 'cpu_stats', 'throttling_data.throttled_periods'),
    cpuThrottledSeconds: podman
      ? null
      : nsToSeconds(
          read.count(
            throttling?.throttled_time,
            'cpu_stats',
            'throttling_data.throttled_time',
            NANOSECONDS_LIMIT,
          ),
        ),
    cpuLimitCores: configured?.cpuLimitCores ?? null,
    hostCpuCount: online ?? 1,
    hostMemoryTotal: hostMemory,
    memoryUsage: usage,
    memoryWorkingSet: workingSet,
    memoryLimit: limit,
    blockReadBytes: bytes?.read ?? null,
    blockWriteBytes: bytes?.write ?? null,
    blockReadOps: ops?.read ?? null,
    blockWriteOps: ops?.write ?? null,
    interfaces,
    pids: read.count(stats.pids_stats?.current, 'pids_stats', 'current'),
    pidsLimit: pidsLimitOf(stats.pids_stats?.limit, read) ?? configured?.pidsLimit ?? null,
    problems,
  };
}

/**
 * Docker's CLI rule (moby #40727): usage - total_inactive_file on cgroup v1, usage -
 * inactive_file on v2, each only when smaller than usage.
 */
function workingSetOf(
  usage: number | null,
  inactive: number | null,
  podman: boolean,
): { workingSet: number | null; problem: SourceProblem | null } {
  if (usage === null)
    return {
      workingSet: null,
      problem: { source: 'memory_stats', message: 'no memory usage in the stats' },
    };
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
  raw: unknown,
  stats: Record<string, number> | undefined,
  hostTotal: number | null,
  read: Figures,
): number | null {
  // Docker's "none" (v1 PAGE_COUNTER_MAX, or u64 max) is past 2^53: tell it apart first.
  if (typeof raw === 'number' && raw >= UNLIMITED) return null;
  const limit = read.count(raw, 'memory_stats', 'limit');
  if (limit === null || limit === 0) return null;
  const hierarchical = stats?.hierarchical_memory_limit;
  if (typeof hierarchical === 'number' && hierarchical >= UNLIMITED) return null;
  if (hostTotal !== null && limit >= hostTotal) return null;
  return limit;
}

/** pids_stats.limit: 0 and u64 max (cgroup "max") mean none. */
function pidsLimitOf(raw: unknown, read: Figures): number | null {
  if (typeof raw === 'number' && raw >= UNLIMITED) return null;
  const limit = read.count(raw, 'pids_stats', 'limit');
  return limit === 0 ? null : limit;
}

/**
 * Read and Write sums of a blkio table; a row of either op whose value is not a count makes
 * that sum unknown (null), never an undercount.
 */
function blkioSums(
  entries: ReadonlyArray<{ op?: string; value?: number }> | null | undefined,
  table: string,
  figures: Figures,
) {
  if (!Array.isArray(entries)) return null;
  let read: number | null = 0;
  let write: number | null = 0;
  for (const e of entries) {
    const op = typeof e?.op === 'string' ? e.op.toLowerCase() : undefined;
    if (op !== 'read' && op !== 'write') continue;
    const value = figures.count(e.value, 'blkio_stats', `${table} ${e.op}`);
    if (e.value === undefined)
      figures.note('blkio_stats', `${table} ${e.op}: a row without a value`);
    if (op === 'read') read = value === null || read === null ? null : read + value;
    else write = value === null || write === null ? null : write + value;
  }
  return {
    read: read !== null && read < COUNT_LIMIT ? read : null,
    write: write !== null && write < COUNT_LIMIT ? write : null,
  };
}

/**
 * Interfaces of the payload. One without a countable byte or packet counter is left out with
 * a problem (a reading has no "unknown" for those, and a made-up 0 would read as a reset);
 * error and drop counts that are not counts are null.
 */
function interfacesOf(
  networks: DockerStats['networks'],
  podman: boolean,
  read: Figures,
): NetInterfaceReading[] | null {
  if (!networks || typeof networks !== 'object') return null;
  const out: NetInterfaceReading[] = [];
  for (const [name, n] of Object.entries(networks)) {
    if (!n || typeof n !== 'object') continue;
    const source = `networks.${name}`;
    // Read in the payload's own names: the problems name the keys as they were sent.
    const rxBytes = read.count(n.rx_bytes, source, 'rx_bytes');
    const rxPackets = read.count(n.rx_packets, source, 'rx_packets');
    const txBytes = read.count(n.tx_bytes, source, 'tx_bytes');
    const txPackets = read.count(n.tx_packets, source, 'tx_packets');
    if (rxBytes === null || rxPackets === null || txBytes === null || txPackets === null) {
      read.note(source, 'left out: no byte or packet counter that is a count');
      continue;
    }
    const rx = {
      bytes: rxBytes,
      packets: rxPackets,
      errors: read.count(n.rx_errors, source, 'rx_errors'),
      dropped: read.count(n.rx_dropped, source, 'rx_dropped'),
    };
    const tx = {
      bytes: txBytes,
      packets: txPackets,
      errors: read.count(n.tx_errors, source, 'tx_errors'),
      dropped: read.count(n.tx_dropped, source, 'tx_dropped'),
    };
    const [inbound, outbound] = podman ? [tx, rx] : [rx, tx];
    out.push({
      name,
      rxBytes: inbound.bytes,
      rxPackets: inbound.packets,
      rxErrors: inbound.errors,
      rxDropped: inbound.dropped,
      txBytes: outbound.bytes,
      txPackets: outbound.packets,
      txErrors: outbound.errors,
      txDropped: outbound.dropped,
      loopback: false,
      virtual: false,
      countedInTotal: true,
      counterBits: 64,
    });
  }
  return out;
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
  // Checked as the current values are; a bad one just means no previous reading, whose
  // problems are the current one's.
  const quiet = figures([]);
  const total = quiet.count(pre?.cpu_usage?.total_usage, '', '', NANOSECONDS_LIMIT) ?? zero;
  const system = quiet.count(pre?.system_cpu_usage, '', '', NANOSECONDS_LIMIT) ?? zero;
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
    cpuPeriods: quiet.count(throttling?.periods, '', ''),
    cpuThrottledPeriods: quiet.count(throttling?.throttled_periods, '', ''),
    cpuThrottledSeconds: nsToSeconds(
      quiet.count(throttling?.throttled_time, '', '', NANOSECONDS_LIMIT),
    ),
    blockReadBytes: null,
    blockWriteBytes: null,
    blockReadOps: null,
    blockWriteOps: null,
    interfaces: null,
  };
}
