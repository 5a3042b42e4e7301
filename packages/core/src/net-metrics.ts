import { counterRate } from './counter-delta.js';
import type { NetInterfaceReading } from './reading.js';
import type { NetInterfaceMetrics } from './system-metrics.js';

/** Rates of each interface, matched by name between two readings. */
export function computeInterfaceMetrics(
  previous: readonly NetInterfaceReading[] | null | undefined,
  current: readonly NetInterfaceReading[],
  seconds: number | null,
): NetInterfaceMetrics[] {
  const before = new Map((previous ?? []).map((i) => [i.name, i]));
  return current.map((now) => {
    const was = before.get(now.name);
    const opts = { bits: now.counterBits };
    return {
      name: now.name,
      loopback: now.loopback,
      virtual: now.virtual,
      countedInTotal: now.countedInTotal,
      rxBytes: now.rxBytes,
      txBytes: now.txBytes,
      rxPackets: now.rxPackets,
      txPackets: now.txPackets,
      rxErrors: now.rxErrors,
      txErrors: now.txErrors,
      rxDropped: now.rxDropped,
      txDropped: now.txDropped,
      rxBps: counterRate(was?.rxBytes, now.rxBytes, seconds, opts),
      txBps: counterRate(was?.txBytes, now.txBytes, seconds, opts),
      rxPps: counterRate(was?.rxPackets, now.rxPackets, seconds, opts),
      txPps: counterRate(was?.txPackets, now.txPackets, seconds, opts),
    };
  });
}

/**
 * Sum of a field over the given items; null if any counted item lacks it (a partial sum would
 * read as a drop), or if there is nothing to count.
 */
export function sumOrNull<T>(items: readonly T[], pick: (item: T) => number | null): number | null {
  let sum = 0;
  for (const item of items) {
    const value = pick(item);
    if (value === null || !Number.isFinite(value)) return null;
    sum += value;
  }
  return sum;
}
