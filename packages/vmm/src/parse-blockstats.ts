import type { SourceProblem, VirtioBlkReading } from '@arcbox/perf-core';
import { countField } from './count-field.js';
import { expectArray, isObject } from './qmp-values.js';

/**
 * `query-blockstats` -> one reading per virtio-blk device. A virtio-blk-pci device's block backend
 * hangs off `/machine/peripheral/<id>/virtio-backend`; that marks it as virtio and gives the
 * device id. Drives with no device (empty SD slot) or non-virtio ones (the IDE CD-ROM) are left out.
 * The top node's `stats` are used: the guest's view, before the format layer (qcow2) adds its own I/O.
 * A counter that is not a non-negative integer is null and a problem.
 */
export function parseBlockstats(value: unknown, problems?: SourceProblem[]): VirtioBlkReading[] {
  const devices: VirtioBlkReading[] = [];
  for (const entry of expectArray(value, 'query-blockstats')) {
    if (!isObject(entry) || !isObject(entry.stats)) continue;
    const qdev = typeof entry.qdev === 'string' ? entry.qdev : null;
    if (qdev === null || !/\/virtio-backend$/.test(qdev)) continue;
    const s = entry.stats;
    const device = deviceName(qdev, entry);
    const count = (key: string) =>
      countField(s[key], { source: 'qmp query-blockstats', field: `${device} ${key}` }, problems);
    devices.push({
      device,
      readBytes: count('rd_bytes'),
      writeBytes: count('wr_bytes'),
      readOps: count('rd_operations'),
      writeOps: count('wr_operations'),
      flushOps: count('flush_operations'),
      readTimeNs: count('rd_total_time_ns'),
      writeTimeNs: count('wr_total_time_ns'),
      flushTimeNs: count('flush_total_time_ns'),
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
