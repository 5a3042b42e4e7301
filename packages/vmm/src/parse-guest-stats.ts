import type { SourceProblem } from '@arcbox/perf-core';
import { countField } from './count-field.js';
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

/**
 * `qom-get <balloon> guest-stats` -> the memory stats. QEMU reports a stat the guest did not send
 * as -1 (docs/interop/virtio-balloon-stats.rst): null, no problem. Any other value that is not a
 * non-negative integer is null and a problem.
 */
export function parseGuestStats(value: unknown, problems?: SourceProblem[]): BalloonGuestStats {
  const reply = expectObject(value, 'qom-get guest-stats');
  const stats = isObject(reply.stats) ? reply.stats : {};
  const reported = (key: string): number | null =>
    stats[key] === -1
      ? null
      : countField(stats[key], { source: 'qmp balloon guest-stats', field: key }, problems);
  return {
    total: reported('stat-total-memory'),
    available: reported('stat-available-memory'),
    free: reported('stat-free-memory'),
    diskCaches: reported('stat-disk-caches'),
    lastUpdate: numberOrNull(reply['last-update']) ?? 0,
  };
}
