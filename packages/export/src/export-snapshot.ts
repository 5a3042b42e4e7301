import {
  type CollectorStatus,
  type ContainerMetrics,
  createKindRegistry,
  defaultKinds,
  type KindRegistry,
  type KindValues,
  type SystemMetrics,
  type VmMetrics,
} from '@arcbox/perf-core';
import { collectorFamilies } from './collector-families.js';
import { type ExpositionFormat, formatExposition } from './format-exposition.js';
import { type KindExporter, kindFamilies } from './kind-exporter.js';
import { createFamily, type MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

/** Which kinds an export covers and how each becomes families. */
export interface ExportOptions {
  /** The kinds of series; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
  /** Exporters by kind; arcbox-perf's own when omitted. */
  exporters?: readonly KindExporter[];
}

/**
 * Everything one export covers: the latest metrics of each kind under its sample key
 * (`system`, `containers`, `vms`, `filesystems`, ...) and the collectors' status.
 */
export interface ExportSnapshot extends KindValues {
  system?: SystemMetrics | null;
  containers?: ReadonlyArray<ContainerMetrics>;
  vms?: ReadonlyArray<VmMetrics>;
  collectors?: ReadonlyArray<CollectorStatus>;
  /** Labels of `arcbox_perf_build_info` (version, ...); omitted when undefined. */
  buildInfo?: Readonly<Record<string, string>>;
}

/** The metric families of a snapshot, in a stable order: build info, each kind in registration order, collectors. */
export function snapshotFamilies(
  snapshot: ExportSnapshot,
  options: ExportOptions = {},
): MetricFamily[] {
  const families: MetricFamily[] = [];
  if (snapshot.buildInfo) {
    const info = createFamily(
      `${METRIC_PREFIX}_build`,
      'info',
      'Version of the arcbox-perf exporter.',
    );
    info.add(snapshot.buildInfo, 1);
    families.push(info.family);
  }
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  families.push(...kindFamilies(kinds, snapshot, options.exporters));
  if (snapshot.collectors) families.push(...collectorFamilies(snapshot.collectors));
  return families;
}

/** A snapshot in the Prometheus 0.0.4 text format or OpenMetrics 1.0. */
export function formatMetrics(
  snapshot: ExportSnapshot,
  format: ExpositionFormat = 'prometheus',
  options: ExportOptions = {},
): string {
  return formatExposition(snapshotFamilies(snapshot, options), format);
}
