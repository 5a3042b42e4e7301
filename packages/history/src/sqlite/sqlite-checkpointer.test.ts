import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PerfError } from '@arcbox/perf-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldsOf } from '../series-key.js';
import { createCheckpointer } from './sqlite-checkpointer.js';
import { loadSqliteDriver, type SqliteDriver } from './sqlite-driver.js';
import { openSqliteHistory } from './sqlite-history.js';

const driver = await loadSqliteDriver();
const T0 = Date.UTC(2026, 0, 1);
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const walBytes = (path: string) => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const row = fieldsOf('container').map((_, f) => f);

/** Appends `seconds` of `containers` containers from second `at` on. */
function append(
  store: { appendValues(key: string, t: number, values: number[]): void },
  at: number,
  seconds: number,
  containers: number,
) {
  for (let s = at; s < at + seconds; s++)
    for (let c = 0; c < containers; c++)
      store.appendValues(
        `container:c${c}`,
        T0 + s * 1000,
        row.map((v) => v + ((s * 7 + c) % 13)),
      );
}

/**
 * A driver module whose connections fail (or hang in) every `wal_checkpoint`, a disk that fails
 * or stalls under the worker: written to the temp dir, wrapping the real driver's `DatabaseSync`.
 */
async function failingCheckpointModule(
  real: SqliteDriver,
  how: 'throw' | 'hang' = 'throw',
): Promise<string> {
  const target =
    real.module === 'node:sqlite'
      ? 'node:sqlite'
      : pathToFileURL(createRequire(import.meta.url).resolve(real.module!)).href;
  const file = join(dir, `${how}-driver.mjs`);
  await writeFile(
    file,
    `const real = await import(${JSON.stringify(target)});
const Real = real.DatabaseSync ?? real.default.DatabaseSync;
export function DatabaseSync(path, options) {
  const db = new Real(path, options);
  return {
    exec(sql) {
      if (sql.includes('wal_checkpoint') && ${JSON.stringify(how)} === 'hang')
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      if (sql.includes('wal_checkpoint')) throw new Error('disk on fire');
      return db.exec(sql);
    },
    close: () => db.close(),
    prepare: (sql) => db.prepare(sql),
  };
}
`,
  );
  return pathToFileURL(file).href;
}

/** The newest sample a fresh open of the file finds: what a restart would have. */
async function newestAfterReopen(path: string): Promise<number> {
  const again = await openSqliteHistory({ path, flushIntervalMs: 0 });
  const newest = again.store.newest();
  await again.close();
  return newest;
}

describe(`checkpoints off the event loop (${driver.name})`, () => {
  it('runs in a worker: the WAL starts over after each flush instead of growing', async () => {
    const path = join(dir, 'h.db');
    const errors: PerfError[] = [];
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      checkpointWorkerFromChunks: 0,
      onError: (e) => errors.push(e),
    });
    const sizes: number[] = [];
    // 80 flushes of 10 s of 20 containers: a few pages each. Without a checkpoint the WAL would
    // hold all of them; SQLite's own (at 1,000 pages, in the commit) would not have run yet.
    for (let f = 0; f < 80; f++) {
      append(h.store, f * 10, 10, 20);
      await h.flush();
      sizes.push(walBytes(path));
    }
    const written = statSync(path).size;
    await h.close();
    expect(errors).toEqual([]);
    // The first flush (which also creates the series rows) set the size; a later one may write a
    // page or two more (a b-tree split: seen with node:sqlite), never the sum of the flushes.
    expect(Math.max(...sizes)).toBeLessThan(sizes[0]! * 1.5);
    expect(Math.max(...sizes)).toBeLessThan(written / 4);
    // Close checkpoints what is left: the database file stands alone.
    expect(walBytes(path)).toBe(0);
    expect(await newestAfterReopen(path)).toBe(T0 + 799_000);
  });

  it('truncates a WAL past maxWalBytes', async () => {
    const path = join(dir, 'h.db');
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      maxWalBytes: 0,
      checkpointWorkerFromChunks: 0,
    });
    append(h.store, 0, 10, 20);
    await h.flush();
    expect(walBytes(path)).toBeGreaterThan(0);
    // The next flush waits for the checkpoint of this one first; nothing to write, no frame.
    await h.flush();
    expect(walBytes(path)).toBe(0);
    await h.close();
  });

  it('keeps the WAL at about one write, then stops at close with its connection closed', async () => {
    const path = join(dir, 'h.db');
    const db = driver.open(path, { readOnly: false });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('CREATE TABLE t (x BLOB)');
    const checkpointer = createCheckpointer({ db, path, driver, maxWalBytes: 64 << 20 });
    expect(checkpointer.where()).toBe('worker');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 30; i++) {
      await checkpointer.idle();
      insert.run(new Uint8Array(20_000));
      checkpointer.committed();
    }
    await checkpointer.idle();
    // Autocheckpoint is off on the writer: only the worker kept the WAL at about one write.
    expect(walBytes(path)).toBeLessThan(3 * 24_576);
    await checkpointer.close();
    expect(checkpointer.where()).toBe('main');
    // The worker's connection is closed: nothing holds the WAL, a TRUNCATE empties it.
    db.exec('PRAGMA busy_timeout = 0');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(walBytes(path)).toBe(0);
    db.close();
  });

  it('starts the worker with the first commit of startAtChunks, not before', async () => {
    const path = join(dir, 'h.db');
    const db = driver.open(path, { readOnly: false });
    db.exec('PRAGMA journal_mode = WAL');
    const autocheckpoint = () => Object.values(db.prepare('PRAGMA wal_autocheckpoint').get()!)[0];
    const checkpointer = createCheckpointer({
      db,
      path,
      driver,
      maxWalBytes: 64 << 20,
      startAtChunks: 500,
    });
    checkpointer.committed(499);
    expect(checkpointer.where()).toBe('main');
    // SQLite's own checkpoint in the commit stays on until then.
    expect(autocheckpoint()).toBe(1000);
    checkpointer.committed(500);
    expect(checkpointer.where()).toBe('worker');
    expect(autocheckpoint()).toBe(0);
    await checkpointer.idle();
    await checkpointer.close();
    db.close();
  });

  it('by default, a history of small flushes keeps the checkpoint in the commit (no worker)', async () => {
    const path = join(dir, 'h.db');
    const h = await openSqliteHistory({ path, flushIntervalMs: 0 });
    const sizes: number[] = [];
    for (let f = 0; f < 5; f++) {
      append(h.store, f * 10, 10, 20);
      await h.flush();
      sizes.push(walBytes(path));
    }
    // Flushes of 20 series, under the default 500: no worker restarts the WAL after each one, it
    // grows towards SQLite's 1,000 pages (the worker's test above holds it at one flush).
    expect(sizes[4]).toBeGreaterThan(sizes[0]! * 2);
    await h.close();
    expect(walBytes(path)).toBe(0);
  });

  it('a worker that cannot start falls back to the main thread, said once, nothing lost', async () => {
    const path = join(dir, 'h.db');
    const errors: PerfError[] = [];
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      checkpointWorkerFromChunks: 0,
      driver: { ...driver, module: 'no-such-sqlite-driver' },
      onError: (e) => errors.push(e),
    });
    for (let f = 0; f < 5; f++) {
      append(h.store, f * 10, 10, 20);
      await h.flush();
    }
    await h.close();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'STORE_ERROR' });
    expect(errors[0]!.message).toContain('checkpoint worker failed');
    expect(walBytes(path)).toBe(0);
    const db = driver.open(path, { readOnly: true });
    expect(Object.values(db.prepare('PRAGMA integrity_check').get()!)[0]).toBe('ok');
    db.close();
    expect(await newestAfterReopen(path)).toBe(T0 + 49_000);
  });

  it('a worker whose checkpoint fails falls back to the main thread, nothing lost', async () => {
    const path = join(dir, 'h.db');
    const errors: PerfError[] = [];
    const failing = { ...driver, module: await failingCheckpointModule(driver) };
    const h = await openSqliteHistory({
      path,
      flushIntervalMs: 0,
      checkpointWorkerFromChunks: 0,
      driver: failing,
      onError: (e) => errors.push(e),
    });
    // More than 1,000 pages: the checkpoint in the commit, back on, has to run (without any
    // checkpoint the database file would stay at its first pages and the WAL hold the rest).
    for (let f = 0; f < 90; f++) {
      append(h.store, f * 10, 10, 100);
      await h.flush();
    }
    expect(errors).toHaveLength(1);
    expect((errors[0]!.cause as Error).message).toContain('disk on fire');
    expect(walBytes(path)).toBeLessThan(statSync(path).size);
    await h.close();
    expect(walBytes(path)).toBe(0);
    expect(await newestAfterReopen(path)).toBe(T0 + 899_000);
  });

  it('a worker stuck in a checkpoint is waited for at most waitMs, then terminated at close', async () => {
    const path = join(dir, 'h.db');
    const db = driver.open(path, { readOnly: false });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('CREATE TABLE t (x BLOB)');
    const stuck = { ...driver, module: await failingCheckpointModule(driver, 'hang') };
    const checkpointer = createCheckpointer({
      db,
      path,
      driver: stuck,
      maxWalBytes: 64 << 20,
      waitMs: 200,
    });
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 3; i++) {
      await checkpointer.idle();
      insert.run(new Uint8Array(20_000));
      checkpointer.committed();
    }
    // Nothing checkpointed, nothing lost: the writes are in the WAL, readable.
    expect(checkpointer.where()).toBe('worker');
    await checkpointer.close();
    expect(checkpointer.where()).toBe('main');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()?.n).toBe(3);
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(walBytes(path)).toBe(0);
    db.close();
  });
});
