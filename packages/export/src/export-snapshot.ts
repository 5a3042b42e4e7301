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
import { collectFamilies } from './collect-families.js';
import { writeCollectors } from './collector-families.js';
import { type ExpositionFormat, formatExposition } from './format-exposition.js';
import { type KindExporter, writeKinds } from './kind-exporter.js';
import type { MetricFamily } from './metric-family.js';
import type { SampleWriter } from './sample-writer.js';
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
  return collectFamilies((writer) => writeSnapshot(writer, snapshot, options));
}

/** `snapshotFamilies` through a writer: the same families in the same order, as no objects. */
export function writeSnapshot(
  writer: SampleWriter,
  snapshot: ExportSnapshot,
  options: ExportOptions = {},
): void {
  if (snapshot.buildInfo) {
    writer.family({
      name: `${METRIC_PREFIX}_build`,
      help: 'Version of the arcbox-perf exporter.',
      type: 'info',
    });
    writer.sample(snapshot.buildInfo, 1);
  }
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  writeKinds(writer, kinds, snapshot, options.exporters);
  if (snapshot.collectors) writeCollectors(writer, snapshot.collectors);
}

/** A snapshot in the Prometheus 0.0.4 text format or OpenMetrics 1.0. */
export function formatMetrics(
  snapshot: ExportSnapshot,
  format: ExpositionFormat = 'prometheus',
  options: ExportOptions = {},
): string {
  return formatExposition(snapshotFamilies(snapshot, options), format);
}
