import {
  collectFamilies,
  createFamily,
  type MetricFamily,
  type SampleWriter,
  writeFamilies,
} from '@arcbox/perf-export';
import { describe, expect, it } from 'vitest';
import { decodeWriteRequest } from './decode-write-request.js';
import { createFamiliesEncoder } from './encode-families.js';
import { encodeWriteRequest } from './encode-write-request.js';
import { familiesToSeries } from './families-to-series.js';

function round(cpu: number, containers: readonly string[]): MetricFamily[] {
  const seconds = createFamily('arcbox_perf_container_cpu_seconds', 'counter', 'h', 'seconds');
  const memory = createFamily('arcbox_perf_container_memory_bytes', 'gauge', 'h', 'bytes');
  for (const [i, id] of containers.entries()) {
    seconds.add({ id, name: `wéb-${i}`, runtime: 'docker' }, cpu + i);
    memory.add({ id, name: `wéb-${i}`, runtime: 'docker' }, 2 ** 40 + i);
  }
  const info = createFamily('arcbox_perf_build', 'info', 'h');
  info.add({ version: '1.0.0', instance: 'own' }, 1);
  return [seconds.family, memory.family, info.family];
}

describe('createFamiliesEncoder', () => {
  const external = { instance: 'host-a', zone: 'eu' };

  it('gives the bytes encodeWriteRequest(familiesToSeries(...)) gives, round after round', () => {
    const encoder = createFamiliesEncoder(external);
    const ids = Array.from({ length: 50 }, (_, i) => `c${i}`.padEnd(64, 'f'));
    for (const [n, time] of [1_700_000_000_000, 1_700_000_001_000, 1].entries()) {
      const families = round(n * 0.5, ids);
      const { bytes, series } = encoder.encode(families, time);
      const expected = encodeWriteRequest(familiesToSeries(families, time, external));
      expect(bytes.equals(expected)).toBe(true);
      expect(series).toBe(101);
    }
    expect(decodeWriteRequest(encoder.encode(round(1, ids), 5).bytes)[0]!.labels).toEqual(
      familiesToSeries(round(1, ids), 5, external)[0]!.labels,
    );
  });

  it('stays exact when series come, go and change places between rounds', () => {
    const encoder = createFamiliesEncoder(external);
    const rounds = [['a', 'b', 'c'], ['a', 'c'], ['c', 'a', 'd'], [], ['d', 'b'], ['d', 'b']];
    for (const [n, ids] of rounds.entries()) {
      const families = round(n, ids);
      // The same labels as a new object in another key order must still match.
      if (n === 5) families[0]!.samples[0]!.labels = { runtime: 'docker', name: 'wéb-0', id: 'd' };
      const { bytes } = encoder.encode(families, 1000 + n);
      const expected = encodeWriteRequest(familiesToSeries(families, 1000 + n, external));
      expect(bytes.equals(expected), `round ${n}`).toBe(true);
    }
  });

  it('stays exact when families share one labels object per container and one changes', () => {
    const encoder = createFamiliesEncoder(external);
    const rounds = [
      ['a', 'b', 'c'],
      ['a', 'b', 'c'],
      ['a', 'x', 'c'],
      ['c', 'a', 'x'],
      ['c', 'a', 'x'],
    ];
    for (const [n, names] of rounds.entries()) {
      // As the exporters build them: one object per container, in every family of the round.
      const shared = names.map((name, i) => ({ id: `id-${i}`, name }));
      const cpu = createFamily('arcbox_perf_container_cpu_seconds', 'counter', 'h', 'seconds');
      const memory = createFamily('arcbox_perf_container_memory_bytes', 'gauge', 'h', 'bytes');
      for (const labels of shared) {
        cpu.add(labels, n);
        memory.add(labels, n * 2);
      }
      const families = [cpu.family, memory.family];
      const { bytes } = encoder.encode(families, 1000 + n);
      const expected = encodeWriteRequest(familiesToSeries(families, 1000 + n, external));
      expect(bytes.equals(expected), `round ${n}`).toBe(true);
    }
  });

  it('keeps the labels of the live series only, once the gone ones outnumber them', () => {
    const encoder = createFamiliesEncoder();
    for (let r = 0; r < 30; r += 1) {
      // Each round 100 new containers (a churning host): the cache does not grow without bound.
      const ids = Array.from({ length: 100 }, (_, i) => `r${r}-${i}`);
      encoder.encode(round(r, ids), 1000 + r);
      expect(encoder.cached).toBeLessThanOrEqual(2 * 201 + 1000 + 201);
    }
  });

  it('encodes what a writer writes to the bytes of the families it collects, and recovers from a throw', () => {
    const encoder = createFamiliesEncoder(external);
    const rounds = [['a', 'b'], ['b', 'a', 'c'], ['c']];
    for (const [n, ids] of rounds.entries()) {
      const write = (writer: SampleWriter) => writeFamilies(writer, round(n, ids));
      const { bytes, series } = encoder.encodeWritten(write, 1000 + n);
      const expected = encodeWriteRequest(
        familiesToSeries(collectFamilies(write), 1000 + n, external),
      );
      expect(bytes.equals(expected), `round ${n}`).toBe(true);
      expect(series).toBe(2 * ids.length + 1);
      // A round whose writer fails leaves nothing behind for the next.
      expect(() =>
        encoder.encodeWritten((writer) => {
          write(writer);
          throw new Error('collector gone');
        }, 2000 + n),
      ).toThrow('collector gone');
    }
    expect(() => encoder.encodeWritten((writer) => writer.sample({}, 1), 1)).toThrow(
      /before any family/,
    );
  });

  it('refuses a timestamp that is not whole non-negative milliseconds', () => {
    const encoder = createFamiliesEncoder();
    expect(() => encoder.encode(round(1, ['a']), -1)).toThrow(/whole non-negative/);
    expect(() => encoder.encode(round(1, ['a']), 1.5)).toThrow(/whole non-negative/);
  });
});
