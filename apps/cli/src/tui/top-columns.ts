import {
  type ContainerMetrics,
  type FilesystemMetrics,
  formatPercent,
  type ProcessMetrics,
  type VmMetrics,
} from '@arcbox/perf-core';
import { containerColumns, vmColumns } from '../render/container-table.js';
import { filesystemColumns } from '../render/filesystem-table.js';
import type { TableColumn } from '../render/format-table.js';
import { processColumns } from '../render/process-table.js';
import { compactBytes, compactPair, type FitColumn } from './fit-columns.js';
import type { SortKey } from './top-state.js';

/** How the live view fits a table column: its worth, its short form, the sort it shows. */
interface Fit<R> {
  priority: number;
  compact?: FitColumn<R>['compact'];
  preferredWidth?: number;
  minWidth?: number;
  sort?: SortKey;
}

const KEEP = Number.POSITIVE_INFINITY;

/** The plain tables' columns with what the live view needs to fit and mark them. */
function withFit<R>(
  columns: readonly TableColumn<R>[],
  fits: Record<string, Fit<R>>,
): Array<FitColumn<R> & { sort?: SortKey }> {
  return columns.map((c) => ({ ...c, ...(fits[c.header] ?? { priority: 0 }) }));
}

const pidsText = (c: ContainerMetrics) =>
  c.pids === null ? '-' : c.pidsLimit === null ? String(c.pids) : `${c.pids}/${c.pidsLimit}`;

export const topContainerColumns = withFit<ContainerMetrics>(containerColumns, {
  NAME: { priority: KEEP, preferredWidth: 24, minWidth: 12 },
  'CPU %': {
    priority: 100,
    sort: 'cpu',
    compact: { header: 'CPU %', value: (c) => formatPercent(c.cpuPercent) },
  },
  'MEM %': {
    priority: 90,
    compact: {
      header: 'MEM %',
      value: (c) => formatPercent(c.memoryPercent) + (c.memoryPercentOfHost ? '*' : ''),
    },
  },
  'NET RX / TX': {
    priority: 80,
    sort: 'net',
    compact: { header: 'NET RX/TX', value: (c) => compactPair(c.netRxBps, c.netTxBps) },
  },
  PIDS: { priority: 75, compact: { header: 'PIDS', value: pidsText } },
  'BLOCK R / W': {
    priority: 70,
    sort: 'disk',
    compact: {
      header: 'BLOCK R/W',
      value: (c) => compactPair(c.blockReadBps, c.blockWriteBps),
    },
  },
  'MEM USAGE / LIMIT': {
    priority: 60,
    sort: 'memory',
    compact: { header: 'MEM USED', value: (c) => compactBytes(c.memoryUsed) },
  },
  ID: { priority: 30 },
  RUNTIME: { priority: 20 },
});

export const topVmColumns = withFit<VmMetrics>(vmColumns, {
  NAME: { priority: KEEP, preferredWidth: 24, minWidth: 12 },
  'CPU %': { priority: 100, sort: 'cpu' },
  'MEM USED / TOTAL': {
    priority: 90,
    sort: 'memory',
    compact: { header: 'MEM', value: (v) => compactPair(v.memoryUsed, v.memoryTotal) },
  },
  'NET RX / TX': {
    priority: 80,
    sort: 'net',
    compact: { header: 'NET RX/TX', value: (v) => compactPair(v.virtioNetRxBps, v.virtioNetTxBps) },
  },
  'DISK R / W': {
    priority: 70,
    sort: 'disk',
    compact: {
      header: 'DISK R/W',
      value: (v) => compactPair(v.virtioBlkReadBps, v.virtioBlkWriteBps),
    },
  },
  'VCPU %': { priority: 50 },
  PID: { priority: 30 },
  VMM: { priority: 20 },
});

export const topFilesystemColumns = withFit<FilesystemMetrics>(filesystemColumns, {
  MOUNT: { priority: KEEP, preferredWidth: 24, minWidth: 10 },
  'USE %': { priority: 100 },
  USED: { priority: 80, compact: { header: 'USED', value: (f) => compactBytes(f.usedBytes) } },
  SIZE: { priority: 70, compact: { header: 'SIZE', value: (f) => compactBytes(f.sizeBytes) } },
  AVAIL: {
    priority: 60,
    compact: { header: 'AVAIL', value: (f) => compactBytes(f.availableBytes) },
  },
  RO: { priority: 40 },
  TYPE: { priority: 30 },
});

/** The sort column's header marked with the direction: `CPU % ▼` largest first. */
export function markSorted<R>(
  columns: ReadonlyArray<FitColumn<R> & { sort?: SortKey }>,
  sort: SortKey,
  descending: boolean,
): FitColumn<R>[] {
  const arrow = descending ? '▼' : '▲';
  return columns.map((c) =>
    c.sort !== sort
      ? c
      : {
          ...c,
          header: `${c.header}${arrow}`,
          ...(c.compact
            ? { compact: { ...c.compact, header: `${c.compact.header}${arrow}` } }
            : {}),
        },
  );
}

export const topProcessColumns = withFit<ProcessMetrics>(processColumns, {
  COMMAND: { priority: KEEP, minWidth: 8 },
  'CPU%': { priority: 100, sort: 'cpu' },
  RSS: {
    priority: 90,
    sort: 'memory',
    compact: { header: 'RSS', value: (m) => compactBytes(m.residentBytes) },
  },
  PID: { priority: 85 },
  'IO R/W': {
    priority: 70,
    sort: 'disk',
    compact: { header: 'IO R/W', value: (m) => compactPair(m.ioReadBps, m.ioWriteBps) },
  },
  CONTAINER: { priority: 60 },
  USER: { priority: 40 },
  S: { priority: 30 },
  ARGS: { priority: 20, minWidth: 10 },
});
