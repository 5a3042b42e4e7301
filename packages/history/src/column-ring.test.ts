import { describe, expect, it } from 'vitest';
import { ColumnRing, segmentRowsFor } from './column-ring.js';

const T0 = Date.UTC(2026, 0, 1);

describe('ColumnRing', () => {
  it('picks segment sizes that divide the default ring sizes', () => {
    expect(segmentRowsFor(3600)).toBe(120);
    expect(segmentRowsFor(1440)).toBe(60);
    expect(segmentRowsFor(720)).toBe(30);
  });

  it('reads back every row, bit for bit, after sealing packs constant, NaN, narrow and full columns', () => {
    const ring = new ColumnRing(1000, 5, 2, Uint8Array);
    const narrowValue = (i: number) => 40 + (i % 50) * 0.37; // all in [32, 128): one top byte
    const wideValue = (i: number) => (i % 2 === 0 ? -1 : 1) * (i + 0.5) * 1e6;
    const rows = ring.rows;
    for (let i = 0; i < 700; i++) {
      // Whole milliseconds (kept as 4-byte offsets once sealed), except one segment's worth.
      const at = ring.append(T0 + i * 1000 + (i % 3) * 0.25 * Number(i >= 360 && i < 480));
      const seg = ring.tail();
      seg.values[0 * rows + at] = 42; // constant
      seg.values[1 * rows + at] = Number.NaN; // never measured
      seg.values[2 * rows + at] = i % 97; // varying, across top bytes
      seg.values[3 * rows + at] = narrowValue(i);
      seg.values[4 * rows + at] = wideValue(i);
      seg.counts![0 * rows + at] = 60;
      seg.counts![1 * rows + at] = i % 3;
    }
    const sealed = ring.segments.filter((s) => s.valueSlot !== null);
    expect(sealed.length).toBeGreaterThan(1);
    // Constant and NaN columns as constants, the narrow one in 3 bytes a row, two Float32 ones.
    expect(Array.from(sealed[0]!.valueSlot!)).toEqual([-1, -1, 0, -2, 1]);
    expect(sealed[0]!.timeOffsets).not.toBeNull();
    expect(sealed.some((s) => s.timeOffsets === null)).toBe(true);
    for (let i = 0; i < 700; i++) {
      expect(ring.timeAt(i)).toBe(T0 + i * 1000 + (i % 3) * 0.25 * Number(i >= 360 && i < 480));
      expect(ring.valueAt(0, i)).toBe(42);
      expect(ring.valueAt(1, i)).toBeNaN();
      expect(ring.valueAt(2, i)).toBe(i % 97);
      expect(ring.valueAt(3, i)).toBe(Math.fround(narrowValue(i)));
      expect(ring.valueAt(4, i)).toBe(Math.fround(wideValue(i)));
      expect(ring.countAt(0, i)).toBe(60);
      expect(ring.countAt(1, i)).toBe(i % 3);
    }
  });

  it('keeps the newest maxRows rows, drops by age, and frees everything when emptied', () => {
    const ring = new ColumnRing(100, 1);
    for (let i = 0; i < 250; i++) {
      const at = ring.append(i);
      ring.tail().values[at] = i;
    }
    expect(ring.size).toBe(100);
    expect(ring.timeAt(0)).toBe(150);
    expect(ring.valueAt(0, 99)).toBe(249);
    expect(ring.dropped).toBe(true);
    ring.dropBefore(200);
    expect(ring.oldestTime()).toBe(200);
    expect(ring.lowerBound(230)).toBe(30);
    ring.dropBefore(1000);
    expect(ring.size).toBe(0);
    expect(ring.byteLength()).toBe(0);
  });
});
