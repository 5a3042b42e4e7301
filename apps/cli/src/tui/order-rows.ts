import { type ContainerMetrics, sumOrNull, type VmMetrics } from '@arcbox/perf-core';
import type { SortKey } from './top-state.js';

type Row = ContainerMetrics | VmMetrics;

// Both directions together; unknown when either is (core's rule for totals).
const add = (a: number | null, b: number | null) => sumOrNull([a, b], (v) => v);

/** The figure a row is sorted by; null (not known yet) sorts last. */
export function sortValue(row: Row, key: SortKey): number | null {
  const container = 'runtime' in row;
  switch (key) {
    case 'cpu':
      return row.cpuPercent;
    case 'memory':
      return row.memoryUsed;
    case 'disk':
      return container
        ? add(row.blockReadBps, row.blockWriteBps)
        : add(row.virtioBlkReadBps, row.virtioBlkWriteBps);
    case 'net':
      return container
        ? add(row.netRxBps, row.netTxBps)
        : add(row.virtioNetRxBps, row.virtioNetTxBps);
  }
}

/**
 * Rows matching the filter, largest first by the sort key (smallest first when not
 * `descending`), unknown figures last either way, ties by name for a stable screen.
 */
export function orderRows<R extends Row>(
  rows: readonly R[],
  sort: SortKey,
  filter: string,
  descending = true,
): R[] {
  const needle = filter.toLowerCase();
  const kept =
    needle === ''
      ? [...rows]
      : rows.filter(
          (r) => r.name.toLowerCase().includes(needle) || r.id.toLowerCase().includes(needle),
        );
  return kept.sort((a, b) => {
    const x = sortValue(a, sort);
    const y = sortValue(b, sort);
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return descending ? y - x : x - y;
    }
    return a.name.localeCompare(b.name);
  });
}
