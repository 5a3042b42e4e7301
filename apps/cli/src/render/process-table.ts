import { formatBytes, formatPercent, type ProcessMetrics } from '@arcbox/perf-core';
import type { TableColumn } from './format-table.js';

/** Read + write bytes/s, or '-' where the process's io cannot be read. */
export const processIoText = (m: ProcessMetrics): string =>
  m.ioReadBps === null && m.ioWriteBps === null
    ? '-'
    : `${formatBytes(m.ioReadBps ?? 0)}/s ${formatBytes(m.ioWriteBps ?? 0)}/s`;

/** Short names for wide command lines: the command name, then the command line cut to fit. */
export const processColumns: readonly TableColumn<ProcessMetrics>[] = [
  { header: 'PID', value: (m) => String(m.pid), align: 'right' },
  { header: 'USER', value: (m) => m.user ?? (m.uid === null ? '-' : String(m.uid)), maxWidth: 12 },
  { header: 'CPU%', value: (m) => formatPercent(m.cpuPercent), align: 'right' },
  { header: 'RSS', value: (m) => formatBytes(m.residentBytes), align: 'right' },
  { header: 'IO R/W', value: processIoText, align: 'right' },
  { header: 'S', value: (m) => m.state ?? '-' },
  {
    header: 'CONTAINER',
    value: (m) => (m.container === null ? '-' : m.container.slice(0, 12)),
    maxWidth: 12,
  },
  { header: 'COMMAND', value: (m) => m.comm, maxWidth: 16 },
  { header: 'ARGS', value: (m) => m.command ?? `[${m.comm}]`, maxWidth: 60 },
];
