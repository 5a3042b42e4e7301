import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest } from './decode-write-request.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { snappyCompress, snappyUncompress } from './snappy-block.js';

const series = fc.array(
  fc.record({
    labels: fc.array(fc.record({ name: fc.string(), value: fc.string() }), { maxLength: 5 }),
    samples: fc.array(
      fc.record({
        value: fc.double({ noNaN: true }),
        timestampMs: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
      }),
      { maxLength: 4 },
    ),
  }),
  { maxLength: 20 },
);

describe('encodeWriteRequest', () => {
  it('decodes back to what was encoded, through snappy too', () => {
    fc.assert(
      fc.property(series, (s) => {
        const bytes = encodeWriteRequest(s);
        expect(decodeWriteRequest(bytes)).toEqual(s);
        expect(snappyUncompress(snappyCompress(bytes), bytes.length)).toEqual(bytes);
      }),
    );
  });

  it('writes the bytes protoc would (hand-checked)', () => {
    const bytes = encodeWriteRequest([
      { labels: [{ name: 'a', value: 'b' }], samples: [{ value: 1, timestampMs: 300 }] },
    ]);
    // timeseries(1){ labels(1){name "a", value "b"}, samples(2){value 1.0, timestamp 300} }
    expect(bytes.toString('hex')).toBe(
      '0a16' + '0a06' + '0a0161' + '120162' + '120c' + '09000000000000f03f' + '10ac02',
    );
  });

  it('refuses a timestamp that is not whole milliseconds', () => {
    expect(() =>
      encodeWriteRequest([{ labels: [], samples: [{ value: 1, timestampMs: 1.5 }] }]),
    ).toThrow(/whole/);
  });
});

describe('decodeWriteRequest on hostile input', () => {
  it('throws PARSE_ERROR on truncated input', () => {
    const bytes = encodeWriteRequest([
      { labels: [{ name: 'x', value: 'y' }], samples: [{ value: 2, timestampMs: 5 }] },
    ]);
    for (let n = 1; n < bytes.length; n++)
      expect(() => decodeWriteRequest(bytes.subarray(0, n))).toThrow(
        expect.objectContaining({ code: 'PARSE_ERROR' }),
      );
  });

  it('stops at the series, label and sample bounds', () => {
    const many = encodeWriteRequest(
      Array.from({ length: 5 }, () => ({
        labels: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
        samples: [
          { value: 1, timestampMs: 1 },
          { value: 2, timestampMs: 2 },
        ],
      })),
    );
    const limits = { maxSeries: 10, maxLabelsPerSeries: 10, maxSamplesPerSeries: 10 };
    expect(() => decodeWriteRequest(many, { ...limits, maxSeries: 4 })).toThrow(/series/);
    expect(() => decodeWriteRequest(many, { ...limits, maxLabelsPerSeries: 1 })).toThrow(/labels/);
    expect(() => decodeWriteRequest(many, { ...limits, maxSamplesPerSeries: 1 })).toThrow(
      /samples/,
    );
  });

  it('refuses a snappy block larger than its bound before inflating it', () => {
    const block = snappyCompress(Buffer.alloc(100_000));
    expect(() => snappyUncompress(block, 1000)).toThrow(
      expect.objectContaining({ code: 'PARSE_ERROR' }),
    );
    expect(() => snappyUncompress(Buffer.from([0xff, 0xff, 0xff]), 1000)).toThrow(
      expect.objectContaining({ code: 'PARSE_ERROR' }),
    );
  });
});
