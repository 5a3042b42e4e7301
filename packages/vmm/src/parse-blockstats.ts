import type { VirtioBlkReading } from '@arcbox/perf-core';
import { expectArray, isObject, numberOrNull } from './qmp-values.js';

/**
 * `query-blockstats` -> one reading per virtio-blk device. A virtio-blk-pci device's block backend
 * hangs off `/machine/peripheral/<id>/virtio-backend`; that marks it as virtio and gives the
 * device id. Drives with no device (empty SD slot) or non-virtio ones (the IDE CD-ROM) are left out.
 * The top node's `stats` are used: the guest's view, before the format layer (qcow2) adds its own I/O.
 */
export function parseBlockstats(value: unknown): VirtioBlkReading[] {
  const devices: VirtioBlkReading[] = [];
  for (const entry of expectArray(value, 'query-blockstats')) {
    if (!isObject(entry) || !isObject(entry.stats)) continue;
    const qdev = typeof entry.qdev === 'string' ? entry.qdev : null;
    if (qdev === null || !/\/virtio-backend$/.test(qdev)) continue;
    const s = entry.stats;
    devices.push({
      device: deviceName(qdev, entry),
      readBytes: numberOrNull(s.rd_bytes),
      writeBytes: numberOrNull(s.wr_bytes),
      readOps: numberOrNull(s.rd_operations),
      writeOps: numberOrNull(s.wr_operations),
      flushOps: numberOrNull(s.flush_operations),
      readTimeNs: numberOrNull(s.rd_total_time_ns),
      writeTimeNs: numberOrNull(s.wr_total_time_ns),
      flushTimeNs: numberOrNull(s.flush_total_time_ns),
    });
  }
  return devices;
}

function deviceName(qdev: string, entry: Record<string, unknown>): string {
  const peripheral = /^\/machine\/peripheral\/([^/]+)\/virtio-backend$/.exec(qdev);
  if (peripheral?.[1]) return peripheral[1];
  // No -device id: the drive (legacy -drive) or node name (-blockdev), else the QOM path.
  if (typeof entry.device === 'string' && entry.device !== '') return entry.device;
  if (typeof entry['node-name'] === 'string') return entry['node-name'];
  return qdev.replace(/\/virtio-backend$/, '');
}
