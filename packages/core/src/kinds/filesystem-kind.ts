import { computeFilesystemMetrics } from '../compute-filesystem-metrics.js';
import type { FilesystemMetrics } from '../filesystem-metrics.js';
import type { FilesystemReading } from '../filesystem-reading.js';
import { field, type KindDescriptor } from './kind-descriptor.js';

const f = field<FilesystemMetrics>;

/** One series per mount point, `filesystem:<mount point>`. */
export const filesystemKind: KindDescriptor<FilesystemReading, FilesystemMetrics> = {
  name: 'filesystem',
  sampleKey: 'filesystems',
  title: 'Filesystems',
  singleton: false,
  keyOf: (r) => r.mountPoint,
  compute: computeFilesystemMetrics,
  // The metrics carry their identity's fields: no object per series per round (history and
  // alerts ask for it every round).
  identity: (m) => m,
  fields: [
    f('sizeBytes', 'bytes', 'Size of the filesystem.'),
    f('usedBytes', 'bytes', 'Space in use: size minus free (reserved blocks count as used).'),
    f('freeBytes', 'bytes', 'Free space, reserved blocks included.'),
    f('availableBytes', 'bytes', 'Space an unprivileged user can still write.'),
    f('usedPercent', 'percent', 'Space used, as df shows Use%: used / (used + available).'),
    f('inodesTotal', 'count', 'Inodes (null where the filesystem has no fixed number).'),
    f('inodesUsed', 'count', 'Inodes in use.'),
    f('inodesFree', 'count', 'Free inodes.'),
    f('inodesUsedPercent', 'percent', 'Inodes used, share of the total.'),
  ],
  facts: { readOnly: (m) => m.readOnly },
  defaultRules: [
    {
      name: 'filesystem-space-low',
      description: 'A writable filesystem 90 % full (95 % critical) for a minute',
      target: 'filesystem',
      field: 'usedPercent',
      match: { facts: { readOnly: false } },
      comparison: '>=',
      warn: 90,
      crit: 95,
      clear: 85,
      windowSeconds: 60,
      windowAggregation: 'last',
      forSeconds: 60,
    },
  ],
};
