import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PerfError } from '@arcbox/perf-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldsOf } from '../series-key.js';
import { SCHEMA_VERSION } from './schema.js';
import { openSqliteHistory } from './sqlite-history.js';
import { loadSqliteDriver, type SqliteDatabase } from './sqlite-driver.js';

const driver = await loadSqliteDriver();
const openDb = (path: string, readOnly = false): SqliteDatabase => driver.open(path, { readOnly });
const pragma = (db: SqliteDatabase, name: string) =>
  Object.values(db.prepare(`PRAGMA ${name}`).get()!)[0];

const T0 = Date.UTC(2026, 0, 1);
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const systemRow = (v: number) => fieldsOf('system').map((_, f) => (f === 0 ? v : null));

async function storeError(promise: Promise<unknown>): Promise<PerfError> {
  try {
    await promise;
  } catch (e) {
    expect(PerfError.isInstance(e)).toBe(true);
    return e as PerfError;
  }
  throw new Error('did not fail');
}

describe(`SQLite history (real files through ${driver.name})`, () => {
  it('keeps a series row written once across flushes, and a renamed or relabelled series as it is now', async () => {
    const path = join(dir, 'h.db');
    const first = await openSqliteHistory({ path, flushIntervalMs: 0 });
    const row = fieldsOf('container').map(() => 1);
    first.store.appendValues('container:abc', T0, row, { name: 'web', labels: { app: 'web' } });
    await first.flush();
    first.store.appendValues('container:abc', T0 + 1000, row, {
      name: 'web',
      labels: { app: 'web' },
    });
    await first.flush();
    first.store.appendValues('container:abc', T0 + 2000, row, {
      name: 'api',
      labels: { app: 'api' },
    });
    await first.flush();
    first.store.appendValues('container:abc', T0 + 3000, row, {
      name: 'api',
      labels: { app: 'api' },
    });
    await first.close();

    const again = await openSqliteHistory({ path, flushIntervalMs: 0 });
    const info = again.store.series().find((s) => s.key === 'container:abc');
    expect(info?.name).toBe('api');
    expect(info?.labels).toEqual({ app: 'api' });
    expect(info?.rawRows).toBe(4);
    await again.close();
  });

  it('keeps a batch whose flush failed and writes it, with what came since, at the next flush', async () => {
    const path = join(dir, 'h.db');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0 });
    const row = (i: number) => fieldsOf('container').map(() => i);
    for (let i = 0; i < 5; i++) h.store.appendValues('container:abc', T0 + i * 1000, row(i));
    const other = openDb(path);
    other.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON chunks BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    expect((await storeError(h.flush())).code).toBe('STORE_ERROR');
    expect(h.pendingRows()).toBe(5);
    other.exec('DROP TRIGGER refuse');
    other.close();
    for (let i = 5; i < 8; i++) h.store.appendValues('container:abc', T0 + i * 1000, row(i));
    expect((await h.flush()).rows).toBe(8);
    await h.close();

    const again = await openSqliteHistory({ path, flushIntervalMs: 0 });
    const pids = again.store.query({ series: 'container:abc', fields: ['pids'], from: T0 });
    expect(pids.values.pids).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await again.close();
  });

  it('loads on restart what it kept: raw rows, rollups and series names', async () => {
    const path = join(dir, 'h.db');
    const first = await openSqliteHistory({ path, flushIntervalMs: 0 });
    for (let i = 0; i < 600; i++) {
      first.store.appendValues('system', T0 + i * 1000, systemRow(i % 60));
      first.store.appendValues(
        'container:abc',
        T0 + i * 1000,
        fieldsOf('container').map(() => i),
        { name: 'web', labels: { app: 'web' } },
      );
    }
    const before = first.store.query({ series: 'system', fields: ['cpuPercent'], step: 60_000 });
    const flushed = await first.flush();
    expect(flushed.rows).toBeGreaterThanOrEqual(1200);
    await first.close();

    const again = await openSqliteHistory({ path, flushIntervalMs: 0 });
    expect(again.store.query({ series: 'system', fields: ['cpuPercent'], step: 60_000 })).toEqual(
      before,
    );
    const c = again.store.series().find((s) => s.key === 'container:abc');
    expect(c).toMatchObject({
      name: 'web',
      labels: { app: 'web' },
      rawRows: 600,
      tierRows: [9, 0],
    });
    // The open minute was rebuilt from raw rows: the rollup answers for all ten minutes.
    const minutes = again.store.query({
      series: 'container:abc',
      fields: ['pids'],
      from: T0,
      lastMs: undefined,
    });
    expect(minutes.values.pids).toHaveLength(600);
    // Live samples carry on where the kept ones stopped: no clock step is seen.
    again.store.appendValues('system', T0 + 600_000, systemRow(1));
    expect(again.store.stats().clockOffsetMs).toBe(0);
    await again.close();
    const db = openDb(path, true);
    expect(pragma(db, 'journal_mode')).toBe('wal');
    db.close();
  });

  it('refuses a file that is not SQLite and leaves it untouched', async () => {
    const path = join(dir, 'garbage.db');
    await writeFile(path, Buffer.from('this is a text file, not a database\n'.repeat(200)));
    const hash = await sha(path);
    const e = await storeError(openSqliteHistory({ path }));
    expect(e.code).toBe('STORE_ERROR');
    expect(e.message).toContain('not a SQLite database');
    expect(e.file).toBe(path);
    expect(await sha(path)).toBe(hash);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a SQLite database corrupted past its header and leaves it untouched', async () => {
    const path = join(dir, 'torn.db');
    const good = await openSqliteHistory({ path, flushIntervalMs: 0 });
    for (let i = 0; i < 3000; i++) good.store.appendValues('system', T0 + i * 1000, systemRow(i));
    await good.close();
    const bytes = await readFile(path);
    bytes.fill(0x5a, 4096, bytes.length); // every page after the first overwritten
    await writeFile(path, bytes);
    const hash = await sha(path);
    const e = await storeError(openSqliteHistory({ path }));
    expect(e.code).toBe('STORE_ERROR');
    expect(await sha(path)).toBe(hash);
  });

  it("refuses a FIFO or a directory in the file's place at once, naming it", async () => {
    const fifo = join(dir, 'fifo.db');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    const e = await storeError(openSqliteHistory({ path: fifo, timeoutMs: 2000 }));
    expect(e.message).toContain('is not a regular file');
    expect(e.file).toBe(fifo);
    const d = await storeError(openSqliteHistory({ path: dir, timeoutMs: 2000 }));
    expect(d.message).toContain('is not a regular file');
  });

  it("refuses another application's database and leaves it untouched", async () => {
    const path = join(dir, 'other.db');
    const other = openDb(path);
    other.exec(
      'CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);',
    );
    other.close();
    const hash = await sha(path);
    const e = await storeError(openSqliteHistory({ path }));
    expect(e.message).toContain('not an arcbox-perf history database');
    expect(await sha(path)).toBe(hash);
  });

  it('refuses a crafted chunk whose header claims more rows than its blobs hold, at once and untouched', async () => {
    const path = join(dir, 'crafted.db');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0 });
    for (let i = 0; i < 5; i++) h.store.appendValues('system', T0 + i * 1000, systemRow(i));
    await h.close();
    const db = openDb(path);
    db.exec('UPDATE chunks SET rows = 1000000000');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    db.close();
    const hash = await sha(path);
    const e = await storeError(openSqliteHistory({ path }));
    expect(e.code).toBe('STORE_ERROR');
    expect(e.file).toBe(path);
    expect(e.message).toMatch(
      /history chunk of system \(level -1\) says 1000000000 rows: the file is damaged/,
    );
    expect(await sha(path)).toBe(hash);
  });

  it('refuses a database written by a newer schema with a clear error', async () => {
    const path = join(dir, 'newer.db');
    (await openSqliteHistory({ path, flushIntervalMs: 0 })).close();
    const db = openDb(path);
    db.exec('PRAGMA user_version = 7');
    db.close();
    const e = await storeError(openSqliteHistory({ path }));
    expect(e.message).toMatch(
      new RegExp(`schema 7 is newer than this arcbox-perf reads \\(${SCHEMA_VERSION}\\)`),
    );
  });

  it('drops chunks older than each tier keeps when flushing', async () => {
    const path = join(dir, 'retention.db');
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      config: { maxAgeMs: 60_000, tiers: [{ resolutionMs: 60_000, retentionMs: 600_000 }] },
    });
    for (let batch = 0; batch < 20; batch++) {
      for (let i = 0; i < 60; i++)
        h.store.appendValues('system', T0 + (batch * 60 + i) * 1000, systemRow(i));
      await h.flush();
    }
    await h.close();
    const db = openDb(path, true);
    const levels = db
      .prepare(
        'SELECT level, min(first) AS oldest, count(*) AS n FROM chunks GROUP BY level ORDER BY level',
      )
      .all() as unknown as Array<{ level: number; oldest: number }>;
    db.close();
    const newest = T0 + (20 * 60 - 1) * 1000;
    expect(levels[0]).toMatchObject({ level: -1 });
    expect(levels[0]!.oldest).toBeGreaterThanOrEqual(newest - 2 * 60_000);
    expect(levels[1]!.oldest).toBeGreaterThanOrEqual(newest - 11 * 60_000);
  });

  it('a SIGKILL in the middle of a flush loses at most that batch and never corrupts the database', async () => {
    const path = join(dir, 'killed.db');
    const writer = new URL('./sigkill-writer.mjs', import.meta.url).pathname;
    const batch = 1800;
    const containers = 30;
    let committed = 0;
    let killedMidFlush = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [writer, path, String(batch), String(containers)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      let lastFlushed = 0;
      let flushing = 0;
      let start = 0;
      for await (const line of createInterface({ input: child.stdout })) {
        const [word, t] = line.split(' ') as [string, string];
        if (word === 'start') start = Number(t);
        if (word === 'flushed') lastFlushed = Number(t);
        if (word === 'flushing') {
          flushing = Number(t);
          // Kill as the second transaction of this run begins.
          if (lastFlushed > 0) {
            child.kill('SIGKILL');
            break;
          }
        }
      }
      expect(await exited, stderr).toBe('SIGKILL');
      // A restarted writer continues from what was kept, so the start is the committed end.
      if (round > 0) expect(start).toBe(committed);

      const db = openDb(path, true);
      expect(pragma(db, 'integrity_check')).toBe('ok');
      const perSeries = db
        .prepare(
          'SELECT series, sum(rows) AS rows, max(last) AS last FROM chunks WHERE level = -1 GROUP BY series',
        )
        .all() as unknown as Array<{ series: string; rows: number; last: number }>;
      db.close();
      expect(perSeries).toHaveLength(containers + 1);
      const last = perSeries[0]!.last;
      // Every series ends at the same sample: the batch is all in, or not at all.
      expect(new Set(perSeries.map((s) => s.last))).toEqual(new Set([last]));
      expect(new Set(perSeries.map((s) => s.rows)).size).toBe(1);
      expect([lastFlushed, flushing]).toContain(last);
      if (last === lastFlushed) killedMidFlush += 1;
      committed = last;
    }
    // The kill follows "flushing" by about a millisecond and a transaction of this batch takes
    // tens: at least one kill must have landed inside one, or this test proved nothing.
    expect(killedMidFlush).toBeGreaterThan(0);
    const reopened = await openSqliteHistory({ path, flushIntervalMs: 0 });
    expect(reopened.store.newest()).toBe(committed);
    await reopened.close();
  });
});
