import { describe, expect, it } from 'vitest';
import { ColumnRing, segmentRowsFor } from './column-ring.js';

describe('ColumnRing', () => {
  it('picks segment sizes that divide the default ring sizes', () => {
    expect(segmentRowsFor(3600)).toBe(120);
    expect(segmentRowsFor(1440)).toBe(60);
    expect(segmentRowsFor(720)).toBe(30);
  });

  it('reads back every row after sealing packs constant, NaN and varying columns', () => {
    const ring = new ColumnRing(1000, 3, 2, Uint8Array);
    const rows = ring.rows;
    for (let i = 0; i < 700; i++) {
      const at = ring.append(i * 1000);
      const seg = ring.tail();
      seg.values[0 * rows + at] = 42; // constant
      seg.values[1 * rows + at] = Number.NaN; // never measured
      seg.values[2 * rows + at] = i % 97; // varying
      seg.counts![0 * rows + at] = 60;
      seg.counts![1 * rows + at] = i % 3;
    }
    expect(ring.segments.filter((s) => s.valueSlot !== null).length).toBeGreaterThan(1);
    for (let i = 0; i < 700; i++) {
      expect(ring.timeAt(i)).toBe(i * 1000);
      expect(ring.valueAt(0, i)).toBe(42);
      expect(ring.valueAt(1, i)).toBeNaN();
      expect(ring.valueAt(2, i)).toBe(i % 97);
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
