import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnRing, segmentRowsFor } from './column-ring.js';
import { columnKinds } from './segment-packing.js';

const T0 = Date.UTC(2026, 0, 1);

describe('ColumnRing', () => {
  it('picks segment sizes that divide the default ring sizes', () => {
    expect(segmentRowsFor(3600)).toBe(120);
    expect(segmentRowsFor(1440)).toBe(60);
    expect(segmentRowsFor(720)).toBe(30);
  });

  it('sizes segments by the rows held in memory, still dividing the ring size', () => {
    // The agent's raw ring: 3600 rows, 15 minutes at 1 Hz held.
    expect(segmentRowsFor(3600, 900)).toBe(60);
    expect(segmentRowsFor(3600, Number.POSITIVE_INFINITY)).toBe(120);
    expect(segmentRowsFor(3600, 100)).toBe(8);
    expect(new ColumnRing(3600, 3, 0, null, 0, 900).rows).toBe(60);
    expect(segmentRowsFor(1)).toBe(1);
    expect(segmentRowsFor(75)).toBe(8);
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
    const sealed = ring.segments.filter((s) => s.packed !== null);
    expect(sealed.length).toBeGreaterThan(1);
    // Constant and NaN columns as constants, the narrow one in 3 bytes a row, two Float32 ones.
    expect(columnKinds(sealed[0]!, 5)).toEqual(['constant', 'constant', 'full', 'narrow', 'full']);
    expect(sealed[0]!.wholeMs).toBe(true);
    expect(sealed.some((s) => !s.wholeMs)).toBe(true);
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

  it('keeps a number shared by constant columns once, and count columns that vary alike in one slot', () => {
    const ring = new ColumnRing(64, 6, 4, Uint8Array);
    const rows = ring.rows;
    const values = (i: number) => [5, 5, Number.NaN, Number.NaN, i, 5];
    const counts = (i: number) => [i % 4, i % 3, i % 3, 60];
    for (let i = 0; i < 12; i++) {
      const at = ring.append(T0 + i * 1000);
      values(i).forEach((x, c) => {
        ring.tail().values[c * rows + at] = x;
      });
      counts(i).forEach((x, c) => {
        ring.tail().counts![c * rows + at] = x;
      });
    }
    const sealed = ring.segments[0]!;
    expect(rows).toBe(8);
    expect(columnKinds(sealed, 6)).toEqual([
      'constant',
      'constant',
      'constant',
      'constant',
      'full',
      'constant',
    ]);
    // Times 8 x 4 | constants 5 and NaN, 2 x 4 | one full column 8 x 4 | constant count 60, 4 |
    // two varying count columns (the last two alike) 2 x 8 x 1 | codes 10 x 1 = 102, to 104.
    expect(sealed.bytes).toBe(104);
    for (let i = 0; i < 12; i++) {
      for (const [c, x] of values(i).entries()) expect(ring.valueAt(c, i)).toBe(x);
      for (const [c, x] of counts(i).entries()) expect(ring.countAt(c, i)).toBe(x);
    }
  });

  it('codes the columns of a ring of over 256 columns in 2 bytes each', () => {
    const ring = new ColumnRing(64, 300, 300, Uint16Array);
    const rows = ring.rows;
    // By column: constant (one of 100 numbers), narrow, or full.
    const value = (c: number, i: number) =>
      c % 3 === 0 ? c % 100 : c % 3 === 1 ? 40 + ((i + c) % 50) * 0.37 : (i + c) * -1e5;
    for (let i = 0; i < 12; i++) {
      const at = ring.append(T0 + i * 1000);
      for (let c = 0; c < 300; c++) {
        ring.tail().values[c * rows + at] = value(c, i);
        ring.tail().counts![c * rows + at] = c % 2 === 0 ? c : i + c;
      }
    }
    const sealed = ring.segments[0]!;
    expect(sealed.codeBytes).toBe(2);
    expect(columnKinds(sealed, 3)).toEqual(['constant', 'narrow', 'full']);
    for (let i = 0; i < 12; i++) {
      for (let c = 0; c < 300; c++) {
        expect(ring.valueAt(c, i)).toBe(Math.fround(value(c, i)));
        expect(ring.countAt(c, i)).toBe(c % 2 === 0 ? c : i + c);
      }
    }
  });

  it('keeps the sealed segments of a ring with a window in one buffer, reused around as it turns, and reads them back right', () => {
    // 150 rows held (dropped by age below), in 15 segments of 10 rows. 8 columns; how many are
    // full (not narrow) changes from one segment to the next, at random, so the sealed size
    // varies by a few percent.
    const ring = new ColumnRing(600, 8, 0, null, 0, 150);
    const rows = ring.rows;
    const value = (c: number, i: number) => {
      const seg = Math.floor(i / rows);
      const wide = (c * 7 + seg * 3) % 8 < (Math.imul(seg, 0x9e3779b1) >>> 28) % 5;
      return wide ? (i % 2 ? 1 : -1) * (i + 1) * 1e3 : 40 + ((i * (c + 1)) % 50) * 0.37;
    };
    const arenas = new Set<ArrayBufferLike>();
    const sizes = new Set<number>();
    let later = 0;
    let wrapped = 0;
    for (let i = 0; i < 6000; i++) {
      const at = ring.append(T0 + i * 1000);
      for (let c = 0; c < 8; c++) ring.tail().values[c * rows + at] = value(c, i);
      ring.dropBefore(T0 + (i - 149) * 1000);
      const sealed = ring.segments.filter((s) => s.packed !== null);
      if (sealed.length === 0) continue;
      const arena = sealed[0]!.packed!.buffer;
      expect(sealed.every((s) => s.packed!.buffer === arena)).toBe(true);
      sizes.add(sealed[sealed.length - 1]!.bytes);
      if (sealed[sealed.length - 1]!.at < sealed[0]!.at) wrapped += 1;
      if (arenas.has(arena)) continue;
      arenas.add(arena);
      // After two turns of the ring.
      if (i >= 1200) later += 1;
    }
    expect(sizes.size).toBeGreaterThan(1);
    expect(wrapped).toBeGreaterThan(0);
    // 600 seals, 480 of them after 1,200 rows: at most two took a new arena.
    expect(rows).toBe(10);
    expect(ring.size).toBe(150);
    expect(later).toBeLessThanOrEqual(2);
    for (let i = 0; i < ring.size; i++) {
      const t = 6000 - ring.size + i;
      for (let c = 0; c < 8; c++) expect(ring.valueAt(c, i)).toBe(Math.fround(value(c, t)));
    }
  });

  it('without a window, gives each sealed segment a buffer, reuses the buffers it freed for segments packed to other sizes, and reads them back right', () => {
    // 8 columns; how many are full (not narrow) changes from one segment to the next, at random,
    // so the sealed size varies by a few percent.
    const ring = new ColumnRing(600, 8);
    const rows = ring.rows;
    const value = (c: number, i: number) => {
      const seg = Math.floor(i / rows);
      const wide = (c * 7 + seg * 3) % 8 < (Math.imul(seg, 0x9e3779b1) >>> 28) % 5;
      return wide ? (i % 2 ? 1 : -1) * (i + 1) * 1e3 : 40 + ((i * (c + 1)) % 50) * 0.37;
    };
    const buffers = new Set<ArrayBufferLike>();
    const sizes = new Set<number>();
    let later = 0;
    for (let i = 0; i < 6000; i++) {
      const at = ring.append(T0 + i * 1000);
      for (let c = 0; c < 8; c++) ring.tail().values[c * rows + at] = value(c, i);
      const sealed = ring.segments.filter((s) => s.packed !== null);
      expect(new Set(sealed.map((s) => s.packed!.buffer)).size).toBe(sealed.length);
      for (const s of sealed) {
        if (buffers.has(s.packed!.buffer)) continue;
        buffers.add(s.packed!.buffer);
        sizes.add(s.bytes);
        // After two turns of the ring (its first buffers, sized exactly, replaced).
        if (i >= 1200) later += 1;
      }
    }
    expect(sizes.size).toBeGreaterThan(1);
    // 240 seals, 192 of them after the first two turns: those took 12 new buffers (119 when
    // only a buffer of exactly the same layout was reused).
    expect(6000 / rows).toBe(240);
    expect(later).toBeLessThanOrEqual(16);
    for (let i = 0; i < ring.size; i++) {
      const t = 6000 - ring.size + i;
      for (let c = 0; c < 8; c++) expect(ring.valueAt(c, i)).toBe(Math.fround(value(c, t)));
    }
  });

  it('reads back what it was given through any mix of segment sizes, drops and growth', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            rows: fc.integer({ min: 0, max: 90 }),
            // 0: every column constant (a small segment), 1: narrow, 2: every column full.
            kind: fc.integer({ min: 0, max: 2 }),
            keep: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
          }),
          { maxLength: 40 },
        ),
        (steps) => {
          // Without a window (a buffer per sealed segment), and with one (one arena).
          for (const held of [200, 100])
            check(steps, new ColumnRing(200, 4, 1, Uint16Array, 0, held));
        },
      ),
      { numRuns: 300 },
    );
    function check(
      steps: { rows: number; kind: number; keep: number | undefined }[],
      ring: ColumnRing,
    ) {
      const rows = ring.rows;
      const model: { t: number; v: number[]; n: number }[] = [];
      let t = 0;
      for (const step of steps) {
        for (let k = 0; k < step.rows; k++, t++) {
          const v = [0, 1, 2, 3].map((c) =>
            step.kind === 0 ? c : step.kind === 1 ? 40 + ((t + c) % 50) * 0.37 : (t + c) * -1e5,
          );
          const at = ring.append(T0 + t * 1000);
          for (let c = 0; c < 4; c++) ring.tail().values[c * rows + at] = v[c]!;
          ring.tail().counts![at] = t % 300;
          model.push({ t: T0 + t * 1000, v: v.map(Math.fround), n: t % 300 });
          if (model.length > 200) model.shift();
        }
        if (step.keep !== undefined && step.keep < model.length) {
          const cutoff = model[model.length - 1 - step.keep]!.t + 1;
          ring.dropBefore(cutoff);
          while (model.length > 0 && model[0]!.t < cutoff) model.shift();
        }
      }
      expect(ring.size).toBe(model.length);
      model.forEach((m, i) => {
        expect(ring.timeAt(i)).toBe(m.t);
        for (let c = 0; c < 4; c++) expect(ring.valueAt(c, i)).toBe(m.v[c]);
        expect(ring.countAt(0, i)).toBe(m.n);
      });
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
    // Emptied by age, it still lost rows: older data lives only in coarser tiers.
    expect(ring.dropped).toBe(true);
  });

  it('with a phase, holds the same rows as without one, and packs its first segment alike', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 40 })), { maxLength: 30 }),
        (phase, rowsIn, steps) => {
          const plain = new ColumnRing(300, 2, 1, Uint8Array);
          const phased = new ColumnRing(300, 2, 1, Uint8Array, phase);
          let t = 0;
          const add = (n: number) => {
            for (let i = 0; i < n; i++, t++) {
              for (const ring of [plain, phased]) {
                const at = ring.append(T0 + t * 1000);
                ring.tail().values[at] = 7; // constant
                ring.tail().values[ring.rows + at] = (t * 13) % 101;
                ring.tail().counts![at] = t % 5;
              }
            }
          };
          add(rowsIn);
          // Drops by age (-1: half of what is held) between appends.
          for (const n of steps) {
            if (n >= 0) add(n * 7);
            else {
              const cutoff = T0 + (t - plain.size / 2) * 1000;
              for (const ring of [plain, phased]) ring.dropBefore(cutoff);
            }
          }
          expect(phased.size).toBe(plain.size);
          for (let i = 0; i < plain.size; i++) {
            expect(phased.timeAt(i)).toBe(plain.timeAt(i));
            expect(phased.valueAt(0, i)).toBe(plain.valueAt(0, i));
            expect(phased.valueAt(1, i)).toBe(plain.valueAt(1, i));
            expect(phased.countAt(0, i)).toBe(plain.countAt(0, i));
          }
          // The constant column is packed as a constant in every sealed segment, the first too.
          for (const seg of phased.segments) {
            if (seg.packed) expect(columnKinds(seg, 2)[0]).toBe('constant');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('seals rings that fill in step in different rounds when their phases differ', () => {
    const rings = Array.from({ length: 12 }, (_, k) => new ColumnRing(3600, 1, 0, null, k * 10));
    const sealsByRound: number[] = [];
    for (let round = 0; round < 240; round++) {
      let seals = 0;
      for (const ring of rings) {
        const before = ring.segments.length;
        ring.append(T0 + round * 1000);
        if (ring.segments.length > before && before > 0) seals += 1;
      }
      sealsByRound.push(seals);
    }
    // 120-row segments: each ring seals once or twice in 240 rounds, never two in one round.
    expect(Math.max(...sealsByRound)).toBe(1);
    expect(sealsByRound.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(12);
    // Without phases, all twelve seal in the same round.
    const inStep = Array.from({ length: 12 }, () => new ColumnRing(3600, 1));
    for (let round = 0; round < 121; round++) for (const r of inStep) r.append(T0 + round * 1000);
    expect(inStep.every((r) => r.segments.length === 2)).toBe(true);
  });
});
