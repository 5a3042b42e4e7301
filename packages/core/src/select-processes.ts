import { PerfError } from './perf-error.js';
import type { ProcessMetrics } from './process-metrics.js';

/** What processes are ranked by: CPU %, resident memory, or read + write bytes/s. */
export type ProcessSort = 'cpu' | 'mem' | 'io';

export const PROCESS_SORTS: readonly ProcessSort[] = ['cpu', 'mem', 'io'];

/** Most processes any list or selection holds, whatever a caller asks for. */
export const MAX_PROCESS_LIMIT = 10_000;

/** Processes each ranking keeps by default (history, `/metrics`, the monitor's samples). */
export const DEFAULT_PROCESS_LIMIT = 10;

const rankers: Record<ProcessSort, (m: ProcessMetrics) => number> = {
  cpu: (m) => m.cpuPercent ?? m.cpuSeconds ?? -1,
  mem: (m) => m.residentBytes ?? -1,
  io: (m) =>
    m.ioReadBps === null && m.ioWriteBps === null ? -1 : (m.ioReadBps ?? 0) + (m.ioWriteBps ?? 0),
};

/**
 * Sorted by `sort`, highest first (unknown values last, ties by pid), at most `limit`. A CPU
 * ranking before any rate (a first reading) falls back to cumulative CPU seconds.
 */
export function sortProcesses(
  metrics: readonly ProcessMetrics[],
  sort: ProcessSort = 'cpu',
  limit: number = MAX_PROCESS_LIMIT,
): ProcessMetrics[] {
  const rank = rankers[sort];
  if (!rank)
    throw new PerfError('INVALID_ARGUMENT', `sort must be one of ${PROCESS_SORTS.join(', ')}`, {
      field: 'sort',
    });
  const n = checkLimit(limit);
  if (n * 8 < metrics.length) return topOf(metrics, rank, n);
  const keyed = metrics.map((m) => ({ m, r: rank(m) }));
  keyed.sort((a, b) => b.r - a.r || a.m.pid - b.m.pid);
  return keyed.slice(0, n).map((k) => k.m);
}

/**
 * The first `n` of the sort order without sorting all of them: each round's top 10 of a few
 * hundred processes is n comparisons per process, and allocates only the answer.
 */
function topOf(
  metrics: readonly ProcessMetrics[],
  rank: (m: ProcessMetrics) => number,
  n: number,
): ProcessMetrics[] {
  const top: ProcessMetrics[] = [];
  const ranks: number[] = [];
  // Whether (r, pid) sorts before the entry at i.
  const before = (r: number, pid: number, i: number) =>
    r > ranks[i]! || (r === ranks[i]! && pid < top[i]!.pid);
  for (const m of metrics) {
    const r = rank(m);
    if (top.length === n) {
      if (!before(r, m.pid, n - 1)) continue;
      top[n - 1] = m;
      ranks[n - 1] = r;
    } else {
      top.push(m);
      ranks.push(r);
    }
    for (let i = top.length - 1; i > 0 && before(ranks[i]!, top[i]!.pid, i - 1); i--) {
      [top[i], top[i - 1]] = [top[i - 1]!, top[i]!];
      [ranks[i], ranks[i - 1]] = [ranks[i - 1]!, ranks[i]!];
    }
  }
  return top;
}

export interface ProcessSelectionOptions {
  /** Processes kept per ranking (CPU, memory, I/O); 10 by default. */
  limit?: number;
  /** Containers (ids, or id prefixes of 4 characters or more) all of whose processes are kept. */
  containers?: readonly string[];
}

/**
 * The bounded set a monitor keeps in samples, history, alerts and `/metrics`: the union of the
 * top `limit` by CPU, by memory and by I/O, plus every process of the named containers, in the
 * order they came. At most 3 x limit processes plus those of the named containers.
 */
export function createProcessSelection(
  options: ProcessSelectionOptions = {},
): (metrics: readonly ProcessMetrics[]) => ProcessMetrics[] {
  const limit = checkLimit(options.limit ?? DEFAULT_PROCESS_LIMIT);
  const containers = [...(options.containers ?? [])];
  const inNamed = (container: string | null) =>
    container !== null &&
    containers.some((c) => c === container || (c.length >= 4 && container.startsWith(c)));
  return (metrics) => {
    if (metrics.length <= limit && containers.length === 0) return [...metrics];
    const keep = new Set<ProcessMetrics>();
    for (const sort of PROCESS_SORTS)
      for (const m of sortProcesses(metrics, sort, limit)) keep.add(m);
    if (containers.length > 0) for (const m of metrics) if (inNamed(m.container)) keep.add(m);
    return metrics.filter((m) => keep.has(m));
  };
}

/** Whether a process runs in the container named by id or id prefix (4+ characters). */
export function processInContainer(metrics: ProcessMetrics, container: string): boolean {
  const c = metrics.container;
  if (c === null) return container === '' || container === 'host';
  return c === container || (container.length >= 4 && c.startsWith(container));
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PROCESS_LIMIT)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `limit must be a whole number from 1 to ${MAX_PROCESS_LIMIT}, got ${limit}`,
      { field: 'limit' },
    );
  return limit;
}
