import {
  type ContainerMetrics,
  formatBytes,
  formatPercent,
  formatRate,
  type VmMetrics,
} from '@arcbox/perf-core';
import { formatTable, type TableColumn } from './format-table.js';

const pair = (a: string, b: string) => `${a} / ${b}`;

/**
 * A runtime's container by its short id, as docker shows it; a plain cgroup (no runtime id) by
 * its own path, whose start is shared by its siblings (`/process_api/...`).
 */
function containerIdText(c: ContainerMetrics): string {
  return c.runtime === 'cgroup' ? (c.cgroupPath ?? c.id) : c.id.slice(0, 12);
}

/** CPU as docker stats shows it (100 % = one core), and the share of a cpu quota where one is set. */
function cpuText(c: ContainerMetrics): string {
  const cpu = formatPercent(c.cpuPercent);
  return c.cpuPercentOfLimit === null
    ? cpu
    : `${cpu} (${formatPercent(c.cpuPercentOfLimit)} of limit)`;
}

/** Columns of `arcbox-perf containers`, in the order `docker stats --no-stream` uses. */
export const containerColumns: readonly TableColumn<ContainerMetrics>[] = [
  { header: 'NAME', value: (c) => c.name, maxWidth: 32 },
  { header: 'ID', value: containerIdText, maxWidth: 32, cut: 'start' },
  { header: 'RUNTIME', value: (c) => c.runtime },
  { header: 'CPU %', value: cpuText, align: 'right' },
  {
    header: 'MEM USAGE / LIMIT',
    value: (c) =>
      pair(
        formatBytes(c.memoryUsed),
        c.memoryLimit === null ? 'no limit' : formatBytes(c.memoryLimit),
      ),
    align: 'right',
  },
  {
    header: 'MEM %',
    value: (c) => formatPercent(c.memoryPercent) + (c.memoryPercentOfHost ? ' (host)' : ''),
    align: 'right',
  },
  {
    header: 'NET RX / TX',
    value: (c) => pair(formatRate(c.netRxBps), formatRate(c.netTxBps)),
    align: 'right',
  },
  {
    header: 'BLOCK R / W',
    value: (c) => pair(formatRate(c.blockReadBps), formatRate(c.blockWriteBps)),
    align: 'right',
  },
  {
    header: 'PIDS',
    value: (c) =>
      c.pids === null ? '-' : c.pidsLimit === null ? String(c.pids) : `${c.pids}/${c.pidsLimit}`,
    align: 'right',
  },
];

export const vmColumns: readonly TableColumn<VmMetrics>[] = [
  { header: 'NAME', value: (v) => v.name, maxWidth: 32 },
  { header: 'VMM', value: (v) => v.vmm },
  { header: 'PID', value: (v) => (v.pid === null ? '-' : String(v.pid)), align: 'right' },
  { header: 'CPU %', value: (v) => formatPercent(v.cpuPercent), align: 'right' },
  {
    header: 'VCPU %',
    value: (v) =>
      v.vcpuPercent.length === 0
        ? '-'
        : v.vcpuPercent.map((p) => (p === null ? '-' : p.toFixed(0))).join(' '),
  },
  {
    header: 'MEM USED / TOTAL',
    value: (v) => pair(formatBytes(v.memoryUsed), formatBytes(v.memoryTotal)),
    align: 'right',
  },
  {
    header: 'DISK R / W',
    value: (v) => pair(formatRate(v.virtioBlkReadBps), formatRate(v.virtioBlkWriteBps)),
    align: 'right',
  },
  {
    header: 'NET RX / TX',
    value: (v) => pair(formatRate(v.virtioNetRxBps), formatRate(v.virtioNetTxBps)),
    align: 'right',
  },
];

export function formatContainerTable(rows: readonly ContainerMetrics[]): string[] {
  return formatTable(containerColumns, rows);
}

export function formatVmTable(rows: readonly VmMetrics[]): string[] {
  return formatTable(vmColumns, rows);
}
