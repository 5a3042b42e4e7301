import type { FilesystemMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, uniqueBy, writeTable } from './family-table.js';
import type { SampleWriter } from './sample-writer.js';
import type { MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_filesystem_${name}`;

/** node_exporter's node_filesystem_* are the peers (apps/agent/README.md). */
const filesystemSpecs: ReadonlyArray<FamilySpec<FilesystemMetrics>> = [
  {
    name: p('size_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Filesystem size in bytes.',
    value: (f) => f.sizeBytes,
  },
  {
    name: p('free_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Free space in bytes, reserved blocks included.',
    value: (f) => f.freeBytes,
  },
  {
    name: p('avail_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Space available to unprivileged users in bytes.',
    value: (f) => f.availableBytes,
  },
  {
    name: p('used_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Space used in bytes: size minus free, as df counts it.',
    value: (f) => f.usedBytes,
  },
  {
    name: p('files'),
    type: 'gauge',
    help: 'Inodes in the filesystem (absent where it has no fixed number).',
    value: (f) => f.inodesTotal,
  },
  {
    name: p('files_free'),
    type: 'gauge',
    help: 'Free inodes.',
    value: (f) => f.inodesFree,
  },
  {
    name: p('readonly'),
    type: 'gauge',
    help: '1 when the filesystem is mounted read-only.',
    value: (f) => (f.readOnly ? 1 : 0),
  },
];

/** Per-mount families labelled like node_exporter's: {device, fstype, mountpoint}. */
export function filesystemFamilies(filesystems: ReadonlyArray<FilesystemMetrics>): MetricFamily[] {
  return collectFamilies((writer) => writeFilesystems(writer, filesystems));
}

/** `filesystemFamilies` through a writer. */
export function writeFilesystems(
  writer: SampleWriter,
  filesystems: ReadonlyArray<FilesystemMetrics>,
): void {
  writeTable(
    writer,
    filesystemSpecs,
    uniqueBy(filesystems, (f) => f.mountPoint),
    (f) => ({ device: f.device, fstype: f.fsType, mountpoint: f.mountPoint }),
  );
}
