import { PerfError } from '@arcbox/perf-core';

/** One rollup tier: buckets of `resolutionMs` keeping min, max, average and count, for `retentionMs`. */
export interface HistoryTier {
  resolutionMs: number;
  retentionMs: number;
}

/**
 * Retention of a history store. Raw samples (the finest tier, 1 s for 1 h by default) are kept
 * by count (`maxSamples`) and by age (`maxAgeMs`); coarser tiers roll them up.
 */
export interface HistoryConfig {
  /** Expected spacing of samples; sizes the raw ring and the rollup counters. Default 1000. */
  sampleIntervalMs?: number;
  /** Raw samples kept per series. Default `maxAgeMs / sampleIntervalMs`. */
  maxSamples?: number;
  /** Age of the oldest raw sample kept. Default 1 hour. */
  maxAgeMs?: number;
  /** Rollup tiers, finest first. Default 1 min for 24 h, then 1 h for 30 days. */
  tiers?: readonly HistoryTier[];
  /**
   * How much of the raw rows and of each rollup tier stays in memory. Unlimited by default (the
   * store alone holds everything); a store backed by a disk store keeps a hot window (the SQLite
   * history sets it to `maxAgeMs` unless given) and reads older rows from disk, so memory no
   * longer grows with retention. A window shorter than `maxAgeMs` leaves the older raw rows on
   * disk only: without a disk store attached they are gone.
   */
  memoryWindowMs?: number;
}

export interface ResolvedHistoryConfig {
  sampleIntervalMs: number;
  maxSamples: number;
  maxAgeMs: number;
  tiers: readonly HistoryTier[];
  memoryWindowMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_HISTORY_TIERS: readonly HistoryTier[] = Object.freeze([
  Object.freeze({ resolutionMs: MINUTE, retentionMs: DAY }),
  Object.freeze({ resolutionMs: HOUR, retentionMs: 30 * DAY }),
]);

/** Fills defaults and checks the config; a bad value throws a PerfError naming the field. */
export function resolveHistoryConfig(config: HistoryConfig = {}): ResolvedHistoryConfig {
  const sampleIntervalMs = positive(config.sampleIntervalMs ?? 1000, 'sampleIntervalMs');
  const maxAgeMs = positive(config.maxAgeMs ?? HOUR, 'maxAgeMs');
  const maxSamples = Math.floor(
    positive(config.maxSamples ?? Math.ceil(maxAgeMs / sampleIntervalMs), 'maxSamples'),
  );
  const tiers = (config.tiers ?? DEFAULT_HISTORY_TIERS).map((tier, i) => ({
    resolutionMs: positive(tier.resolutionMs, `tiers[${i}].resolutionMs`),
    retentionMs: positive(tier.retentionMs, `tiers[${i}].retentionMs`),
  }));
  tiers.forEach((tier, i) => {
    const finer = tiers[i - 1];
    // Each bucket must fall whole into one bucket of the next tier, so rollups cascade exactly.
    if (finer && tier.resolutionMs % finer.resolutionMs !== 0) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `tier resolution ${tier.resolutionMs} ms is not a multiple of the finer tier's ${finer.resolutionMs} ms`,
        { field: `tiers[${i}].resolutionMs` },
      );
    }
  });
  const memoryWindowMs =
    config.memoryWindowMs === undefined
      ? Number.POSITIVE_INFINITY
      : positive(config.memoryWindowMs, 'memoryWindowMs');
  return { sampleIntervalMs, maxSamples, maxAgeMs, tiers: Object.freeze(tiers), memoryWindowMs };
}

function positive(value: number, field: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `history ${field} must be a positive number, got ${value}`,
      {
        field,
      },
    );
  }
  return value;
}
