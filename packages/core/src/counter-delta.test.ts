import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterDelta, counterDeltaValue, counterRate } from './counter-delta.js';

describe('counterDelta', () => {
  it('has no delta on the first reading', () => {
    expect(counterDelta(null, 10)).toEqual({ kind: 'first', delta: null });
    expect(counterDelta(undefined, 10)).toEqual({ kind: 'first', delta: null });
  });

  it('gives the increase of a growing counter', () => {
    expect(counterDelta(100, 250)).toEqual({ kind: 'increase', delta: 150 });
  });

  it('treats a decrease as a reset with no delta', () => {
    expect(counterDelta(1_000, 10)).toEqual({ kind: 'reset', delta: null });
  });

  it('counts a 32-bit wrap within 10 % of 2^32 as a wrap', () => {
    expect(counterDelta(2 ** 32 - 100, 50, { bits: 32 })).toEqual({ kind: 'wrap', delta: 150 });
  });

  it('counts a big 32-bit drop as a reset (Netdata rule)', () => {
    expect(counterDelta(2 ** 31, 5, { bits: 32 })).toEqual({ kind: 'reset', delta: null });
  });

  it('never wraps a 64-bit counter', () => {
    expect(counterDelta(2 ** 32 - 100, 50)).toEqual({ kind: 'reset', delta: null });
  });
});

describe('counterRate', () => {
  it('divides the delta by the seconds', () => {
    expect(counterRate(0, 3_000, 1.5)).toBe(2_000);
  });

  it('is null without an interval', () => {
    expect(counterRate(0, 10, null)).toBeNull();
    expect(counterRate(0, 10, 0)).toBeNull();
    expect(counterRate(0, 10, -1)).toBeNull();
  });

  it('is null for a missing current value', () => {
    expect(counterRate(5, null, 1)).toBeNull();
  });

  const counter = fc.oneof(fc.nat(), fc.double({ min: 0, max: 2 ** 53, noNaN: true }));
  const anyNumber = fc.oneof(
    fc.double(),
    fc.integer(),
    fc.constant(Number.NaN),
    fc.constant(Number.POSITIVE_INFINITY),
  );

  it('is never negative, NaN or infinite (property)', () => {
    expect(counterRate(0, -(2 ** 32) + 1, 1, { bits: 32 })).toBeNull();
    fc.assert(
      fc.property(
        fc.option(anyNumber),
        fc.option(anyNumber),
        fc.option(fc.double({ noNaN: false })),
        fc.constantFrom<32 | 64>(32, 64),
        (c0, c1, seconds, bits) => {
          const rate = counterRate(c0, c1, seconds, { bits });
          return rate === null || (Number.isFinite(rate) && rate >= 0);
        },
      ),
    );
  });

  it('is null after every decrease of a 64-bit counter (property)', () => {
    fc.assert(
      fc.property(counter, counter, (a, b) => {
        fc.pre(b < a);
        return counterRate(a, b, 1) === null;
      }),
    );
  });

  it('reproduces the increase of a wrapped 32-bit counter (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 1, max: 2 ** 28 }),
        (c0, step) => {
          const c1 = (c0 + step) % 2 ** 32;
          return counterRate(c0, c1, 1, { bits: 32 }) === step;
        },
      ),
    );
  });
});

describe('counterDeltaValue', () => {
  it('is counterDelta(...).delta for any pair, 32- or 64-bit', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(Number.NaN),
      fc.integer({ min: -5, max: 2 ** 32 + 5 }),
      fc.double({ min: 0, max: 2 ** 53, noNaN: true }),
    );
    fc.assert(
      fc.property(value, value, fc.constantFrom(32 as const, 64 as const), (a, b, bits) => {
        const current = b ?? Number.NaN;
        expect(counterDeltaValue(a, current, { bits })).toBe(
          counterDelta(a, current, { bits }).delta,
        );
      }),
    );
    expect(counterDeltaValue(2 ** 32 - 10, 5, { bits: 32 })).toBe(15);
  });
});
