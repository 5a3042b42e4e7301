// fast-check arbitraries of values a VMM might send where a count belongs, and that must never come
// out as a number: negative, fractional, beyond 2^53, not numbers at all.
import fc from 'fast-check';

/** JSON-ish values that are not non-negative integers a double holds exactly. */
export const badCountValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: -1 }),
  fc.double({ noNaN: true }).filter((d) => !Number.isInteger(d)),
  // 2 ** 64 - 1 is what Cloud Hypervisor's u64::MAX markers parse to.
  fc.constantFrom(2 ** 53, 2 ** 60, 2 ** 64 - 1, Number.NaN),
  fc.string(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
);

/** Text tokens (no blanks) that are not plain decimal counts within 2^53. */
export const badCountText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: -1 }).map(String),
  fc
    .double({ noNaN: true })
    .filter((d) => !Number.isInteger(d))
    .map(String),
  fc.constantFrom('0x10', '1e3', '+1', '1.0', 'abc', '18446744073709551615', '9007199254740993'),
  fc.string({ minLength: 1 }).filter((s) => !/\s/.test(s) && !/^\d+$/.test(s)),
);

/** badCountValue that stays itself through JSON text (NaN and infinities turn into null there). */
export const badJsonCountValue: fc.Arbitrary<unknown> = badCountValue.filter(
  (v) => JSON.stringify(v) !== 'null',
);
