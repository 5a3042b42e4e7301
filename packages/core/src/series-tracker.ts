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

/** One series' last reading; made once per series, then updated in place. */
interface Slot<R> {
  reading: R;
  /** The update that last saw the series. */
  round: number;
  /**
   * During an update, the reading before its first one (a key twice in one update reads from
   * it); null again once the update is done, so no series holds two readings between rounds.
   */
  before: R | null;
}

/**
 * One map from key to a slot updated in place, not a new map of every series per update: at
 * 1,000 containers a round, a new map grew through ten sizes and was dropped a second later.
 * Series that went away are found by the update's stamp, only when the count says some did.
 */
export function createSeriesTracker<R, M>(
  keyOf: (reading: R) => string,
  compute: (previous: R | null, current: R) => M,
): SeriesTracker<R, M> {
  const slots = new Map<string, Slot<R>>();
  /** Slots whose `before` the running update set; reused from one update to the next. */
  const touched: Slot<R>[] = [];
  let round = 0;
  const updateOne = (reading: R) => {
    const key = keyOf(reading);
    const slot = slots.get(key);
    const metrics = compute(slot?.reading ?? null, reading);
    if (slot) slot.reading = reading;
    else slots.set(key, { reading, round, before: null });
    return metrics;
  };
  return {
    update(readings) {
      round += 1;
      let seen = 0;
      const out = new Array<M>(readings.length);
      for (let i = 0; i < readings.length; i++) {
        const r = readings[i]!;
        const key = keyOf(r);
        const slot = slots.get(key);
        let previous: R | null;
        if (slot === undefined) {
          previous = null;
          slots.set(key, { reading: r, round, before: null });
          seen += 1;
        } else if (slot.round === round) {
          // The same key again in this update: it follows the previous update's reading too.
          previous = slot.before;
          slot.reading = r;
        } else {
          previous = slot.reading;
          slot.before = previous;
          touched.push(slot);
          slot.reading = r;
          slot.round = round;
          seen += 1;
        }
        out[i] = compute(previous, r);
      }
      for (let i = 0; i < touched.length; i++) touched[i]!.before = null;
      touched.length = 0;
      if (seen !== slots.size) {
        for (const [key, slot] of slots) if (slot.round !== round) slots.delete(key);
      }
      return out;
    },
    updateOne,
    ids: () => [...slots.keys()],
    forget: (id) => {
      slots.delete(id);
    },
    clear: () => slots.clear(),
  };
}
