import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeColumns, decodeTimes, encodeColumns, encodeTimes } from './column-codec.js';

const bitsOf = (xs: number[]) => new Uint32Array(new Float32Array(xs).buffer);

describe('column codec (codec 2)', () => {
  it('gives back every bit it was given: any rows, widths, floats, NaN payloads, deflated or not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 800, maxLength: 800 }),
        (rows, width, deflate, pool) => {
          // Some columns constant, some moving, any bit pattern (NaNs with payloads included).
          const bits = new Uint32Array(rows * width);
          for (let r = 0; r < rows; r++)
            for (let c = 0; c < width; c++)
              bits[r * width + c] = c % 3 === 0 ? pool[c]! : pool[(r * width + c) % 800]!;
          const blob = encodeColumns(bits, rows, width, deflate);
          const back = new Uint32Array(decodeColumns(blob, rows, width, 'x').buffer);
          expect(back).toEqual(bits);
          // Only some columns: those exactly, the others NaN.
          const wanted = new Uint8Array(width).map((_, c) => (pool[c]! % 2 === 0 ? 1 : 0));
          const some = new Uint32Array(decodeColumns(blob, rows, width, 'x', wanted).buffer);
          for (let i = 0; i < bits.length; i++)
            expect(some[i]).toBe(wanted[i % width] ? bits[i] : 0x7fc00000);
        },
      ),
    );
  });

  it('encodes into a reused buffer exactly as into a fresh one, whatever the buffer held before', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 30 }),
            fc.integer({ min: 1, max: 40 }),
            fc.boolean(),
            fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        (chunks) => {
          const reuse = { bytes: new Uint8Array(0) };
          for (const [rows, width, deflate, seed] of chunks) {
            // Constant columns (the bitmap) and moving ones, from a seed.
            const bits = new Uint32Array(rows * width).map((_, i) =>
              (i % width) % 2 === 0 ? seed : Math.imul(seed ^ i, 2654435761) >>> 0,
            );
            const fresh = encodeColumns(bits, rows, width, deflate);
            const again = encodeColumns(bits, rows, width, deflate, reuse);
            expect(Array.from(again)).toEqual(Array.from(fresh));
            if (again.byteLength > 0 && !deflate) expect(again.buffer).toBe(reuse.bytes.buffer);
          }
        },
      ),
    );
  });

  it('stores still and slowly moving columns in well under 2 bytes a value', () => {
    const rows = 10;
    const width = 34;
    const xs: number[] = [];
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < width; c++)
        xs.push(c < 20 ? (c === 5 ? 2 ** 30 : 0) : c < 30 ? 1e6 + r * 4096 : 12.5 + r);
    const blob = encodeColumns(bitsOf(xs), rows, width, false);
    expect(blob.byteLength / (rows * width)).toBeLessThan(1.2);
  });

  it('keeps regular times as one Float64 and a byte or two a row, exactly', () => {
    const t0 = Date.UTC(2026, 11, 5);
    const times = new Float64Array([t0, t0 + 1000, t0 + 2000, t0 + 2999, t0 + 4000]);
    const blob = encodeTimes(times, 5);
    expect(blob.byteLength).toBe(1 + 8 + 4 * 2);
    expect(new Float64Array(decodeTimes(blob, 5, 'x').buffer)).toEqual(times);
    // Fractions and times going back are kept plain.
    const odd = new Float64Array([t0 + 0.5, t0 - 10]);
    expect(new Float64Array(decodeTimes(encodeTimes(odd, 2), 2, 'x').buffer)).toEqual(odd);
  });

  it('refuses damaged or hostile blobs with a STORE_ERROR, never reading past them', () => {
    const bits = bitsOf([1, 2, 3, 4, 5, 6]);
    const good = encodeColumns(bits, 3, 2, false);
    const bad: Array<[string, Uint8Array, RegExp]> = [
      ['empty', new Uint8Array(0), /empty values blob/],
      ['unknown flag', Uint8Array.of(7, ...good.subarray(1)), /values flag 7/],
      ['cut short', good.subarray(0, good.byteLength - 1), /shorter than their masks say/],
      ['with bytes left over', Uint8Array.of(...good, 9), /longer than their masks say/],
      ['masks cut', good.subarray(0, 2), /shorter than their masks/],
      // 64 MiB of zeros deflate to about 64 KB: 3 rows of 2 values must not allocate them.
      [
        'an inflate bomb',
        Uint8Array.of(1, ...deflateRawSync(Buffer.alloc(64 * 2 ** 20))),
        /do not inflate within the \d+ bytes 3 rows can hold/,
      ],
    ];
    for (const [, blob, message] of bad) {
      expect(() => decodeColumns(blob, 3, 2, 'history chunk of system')).toThrow(message);
      try {
        decodeColumns(blob, 3, 2, 'x');
      } catch (error) {
        expect((error as { code?: string }).code).toBe('STORE_ERROR');
      }
    }
    const times = encodeTimes(new Float64Array([1000, 2000, 3000]), 3);
    expect(() => decodeTimes(times, 4, 'x')).toThrow(/times shorter than their rows/);
    expect(() => decodeTimes(times, 2, 'x')).toThrow(/times longer than their rows/);
    expect(() => decodeTimes(Uint8Array.of(5), 1, 'x')).toThrow(/times without their header/);
    // Nine continuation bytes: no difference between two times is that long.
    const endless = Uint8Array.of(...times.subarray(0, 9), ...new Array(9).fill(0xff), 1);
    expect(() => decodeTimes(endless, 2, 'x')).toThrow(/times shorter than their rows/);
    const past = new Uint8Array(17);
    past[0] = 1;
    new DataView(past.buffer).setFloat64(1, 2 ** 53 - 1, true);
    past.set([0x80 | 5, 0], 9);
    expect(() => decodeTimes(past.subarray(0, 11), 2, 'x')).toThrow(/times past 2\^53/);
  });
});
