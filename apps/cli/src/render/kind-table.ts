import type {
  ContainerMetrics,
  FilesystemMetrics,
  ProcessMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import { type AnyKind, formatValue } from '@arcbox/perf-core';
import { formatContainerTable, formatVmTable } from './container-table.js';
import { formatFilesystemTable } from './filesystem-table.js';
import { formatTable } from './format-table.js';
import { processColumns } from './process-table.js';

/** Kinds with a table laid out for them; any other kind gets the generic one below. */
const ownTables: Readonly<Record<string, (rows: readonly never[]) => string[]>> = {
  container: (rows: readonly ContainerMetrics[]) => formatContainerTable(rows),
  vm: (rows: readonly VmMetrics[]) => formatVmTable(rows),
  filesystem: (rows: readonly FilesystemMetrics[]) => formatFilesystemTable(rows),
  // The kept processes, busiest first (the monitor keeps them in the order they were read).
  process: (rows: readonly ProcessMetrics[]) =>
    formatTable(
      processColumns,
      [...rows].sort((a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || a.pid - b.pid),
    ),
};

/** Columns a generic table shows: more would not fit a terminal. */
const GENERIC_FIELDS = 8;

/** One kind's rows as a table: its own layout, else its name and first fields in their units. */
export function formatKindTable(kind: AnyKind, rows: readonly unknown[]): string[] {
  const own = ownTables[kind.name];
  if (own) return own(rows as readonly never[]);
  const fields = kind.fields.filter((f) => f.stored).slice(0, GENERIC_FIELDS);
  return formatTable(
    [
      { header: 'NAME', value: (r: unknown) => kind.identity(r).name, maxWidth: 32 },
      ...fields.map((f) => ({
        header: f.name,
        value: (r: unknown) => formatValue(f.value(r), f.unit),
        align: 'right' as const,
      })),
    ],
    rows,
  );
}
