import { type FilesystemMetrics, formatBytes, formatPercent } from '@arcbox/perf-core';
import { formatTable, type TableColumn } from './format-table.js';

/** Columns of the filesystems table, in the order `df -h` uses (plus type and read-only). */
export const filesystemColumns: readonly TableColumn<FilesystemMetrics>[] = [
  { header: 'MOUNT', value: (f) => f.mountPoint, maxWidth: 40, cut: 'start' },
  { header: 'TYPE', value: (f) => f.fsType, maxWidth: 12 },
  { header: 'SIZE', value: (f) => formatBytes(f.sizeBytes), align: 'right' },
  { header: 'USED', value: (f) => formatBytes(f.usedBytes), align: 'right' },
  { header: 'AVAIL', value: (f) => formatBytes(f.availableBytes), align: 'right' },
  { header: 'USE %', value: (f) => formatPercent(f.usedPercent), align: 'right' },
  { header: 'RO', value: (f) => (f.readOnly ? 'ro' : '') },
];

export function formatFilesystemTable(rows: readonly FilesystemMetrics[]): string[] {
  return formatTable(filesystemColumns, rows);
}
