import { expectObject, isObject, numberOrNull } from './qmp-values.js';

/** Guest memory as the virtio-balloon driver reports it, bytes; null = the guest does not report it. */
export interface BalloonGuestStats {
  total: number | null;
  available: number | null;
  free: number | null;
  diskCaches: number | null;
  /** Epoch seconds of the guest's last report; 0 when it never reported (polling not on yet). */
  lastUpdate: number;
}

// QEMU reports a stat the guest did not send as -1 (docs/interop/virtio-balloon-stats.rst).
const reported = (value: unknown): number | null => {
  const n = numberOrNull(value);
  return n === null || n < 0 ? null : n;
};

/** `qom-get <balloon> guest-stats` -> the memory stats. */
export function parseGuestStats(value: unknown): BalloonGuestStats {
  const reply = expectObject(value, 'qom-get guest-stats');
  const stats = isObject(reply.stats) ? reply.stats : {};
  return {
    total: reported(stats['stat-total-memory']),
    available: reported(stats['stat-available-memory']),
    free: reported(stats['stat-free-memory']),
    diskCaches: reported(stats['stat-disk-caches']),
    lastUpdate: numberOrNull(reply['last-update']) ?? 0,
  };
}
