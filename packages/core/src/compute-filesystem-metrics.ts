import type { FilesystemMetrics } from './filesystem-metrics.js';
import type { FilesystemReading } from './filesystem-reading.js';
import { clamp } from './units.js';

const known = (x: number | null): x is number => x !== null && Number.isFinite(x) && x >= 0;

/** A filesystem reading to metrics; the previous reading is not needed (no rates). */
export function computeFilesystemMetrics(
  _previous: FilesystemReading | null,
  current: FilesystemReading,
): FilesystemMetrics {
  const { sizeBytes: size, freeBytes: free, availableBytes: avail } = current;
  const used = known(size) && known(free) ? Math.max(0, size - free) : null;
  const room = used !== null && known(avail) ? used + avail : null;
  const inodes = known(current.inodesTotal) && current.inodesTotal > 0 ? current.inodesTotal : null;
  const inodesFree = inodes !== null && known(current.inodesFree) ? current.inodesFree : null;
  const inodesUsed = inodesFree !== null ? Math.max(0, inodes! - inodesFree) : null;
  return {
    id: current.mountPoint,
    name: current.mountPoint,
    mountPoint: current.mountPoint,
    device: current.device,
    fsType: current.fsType,
    readOnly: current.readOnly,
    sharedSpace: current.sharedSpace,
    labels: { device: current.device, fstype: current.fsType },
    timestamp: current.time,
    monotonicMs: current.monotonicMs,
    sizeBytes: known(size) ? size : null,
    usedBytes: used,
    freeBytes: known(free) ? free : null,
    availableBytes: known(avail) ? avail : null,
    usedPercent: room !== null && room > 0 ? clamp((100 * used!) / room, 0, 100) : null,
    inodesTotal: inodes,
    inodesUsed,
    inodesFree,
    inodesUsedPercent:
      inodesUsed !== null && inodes !== null ? clamp((100 * inodesUsed) / inodes, 0, 100) : null,
    problems: current.problems,
  };
}
