import { parseDuration } from '@arcbox/perf-core';
import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a whole number within bounds. */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return n;
  };
}

/**
 * Sampling intervals: a duration as the config files write it (`500ms`, `2s`, `1m`), or bare
 * milliseconds as `-i 500` always meant; at least 50 ms (below that, counters barely move), at
 * most one hour.
 */
export function intervalOption(value: string): number {
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text);
  if (ms === null || !Number.isSafeInteger(ms) || ms < 50 || ms > 3_600_000)
    throw new InvalidArgumentError(
      `expected milliseconds or a duration (500, 500ms, 2s, 1m) from 50ms to 1h, got "${value}"`,
    );
  return ms;
}

export function choiceOption<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}"`);
    }
    return value as T;
  };
}
