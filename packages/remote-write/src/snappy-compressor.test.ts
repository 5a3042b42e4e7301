import fc from 'fast-check';
import { uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { snappyCompress, snappyUncompress } from './snappy-block.js';
import { createSnappyCompressor, maxCompressedLength, snappyHeader } from './snappy-compressor.js';

const decode = (block: Uint8Array) => Buffer.from(uncompress(block));

/** Bytes with long repeats at every distance, as remote write rounds have (labels again and again). */
function repetitive(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const back = 1 + (x % 70_000);
    out[i] = i >= back && x % 5 !== 0 ? out[i - back]! : x >>> 24;
  }
  return out;
}

describe('createSnappyCompressor', () => {
  it('gives blocks snappyjs decodes to the input, for any bytes', () => {
    const snappy = createSnappyCompressor();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(40), (bytes, times) => {
        // Repeated, so that copies (near and across the 64 KiB fragments) are exercised.
        const input = Buffer.concat(Array.from({ length: times + 1 }, () => bytes));
        const block = snappy.compress(input);
        expect(decode(block).equals(input)).toBe(true);
        expect(block.length).toBeLessThanOrEqual(maxCompressedLength(input.length));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the plain path (snappyjs) on real-looking rounds, at about the same size', () => {
    const snappy = createSnappyCompressor();
    for (const [seed, length] of [
      [1, 0],
      [2, 14],
      [3, 15],
      [4, 65_536],
      [5, 65_537],
      [6, 300_001],
      [7, 2_000_000],
    ] as const) {
      const input = repetitive(seed, length);
      const fast = snappy.compress(input);
      const plain = snappyCompress(input);
      expect(decode(fast).equals(input)).toBe(true);
      expect(snappyUncompress(fast, length).equals(decode(plain))).toBe(true);
      expect(Math.abs(fast.length - plain.length)).toBeLessThanOrEqual(plain.length * 0.02 + 4);
    }
  });

  it('gives elements that, end to end after one header, are a block of the inputs end to end', () => {
    const snappy = createSnappyCompressor();
    fc.assert(
      fc.property(fc.array(fc.nat(200_000), { maxLength: 6 }), fc.nat(), (lengths, seed) => {
        const inputs = lengths.map((n, i) => repetitive(seed + i, n));
        const total = inputs.reduce((n, b) => n + b.length, 0);
        const block = Buffer.concat([
          snappyHeader(total),
          ...inputs.map((b) => snappy.compressElements(b)),
        ]);
        expect(decode(block).equals(Buffer.concat(inputs))).toBe(true);
        expect(snappyUncompress(block, total).length).toBe(total);
      }),
      { numRuns: 30 },
    );
    expect(snappyHeader(300).equals(Buffer.from([0xac, 0x02]))).toBe(true);
  });

  it('returns blocks that later calls do not overwrite (the scratch buffer is its own)', () => {
    const snappy = createSnappyCompressor();
    const a = repetitive(8, 100_000);
    const first = snappy.compress(a);
    const copy = Buffer.from(first);
    snappy.compress(repetitive(9, 100_000));
    expect(first.equals(copy)).toBe(true);
    expect(decode(first).equals(a)).toBe(true);
  });
});
