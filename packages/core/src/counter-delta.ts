/** How a counter moved between two readings. */
export type CounterChange =
  | { kind: 'first'; delta: null }
  | { kind: 'increase'; delta: number }
  | { kind: 'wrap'; delta: number }
  | { kind: 'reset'; delta: null };

export interface CounterDeltaOptions {
  /** Width of the source counter; 32-bit counters may wrap (macOS interface counters can). */
  bits?: 32 | 64;
}

const TWO_32 = 2 ** 32;
const WRAP_WINDOW = TWO_32 * 0.1;

/**
 * The change of a monotonic counter. A decrease is a reset (new baseline, no delta), except on
 * a 32-bit source where `2^32 - c0 + c1` is under 10 % of 2^32: then it is a wrap.
 */
export function counterDelta(
  previous: number | null | undefined,
  current: number,
  options: CounterDeltaOptions = {},
): CounterChange {
  const delta = deltaOf(previous, current, options.bits);
  if (delta !== null) return { kind: current >= previous! ? 'increase' : 'wrap', delta };
  return previous === null || previous === undefined || !Number.isFinite(previous)
    ? { kind: 'first', delta: null }
    : { kind: 'reset', delta: null };
}

/**
 * counterDelta's `delta` alone (null for a first reading or a reset), without a result object:
 * rates are computed for every counter of every series each round.
 */
export function counterDeltaValue(
  previous: number | null | undefined,
  current: number,
  options: CounterDeltaOptions = {},
): number | null {
  return deltaOf(previous, current, options.bits);
}

function deltaOf(
  previous: number | null | undefined,
  current: number,
  bits: 32 | 64 | undefined,
): number | null {
  if (previous === null || previous === undefined || !Number.isFinite(previous)) return null;
  // A counter is never negative: such a value is no baseline to count from.
  if (!Number.isFinite(current) || current < 0 || previous < 0) return null;
  if (current >= previous) return current - previous;
  if (bits === 32 && previous < TWO_32 && current < TWO_32) {
    const wrapped = TWO_32 - previous + current;
    if (wrapped < WRAP_WINDOW) return wrapped;
  }
  return null;
}

/**
 * Per-second rate of a counter over `seconds`. `null` for a first reading, a reset, a missing
 * value or a non-positive interval: never a made-up 0, never negative.
 */
export function counterRate(
  previous: number | null | undefined,
  current: number | null | undefined,
  seconds: number | null,
  options: CounterDeltaOptions = {},
): number | null {
  if (current === null || current === undefined) return null;
  if (seconds === null || !(seconds > 0) || !Number.isFinite(seconds)) return null;
  const delta = deltaOf(previous, current, options.bits);
  if (delta === null) return null;
  const rate = delta / seconds;
  // A sub-nanosecond interval can overflow; such a rate means nothing.
  return Number.isFinite(rate) ? rate : null;
}
