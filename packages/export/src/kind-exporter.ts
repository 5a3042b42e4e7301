import type {
  AnyKind,
  ContainerMetrics,
  FieldUnit,
  FilesystemMetrics,
  GpuMetrics,
  KindRegistry,
  ProcessMetrics,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { writeContainers } from './container-families.js';
import { uniqueBy, writeTable } from './family-table.js';
import { writeFilesystems } from './filesystem-families.js';
import { writeGpus } from './gpu-families.js';
import type { MetricFamily } from './metric-family.js';
import { writeProcesses } from './process-families.js';
import { type SampleWriter, writeFamilies } from './sample-writer.js';
import { METRIC_PREFIX, writeSystem } from './system-families.js';
import { writeVms } from './vm-families.js';

/**
 * How one kind's metrics become Prometheus families, by the kind's name. A kind with an
 * exporter gets hand-named families (with node_exporter's and cAdvisor's names as peers); a kind
 * without one still gets a gauge per stored field (see `fieldFamilies`).
 */
export interface KindExporter {
  readonly kind: string;
  families(metrics: readonly unknown[]): MetricFamily[];
  /** The same families through a writer; without it, `families`' are written. */
  write?(writer: SampleWriter, metrics: readonly unknown[]): void;
}

/** The exporters of the kinds arcbox-perf ships; a fresh list each call. */
export function defaultExporters(): KindExporter[] {
  const exporter = <T>(
    kind: string,
    write: (writer: SampleWriter, metrics: readonly T[]) => void,
  ): KindExporter => ({
    kind,
    families: (m) => collectFamilies((writer) => write(writer, m as readonly T[])),
    write: (writer, m) => write(writer, m as readonly T[]),
  });
  return [
    exporter<SystemMetrics>('system', (w, m) => {
      if (m[0]) writeSystem(w, m[0]);
    }),
    exporter<ContainerMetrics>('container', writeContainers),
    exporter<VmMetrics>('vm', writeVms),
    exporter<FilesystemMetrics>('filesystem', writeFilesystems),
    exporter<ProcessMetrics>('process', writeProcesses),
    exporter<GpuMetrics>('gpu', writeGpus),
  ];
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Prometheus base units: bytes, seconds, ratio (percentages are exported as 0..1 ratios). */
function promUnit(unit: FieldUnit): { suffix: string; scale: number } {
  switch (unit) {
    case 'percent':
      return { suffix: 'ratio', scale: 0.01 };
    case 'bytes':
      return { suffix: 'bytes', scale: 1 };
    case 'bytes/s':
      return { suffix: 'bytes_per_second', scale: 1 };
    case 'seconds':
      return { suffix: 'seconds', scale: 1 };
    case 'watts':
      return { suffix: 'watts', scale: 1 };
    case 'celsius':
      return { suffix: 'celsius', scale: 1 };
    case 'hertz':
      return { suffix: 'hertz', scale: 1 };
    default:
      return { suffix: '', scale: 1 };
  }
}

/**
 * The gauge `fieldFamilies` exports for a stored field (`arcbox_perf_<kind>_<field>_<unit>`)
 * and the factor from the field's unit to the exported one (percentages become 0..1 ratios).
 */
export function fieldFamilyName(
  kind: string,
  field: { readonly name: string; readonly unit: FieldUnit },
): { name: string; scale: number } {
  const { suffix, scale } = promUnit(field.unit);
  const base = `${METRIC_PREFIX}_${kind}_${snake(field.name)}`;
  return { name: suffix && !base.endsWith(`_${suffix}`) ? `${base}_${suffix}` : base, scale };
}

/**
 * A gauge per stored field of a kind that has no exporter of its own:
 * `arcbox_perf_<kind>_<field>_<unit>`, labelled by the series' id and name (and its labels).
 */
export function fieldFamilies(kind: AnyKind, metrics: readonly unknown[]): MetricFamily[] {
  return collectFamilies((writer) => writeFields(writer, kind, metrics));
}

/** `fieldFamilies` through a writer. */
export function writeFields(
  writer: SampleWriter,
  kind: AnyKind,
  metrics: readonly unknown[],
): void {
  const stored = kind.fields.filter((f) => f.stored);
  const specs = stored.map((f) => {
    const { name, scale } = fieldFamilyName(kind.name, f);
    const { suffix } = promUnit(f.unit);
    return {
      name,
      type: 'gauge' as const,
      help: f.description,
      ...(suffix === 'bytes' || suffix === 'seconds' || suffix === 'ratio' ? { unit: suffix } : {}),
      value: (m: unknown) => {
        const v = f.value(m);
        return v === null ? null : v * scale;
      },
    };
  });
  writeTable(
    writer,
    specs,
    uniqueBy(metrics, (m) => kind.identity(m).id),
    (m) => {
      const who = kind.identity(m);
      return kind.singleton ? {} : { ...who.labels, id: who.id, name: who.name };
    },
  );
}

/** Every kind's families in registration order: its exporter's where it has one, else `fieldFamilies`. */
export function kindFamilies(
  kinds: KindRegistry,
  values: Readonly<Record<string, unknown>>,
  exporters: readonly KindExporter[] = defaultExporters(),
): MetricFamily[] {
  return collectFamilies((writer) => writeKinds(writer, kinds, values, exporters));
}

/** `kindFamilies` through a writer. */
export function writeKinds(
  writer: SampleWriter,
  kinds: KindRegistry,
  values: Readonly<Record<string, unknown>>,
  exporters: readonly KindExporter[] = defaultExporters(),
): void {
  for (const kind of kinds.kinds) {
    const value = values[kind.sampleKey];
    if (value === undefined || value === null) continue;
    const list = kind.singleton ? [value] : (value as readonly unknown[]);
    const exporter = exporters.find((e) => e.kind === kind.name);
    if (exporter === undefined) writeFields(writer, kind, list);
    else if (exporter.write) exporter.write(writer, list);
    else writeFamilies(writer, exporter.families(list));
  }
}
