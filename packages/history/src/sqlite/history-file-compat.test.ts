import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver } from './sqlite-driver.js';
import { openSqliteHistory } from './sqlite-history.js';

const driver = await loadSqliteDriver();
const fixture = new URL('./__fixtures__/history-v1.sqlite', import.meta.url).pathname;
const T0 = Date.UTC(2026, 11, 5, 9, 0, 0);
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-compat-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a history file written by the better-sqlite3 release (recorded)', () => {
  it(`opens with ${driver.name}, every row and name as written, and takes new rows`, async () => {
    const path = join(dir, 'history.sqlite');
    await copyFile(fixture, path);
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      config: { maxAgeMs: 400 * 86_400_000, maxSamples: 4000 },
    });
    const keys = h.store.series().map((s) => s.key);
    expect(keys.sort()).toEqual(['container:0123456789ab', 'system', 'vm:alpine']);
    const web = h.store.series().find((s) => s.key === 'container:0123456789ab');
    expect(web).toMatchObject({ name: 'web-1', labels: { app: 'web' }, rawRows: 180 });
    const cpu = h.store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
    expect(cpu.values.cpuPercent).toEqual(Array.from({ length: 180 }, (_, i) => i % 100));
    const mem = h.store.query({
      series: 'container:0123456789ab',
      fields: ['memoryUsed', 'cpuPercent'],
      from: T0,
    });
    expect(mem.values.memoryUsed?.[179]).toBe(64 * 2 ** 20 + 179 * 4096);
    expect(mem.values.cpuPercent?.[59]).toBe(29.5);
    const vm = h.store.query({ series: 'vm:alpine', fields: ['cpuPercent'], from: T0 });
    expect(vm.values.cpuPercent?.slice(0, 3)).toEqual([50, 51, 52]);

    const sys = h.store.series().find((s) => s.key === 'system')!.fields;
    h.store.appendValues(
      'system',
      T0 + 180_000,
      sys.map((f) => (f === 'cpuPercent' ? 7 : null)),
    );
    expect((await h.flush()).rows).toBeGreaterThan(0);
    await h.close();
    const again = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      config: { maxAgeMs: 400 * 86_400_000, maxSamples: 4000 },
    });
    const after = again.store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
    expect(after.values.cpuPercent).toHaveLength(181);
    expect(after.values.cpuPercent?.[180]).toBe(7);
    await again.close();
  });
});
