import type {
  CollectorStatus,
  ContainerMetrics,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import { collectorFamilies } from './collector-families.js';
import { containerFamilies } from './container-families.js';
import { type ExpositionFormat, formatExposition } from './format-exposition.js';
import { createFamily, type MetricFamily } from './metric-family.js';
import { METRIC_PREFIX, systemFamilies } from './system-families.js';
import { vmFamilies } from './vm-families.js';

/** Everything one export covers: the latest metrics of each kind and the collectors' status. */
export interface ExportSnapshot {
  system?: SystemMetrics | null;
  containers?: ReadonlyArray<ContainerMetrics>;
  vms?: ReadonlyArray<VmMetrics>;
  collectors?: ReadonlyArray<CollectorStatus>;
  /** Labels of `arcbox_perf_build_info` (version, ...); omitted when undefined. */
  buildInfo?: Readonly<Record<string, string>>;
}

/** The metric families of a snapshot, in a stable order: build info, system, containers, VMs, collectors. */
export function snapshotFamilies(snapshot: ExportSnapshot): MetricFamily[] {
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
  if (snapshot.system) families.push(...systemFamilies(snapshot.system));
  if (snapshot.containers) families.push(...containerFamilies(snapshot.containers));
  if (snapshot.vms) families.push(...vmFamilies(snapshot.vms));
  if (snapshot.collectors) families.push(...collectorFamilies(snapshot.collectors));
  return families;
}

/** A snapshot in the Prometheus 0.0.4 text format or OpenMetrics 1.0. */
export function formatMetrics(
  snapshot: ExportSnapshot,
  format: ExpositionFormat = 'prometheus',
): string {
  return formatExposition(snapshotFamilies(snapshot), format);
}
