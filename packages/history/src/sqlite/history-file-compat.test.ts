import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSqliteDriver } from './sqlite-driver.js';
import { SCHEMA_VERSION } from './schema.js';
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

const v3 = new URL('./__fixtures__/history-v3.sqlite', import.meta.url).pathname;
const v3Config = {
  sampleIntervalMs: 1000,
  maxAgeMs: 400 * 86_400_000,
  maxSamples: 4000,
  tiers: [{ resolutionMs: 60_000, retentionMs: 400 * 86_400_000 }],
};
const codecs = (path: string) => {
  const db = driver.open(path, { readOnly: true });
  try {
    const version = Number(db.prepare('PRAGMA user_version').get()?.user_version);
    const rows = db.prepare('SELECT DISTINCT codec FROM chunks ORDER BY codec').all();
    return { version, codecs: rows.map((r) => Number(r.codec)) };
  } finally {
    db.close();
  }
};
const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('a schema 3 history file (recorded, before codec 2)', () => {
  it('migrates to schema 4 on open: every row as written, new chunks codec 2, all read back', async () => {
    const path = join(dir, 'history.sqlite');
    await copyFile(v3, path);
    expect(codecs(path)).toEqual({ version: 3, codecs: [0, 1] });
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: v3Config });
    const cpu = h.store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
    expect(cpu.values.cpuPercent).toEqual(Array.from({ length: 180 }, (_, i) => i % 100));
    const web = h.store.query({
      series: 'container:0123456789ab',
      fields: ['memoryUsed'],
      from: T0,
      step: 60_000,
      aggregation: 'max',
    });
    expect(web.values.memoryUsed?.[1]).toBe(64 * 2 ** 20 + 119 * 4096);
    for (let i = 180; i < 240; i++)
      h.store.appendValues(
        'system',
        T0 + i * 1000,
        h.store
          .series()
          .find((s) => s.key === 'system')!
          .fields.map((f) => (f === 'cpuPercent' ? i % 100 : null)),
      );
    await h.close();
    expect(codecs(path)).toEqual({ version: SCHEMA_VERSION, codecs: [0, 1, 2] });
    const again = await openSqliteHistory({ path, flushIntervalMs: 0, config: v3Config });
    const after = again.store.query({ series: 'system', fields: ['cpuPercent'], from: T0 });
    expect(after.values.cpuPercent).toEqual(Array.from({ length: 240 }, (_, i) => i % 100));
    // Binned across the old rows and the new ones (i % 100 over 180..239 peaks at 99).
    const minutes = again.store.query({
      series: 'system',
      fields: ['cpuPercent'],
      from: T0,
      step: 60_000,
      aggregation: 'max',
    });
    expect(minutes.values.cpuPercent?.slice(0, 4)).toEqual([59, 99, 79, 99]);
    await again.close();
  });

  it('refuses a file whose codec 2 chunk is damaged with a STORE_ERROR and leaves it as it was', async () => {
    const path = join(dir, 'history.sqlite');
    await copyFile(v3, path);
    const h = await openSqliteHistory({ path, flushIntervalMs: 0, config: v3Config });
    await h.close();
    const db = driver.open(path, { readOnly: false });
    // A raw chunk whose masks say more bytes than it holds, as a torn or hostile write would.
    db.prepare(
      'UPDATE chunks SET data = ?, codec = 2 WHERE rowid = (SELECT min(rowid) FROM chunks WHERE level < 0)',
    ).run(Uint8Array.of(0, 0, 0xff, 0xff, 1));
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    const before = await digest(path);
    await expect(
      openSqliteHistory({ path, flushIntervalMs: 0, config: v3Config }),
    ).rejects.toMatchObject({ code: 'STORE_ERROR', message: /damaged.*left untouched/ });
    expect(await digest(path)).toBe(before);
  });
});
