import type {
  AnyKind,
  ContainerMetrics,
  ProcessMetrics,
  FieldUnit,
  KindRegistry,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import { containerFamilies } from './container-families.js';
import { familiesFrom, uniqueBy } from './family-table.js';
import { gpuFamilies } from './gpu-families.js';
import { processFamilies } from './process-families.js';
import { filesystemFamilies } from './filesystem-families.js';
import type { MetricFamily } from './metric-family.js';
import { METRIC_PREFIX, systemFamilies } from './system-families.js';
import { vmFamilies } from './vm-families.js';

/**
 * How one kind's metrics become Prometheus families, by the kind's name. A kind with an
 * exporter gets hand-named families (with node_exporter's and cAdvisor's names as peers); a kind
 * without one still gets a gauge per stored field (see `fieldFamilies`).
 */
export interface KindExporter {
  readonly kind: string;
  families(metrics: readonly unknown[]): MetricFamily[];
}

/** The exporters of the kinds arcbox-perf ships; a fresh list each call. */
export function defaultExporters(): KindExporter[] {
  return [
    { kind: 'system', families: (m) => (m[0] ? systemFamilies(m[0] as SystemMetrics) : []) },
    { kind: 'container', families: (m) => containerFamilies(m as ContainerMetrics[]) },
    { kind: 'vm', families: (m) => vmFamilies(m as VmMetrics[]) },
    { kind: 'filesystem', families: (m) => filesystemFamilies(m as never) },
    { kind: 'process', families: (m) => processFamilies(m as ProcessMetrics[]) },
    { kind: 'gpu', families: (m) => gpuFamilies(m as never) },
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
  return familiesFrom(
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
  const out: MetricFamily[] = [];
  for (const kind of kinds.kinds) {
    const value = values[kind.sampleKey];
    if (value === undefined || value === null) continue;
    const list = kind.singleton ? [value] : (value as readonly unknown[]);
    const exporter = exporters.find((e) => e.kind === kind.name);
    out.push(...(exporter ? exporter.families(list) : fieldFamilies(kind, list)));
  }
  return out;
}
