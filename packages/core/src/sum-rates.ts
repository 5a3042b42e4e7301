/**
 * Total rate over the items counted in a system total: the sum of their rates. Items without a
 * rate this interval (new, or reset) are left out; null when no counted item has one, so a first
 * reading never reads as 0.
 */
export function sumRates<T extends { countedInTotal: boolean }>(
  items: readonly T[],
  pick: (item: T) => number | null,
  seconds: number | null,
): number | null {
  if (seconds === null) return null;
  let sum = 0;
  let counted = 0;
  let rated = 0;
  for (const item of items) {
    if (!item.countedInTotal) continue;
    counted += 1;
    const value = pick(item);
    if (value === null) continue;
    rated += 1;
    sum += value;
  }
  return counted > 0 && rated === 0 ? null : sum;
}

/** Sum of a counter over the items counted in a total; null when one of them lacks it. */
export function sumCounted<T extends { countedInTotal: boolean }>(
  items: readonly T[],
  pick: (item: T) => number | null,
): number | null {
  let sum = 0;
  for (const item of items) {
    if (!item.countedInTotal) continue;
    const value = pick(item);
    if (value === null) return null;
    sum += value;
  }
  return sum;
}
