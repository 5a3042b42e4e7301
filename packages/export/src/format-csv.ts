import {
  type AnyKind,
  type ContainerMetrics,
  containerNumericFields,
  type SystemMetrics,
  systemNumericFields,
  type VmMetrics,
  vmNumericFields,
} from '@arcbox/perf-core';

/** One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvColumn<T> {
  header: string;
  value(row: T): string | number | boolean | null | undefined;
}

/** Rows to CSV with a header line; unknown values are empty fields, lines end with CRLF (RFC 4180). */
export function formatCsv<T>(rows: Iterable<T>, columns: ReadonlyArray<CsvColumn<T>>): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const time = <T extends { timestamp: number }>(): CsvColumn<T> => ({
  header: 'time',
  value: (r) => new Date(r.timestamp).toISOString(),
});

export const systemCsvColumns: ReadonlyArray<CsvColumn<SystemMetrics>> = [
  time<SystemMetrics>(),
  ...systemNumericFields.map((f) => ({ header: f, value: (r: SystemMetrics) => r[f] })),
];

export const containerCsvColumns: ReadonlyArray<CsvColumn<ContainerMetrics>> = [
  time<ContainerMetrics>(),
  { header: 'id', value: (r) => r.id },
  { header: 'name', value: (r) => r.name },
  { header: 'runtime', value: (r) => r.runtime },
  ...containerNumericFields.map((f) => ({ header: f, value: (r: ContainerMetrics) => r[f] })),
];

export const vmCsvColumns: ReadonlyArray<CsvColumn<VmMetrics>> = [
  time<VmMetrics>(),
  { header: 'id', value: (r) => r.id },
  { header: 'name', value: (r) => r.name },
  { header: 'vmm', value: (r) => r.vmm },
  ...vmNumericFields.map((f) => ({ header: f, value: (r: VmMetrics) => r[f] })),
];

/** Columns of any kind from its descriptor: time, id and name (not for a singleton), every stored field. */
export function kindCsvColumns(kind: AnyKind): CsvColumn<unknown>[] {
  return [
    { header: 'time', value: (r) => new Date(kind.identity(r).timestamp).toISOString() },
    ...(kind.singleton
      ? []
      : [
          { header: 'id', value: (r: unknown) => kind.identity(r).id },
          { header: 'name', value: (r: unknown) => kind.identity(r).name },
        ]),
    ...kind.fields
      .filter((f) => f.stored)
      .map((f) => ({ header: f.name, value: (r: unknown) => f.value(r) })),
  ];
}
