/**
 * Keeps the previous reading of every series (one per container or VM) to turn readings into
 * metrics. A series missing from an update ends; one seen for the first time starts with null
 * rates.
 */
export interface SeriesTracker<R, M> {
  /** Metrics for every reading; series not in `readings` are forgotten. */
  update(readings: readonly R[]): M[];
  /** Metrics for one reading, keeping every other series. */
  updateOne(reading: R): M;
  /** Ids currently tracked. */
  ids(): string[];
  forget(id: string): void;
  clear(): void;
}

export function createSeriesTracker<R, M>(
  keyOf: (reading: R) => string,
  compute: (previous: R | null, current: R) => M,
): SeriesTracker<R, M> {
  let previous = new Map<string, R>();
  const updateOne = (reading: R) => {
    const key = keyOf(reading);
    const metrics = compute(previous.get(key) ?? null, reading);
    previous.set(key, reading);
    return metrics;
  };
  return {
    update(readings) {
      const next = new Map<string, R>();
      const out = readings.map((r) => {
        const key = keyOf(r);
        next.set(key, r);
        return compute(previous.get(key) ?? null, r);
      });
      previous = next;
      return out;
    },
    updateOne,
    ids: () => [...previous.keys()],
    forget: (id) => {
      previous.delete(id);
    },
    clear: () => previous.clear(),
  };
}
