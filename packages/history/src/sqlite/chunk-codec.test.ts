import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBlob, encodeChunk } from './chunk-codec.js';

describe('chunk codec', () => {
  it('gives back every byte it was given (any rows, any floats, NaN included)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 200 }), (xs) => {
        const values = new Uint8Array(new Float32Array(xs).buffer);
        const times = new Uint8Array(new Float64Array(xs.map((_, i) => 1.7e12 + i * 1000)).buffer);
        const blobs = encodeChunk(times, values);
        expect(decodeBlob(blobs.data, 1, 4, values.byteLength, 'x')).toEqual(values);
        expect(decodeBlob(blobs.times, 1, 8, times.byteLength, 'x')).toEqual(times);
      }),
    );
  });

  it('stores regular times and slowly moving values in a fraction of their bytes', () => {
    const rows = 60;
    const times = new Float64Array(rows).map((_, i) => Date.UTC(2026, 11, 5) + i * 60_000);
    const values = new Float32Array(rows * 22).map((_, i) => (i % 22 < 5 ? 2 ** 30 : 50 + (i % 7)));
    const blobs = encodeChunk(new Uint8Array(times.buffer), new Uint8Array(values.buffer));
    expect(blobs.times.byteLength).toBeLessThan(times.byteLength / 8);
    expect(blobs.data.byteLength).toBeLessThan(values.byteLength / 4);
  });

  it('refuses a blob that would inflate past what its chunk header says, without inflating it', () => {
    // 64 MiB of zeros deflate to about 64 KB: a header saying 5 rows must not allocate them.
    const bomb = deflateRawSync(Buffer.alloc(64 * 2 ** 20));
    expect(() => decodeBlob(bomb, 1, 4, 5 * 22 * 4, 'history chunk of system')).toThrow(
      /history chunk of system: a chunk does not inflate to the 440 bytes its header says/,
    );
    expect(() => decodeBlob(new Uint8Array([1, 2, 3]), 9, 4, 12, 'x')).toThrow(
      /unknown chunk encoding 9/,
    );
  });
});
