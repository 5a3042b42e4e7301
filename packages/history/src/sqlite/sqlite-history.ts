import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PerfError, throwIfAborted, withTimeout } from '@arcbox/perf-core';
import { type HistoryConfig, resolveHistoryConfig } from '../history-config.js';
import { createHistoryStore, type HistoryStore } from '../history-store.js';
import { fieldsOf, type SeriesKind } from '../series-key.js';
import {
  type HistoryEvent,
  memoryMs,
  type Series,
  type SeriesMeta,
  tierBlockMs,
} from '../series.js';
import { COLUMN_CODEC, type EncodeBuffer, encodeColumns, encodeTimes } from './column-codec.js';
import {
  APPLICATION_ID,
  MIGRATE_V1_TO_V2,
  MIGRATE_V2_TO_V3,
  SCHEMA_V4,
  SCHEMA_VERSION,
} from './schema.js';
import { createCheckpointer } from './sqlite-checkpointer.js';
import { createEventStore } from './sqlite-events.js';
import { DEFAULT_MAX_EVENTS, type EventLog } from '../event-log.js';
import { createSqliteColdSource, decodeChunk } from './sqlite-cold-source.js';
import {
  loadSqliteDriver,
  type SqliteDatabase,
  type SqliteDriver,
  type SqliteRow,
} from './sqlite-driver.js';

export interface SqliteHistoryOptions {
  /** Database file; created when missing. */
  path: string;
  /** The store to persist; a new one from `config` when omitted. */
  store?: HistoryStore;
  config?: HistoryConfig;
  /** Background flush period; 0 = only explicit `flush()`. Default 10 s. */
  flushIntervalMs?: number;
  /**
   * Called with a background flush's error (the batch stays pending and is retried), and once if
   * the checkpoint worker fails (checkpoints then run on the main thread, in the commit).
   */
  onError?: (error: PerfError) => void;
  signal?: AbortSignal;
  /** Bound on opening and checking the file. Default 10 s. */
  timeoutMs?: number;
  /** The SQLite driver; `loadSqliteDriver()`'s choice for this Node.js when omitted. */
  driver?: SqliteDriver;
  /** Chunks deleted at most per tier and flush as retention passes (a bound on the flush). */
  deleteBatch?: number;
  /**
   * Lifecycle events to keep in the file: the events of the retention are loaded into it on open,
   * and every event appended to it later is written with the next flush.
   */
  events?: EventLog;
  /**
   * The WAL is moved into the database file by a worker thread after each flush; a WAL larger
   * than this afterwards (readers kept the checkpoint from finishing) is truncated, waiting for
   * them. Default 64 MiB.
   */
  maxWalBytes?: number;
  /**
   * The checkpoint worker starts with the first flush of at least this many chunks (about one a
   * series); smaller flushes keep SQLite's checkpoint in the commit, sparing the worker's 10 MB.
   * Default 500 (a host of several hundred containers); 0 starts it at once.
   */
  checkpointWorkerFromChunks?: number;
}

export interface FlushResult {
  chunks: number;
  rows: number;
  deletedChunks: number;
  durationMs: number;
}

export interface SqliteHistory {
  readonly store: HistoryStore;
  readonly path: string;
  /** The SQLite driver in use (`node:sqlite` or `@photostructure/sqlite`). */
  readonly driver: string;
  /** Rows (and lifecycle events) waiting for the next flush. */
  pendingRows(): number;
  /** Writes every pending row in one transaction (all or nothing) and drops what aged out. */
  flush(options?: { signal?: AbortSignal }): Promise<FlushResult>;
  /** Flushes, stops the timer and closes the database. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Rows of one series and level waiting for a flush, kept in the types they are written in
 * (Float64 times, Float32 values) and sized for a flush interval's rows, so a round adds numbers
 * to arrays already there instead of growing JS arrays of every series.
 */
class Pending {
  meta: SeriesMeta;
  level: number;
  rows = 0;
  times: Float64Array;
  /** Row-major values: n per raw row, 4n (min, max, avg, count) per bucket. */
  values: Float32Array;
  /** Values per row (0 until the first row). */
  width = 0;

  constructor(meta: SeriesMeta, level: number, rowsHint: number) {
    this.meta = meta;
    this.level = level;
    this.times = new Float64Array(rowsHint);
    this.values = new Float32Array(0);
  }

  /** Room for one more row of `width` values; returns the offset to write them at. */
  addRow(time: number, width: number): number {
    if (this.rows === this.times.length) {
      const times = new Float64Array(Math.max(4, this.rows * 2));
      times.set(this.times);
      this.times = times;
    }
    if (this.width === 0) this.width = width;
    const need = this.times.length * width;
    if (this.values.length < need) {
      const values = new Float32Array(need);
      values.set(this.values);
      this.values = values;
    }
    this.times[this.rows] = time;
    this.rows += 1;
    return (this.rows - 1) * width;
  }

  /** Appends the rows of `newer` (same series and level) after these. */
  addAll(newer: Pending): void {
    for (let r = 0; r < newer.rows; r++) {
      const at = this.addRow(newer.times[r]!, newer.width);
      this.values.set(newer.values.subarray(r * newer.width, (r + 1) * newer.width), at);
    }
  }

  valueBits(): Uint32Array {
    return new Uint32Array(this.values.buffer, 0, this.rows * this.width);
  }

  /** Empties it for other rows, keeping its arrays. */
  reuse(meta: SeriesMeta, level: number): this {
    this.meta = meta;
    this.level = level;
    this.rows = 0;
    this.width = 0;
    return this;
  }
}

/**
 * A block of tier rows (an hour of 1-minute buckets) that waits to be written as one chunk. Its
 * rows are not copied: the store's ring of that tier holds them for longer than a block (see
 * `memoryMs`), and they are read from it when the block is written. A copy of every series'
 * block was up to 35 MB at 1,000 containers, grown by doubling and freed all at once each hour.
 */
class HeldBlock {
  rows = 0;
  last: number;
  constructor(
    readonly meta: SeriesMeta,
    readonly level: number,
    readonly block: number,
    readonly first: number,
  ) {
    this.last = first;
  }
}

/** A held block's rows, read from the store's ring into `into`: those it still holds. */
function readBlock(h: HeldBlock, into: Pending): Pending {
  into.reuse(h.meta, h.level);
  // The store hands its own series objects to its listeners.
  const series = h.meta as Series;
  const ring = series.tiers[h.level]!.ring;
  const n = series.n;
  for (let i = ring.lowerBound(h.first); i < ring.size; i++) {
    const time = ring.timeAt(i);
    if (time > h.last) break;
    const at = into.addRow(time, 4 * n);
    const v = into.values;
    for (let c = 0; c < 3 * n; c++) v[at + c] = ring.valueAt(c, i);
    for (let f = 0; f < n; f++) v[at + 3 * n + f] = ring.countAt(f, i);
  }
  return into;
}

const HEADER = 'SQLite format 3\u0000';

/**
 * Opens (or creates) a history database and loads what it kept into the store. A file that is
 * not an arcbox-perf history database (not SQLite, another application's, corrupt, or from a
 * newer schema) is refused with a STORE_ERROR and never written: it is checked read-only first.
 *
 * The driver is synchronous; a flush is one transaction of a few ms (WAL, synchronous=NORMAL:
 * a commit appends to the WAL without waiting for fsync), so it runs on the event loop. The
 * checkpoint, which writes and syncs the database file, runs in a worker thread between flushes.
 */
export async function openSqliteHistory(options: SqliteHistoryOptions): Promise<SqliteHistory> {
  const { path } = options;
  const driver = options.driver ?? (await loadSqliteDriver());
  const found = await withTimeout(
    (signal) => checkFile(path, signal),
    options.timeoutMs ?? 10_000,
    `checking ${path}`,
    options.signal,
  );
  const db = openChecked(driver, path, found === 'sqlite');
  // Its own store keeps only the hot window in memory: the rest is read back from this file.
  const store =
    options.store ??
    createHistoryStore({
      memoryWindowMs: resolveHistoryConfig(options.config).maxAgeMs,
      ...options.config,
    });
  // Raw rows come for every series every interval: their batch is found by the series object, not
  // by a key string built per row. Buckets (a minute apart at the finest) by key and level.
  const pendingRaw = new Map<SeriesMeta, Pending>();
  // A series' raw batch written by the last flush, emptied, for its next batch: a fresh one per
  // series per flush lived 10 s, long enough for V8 to move it to the old generation, where
  // 1,000 containers left 3,000 objects and 2,000 buffers of garbage every flush.
  const spareRaw = new Map<SeriesMeta, Pending>();
  const pending = new Map<string, Pending>();
  let pendingRows = 0;
  const rawRowsHint =
    Math.ceil((options.flushIntervalMs ?? 10_000) / store.config.sampleIntervalMs) + 2;
  // A tier whose 60-row block the raw retention can rebuild after a crash (1-min buckets within
  // the raw hour) is written a block at a time: one chunk per series per block (an hour of
  // minutes) instead of one per flush, so a day at 1-min step reads 24 chunks, not 1,440.
  const { tiers, maxAgeMs } = store.config;
  const blockMs = tiers.map((t) => tierBlockMs(t, maxAgeMs));
  const held = new Map<string, HeldBlock>();
  /** Tier blocks that are complete (or cut by a newer block) and wait for the next flush. */
  const ready: (Pending | HeldBlock)[] = [];
  const pendingFor = (meta: SeriesMeta, level: number): Pending => {
    const key = level < 0 ? null : `${meta.key}\u0000${level}`;
    let p = key === null ? pendingRaw.get(meta) : pending.get(key);
    if (!p) {
      p = key === null ? spareRaw.get(meta) : undefined;
      if (p) spareRaw.delete(meta);
      else p = new Pending(meta, level, key === null ? Math.min(rawRowsHint, 4096) : 4);
      if (key === null) pendingRaw.set(meta, p);
      else pending.set(key, p);
    }
    return p;
  };
  const hold = (meta: SeriesMeta, level: number, start: number) => {
    const key = `${meta.key}\u0000${level}`;
    const block = Math.floor(start / blockMs[level]!);
    let h = held.get(key);
    // A new block, or the key's series came back as a new series (the rows are in its own ring).
    if (h && (h.block !== block || h.meta !== meta)) {
      ready.push(h);
      held.delete(key);
      h = undefined;
    }
    if (!h) {
      h = new HeldBlock(meta, level, block, start);
      held.set(key, h);
    }
    h.last = start;
    h.rows += 1;
  };
  /**
   * A held block is complete once its last bucket ends at the block's end, or once its series
   * ended (its store let go of it: no more rows come).
   */
  const complete = (h: HeldBlock): boolean =>
    h.last + tiers[h.level]!.resolutionMs >= (h.block + 1) * blockMs[h.level]! ||
    (h.meta as Series).removed;

  const unsubscribe = store.subscribe((event: HistoryEvent) => {
    pendingRows += 1;
    if (event.type === 'bucket' && blockMs[event.level]) {
      hold(event.series, event.level, event.start);
      return;
    }
    const p = pendingFor(event.series, event.type === 'raw' ? -1 : event.level);
    if (event.type === 'raw') {
      const at = p.addRow(event.time, event.values.length);
      p.values.set(event.values, at);
    } else {
      const n = event.min.length;
      const at = p.addRow(event.start, 4 * n);
      p.values.set(event.min, at);
      p.values.set(event.max, at + n);
      p.values.set(event.avg, at + 2 * n);
      p.values.set(event.count, at + 3 * n);
    }
  });

  const cold = createSqliteColdSource(db);
  try {
    load(db, store);
    store.attachCold(cold);
  } catch (cause) {
    unsubscribe();
    db.close();
    throw new PerfError(
      'STORE_ERROR',
      `cannot load history: ${(cause as Error).message}; left untouched`,
      { file: path, cause },
    );
  }

  // Events stay as long as the longest tier: an OOM kill explains a dip a week back.
  const eventsMaxAgeMs = Math.max(maxAgeMs, ...tiers.map((t) => t.retentionMs));
  const events = createEventStore(db, { maxAgeMs: eventsMaxAgeMs });
  let unsubscribeEvents = () => {};
  if (options.events) {
    const log = options.events;
    for (const e of events.load(Date.now() - eventsMaxAgeMs, DEFAULT_MAX_EVENTS)) log.append(e);
    unsubscribeEvents = log.subscribe((e) => events.add(e));
  }

  const upsertSeries = db.prepare(
    'INSERT INTO series (key, kind, id, name, labels, fields) VALUES (?, ?, ?, ?, ?, ?) ' +
      'ON CONFLICT(key) DO UPDATE SET name = excluded.name, labels = excluded.labels, fields = excluded.fields',
  );
  const insertChunk = db.prepare(
    'INSERT INTO chunks (series, level, first, last, rows, times, data, codec) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // At most this many chunks go per tier and flush: a backlog (after downtime, or a shorter
  // retention) is worked off over several flushes instead of in one statement that stalls.
  const deleteOld = db.prepare(
    'DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunks WHERE level = ? AND last < ? LIMIT ?)',
  );
  const deleteBatch = options.deleteBatch ?? 2000;
  const deleteSeries = db.prepare(
    'DELETE FROM series WHERE key NOT IN (SELECT DISTINCT series FROM chunks)',
  );

  // Each series row as this process last committed it: an unchanged row is not upserted (and its
  // field list not serialized) again at every flush. Filled only after a commit, emptied whenever
  // series rows are deleted, so a series is never left without its row.
  const committed = new Map<string, { name: string; labels: string; fields: readonly string[] }>();

  const scratch = new Pending(null as unknown as SeriesMeta, 0, 64);
  const encoded: EncodeBuffer = { bytes: new Uint8Array(0) };
  const write = async (batch: (Pending | HeldBlock)[]) => {
    const seen = new Set<string>();
    const upserted: [string, { name: string; labels: string; fields: readonly string[] }][] = [];
    let rows = 0;
    let slice = performance.now();
    for (const item of batch) {
      const p = item instanceof HeldBlock ? readBlock(item, scratch) : item;
      if (p.rows === 0) continue;
      // A thousand series' chunks take longer than a stall should last: the transaction yields
      // to the event loop between slices (this connection is the only writer; the batch is all
      // in, or none of it, as before).
      if (performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      if (!seen.has(p.meta.key)) {
        seen.add(p.meta.key);
        const labels = JSON.stringify(p.meta.labels);
        const row = committed.get(p.meta.key);
        if (
          row === undefined ||
          row.name !== p.meta.name ||
          row.labels !== labels ||
          row.fields !== p.meta.fields
        ) {
          upsertSeries.run(
            p.meta.key,
            p.meta.kind,
            p.meta.id,
            p.meta.name,
            labels,
            JSON.stringify(p.meta.fields),
          );
          upserted.push([p.meta.key, { name: p.meta.name, labels, fields: p.meta.fields }]);
          cold.forget(p.meta.key);
        }
      }
      // Column XOR (codec 2). Raw rows live an hour and come every flush for every series: not
      // deflated (deflating a thousand small chunks every 10 s cost 100 ms a flush). Tier blocks
      // live for days: deflated too. The values are encoded into one reused buffer (binding copies
      // a blob).
      insertChunk.run(
        p.meta.key,
        p.level,
        p.times[0]!,
        p.times[p.rows - 1]!,
        p.rows,
        encodeTimes(p.times, p.rows),
        encodeColumns(p.valueBits(), p.rows, p.width, p.level >= 0, encoded),
        COLUMN_CODEC,
      );
      rows += p.rows;
    }
    let deleted = 0;
    const newest = store.newest();
    if (!Number.isNaN(newest)) {
      const cutoffs = [store.config.maxAgeMs, ...store.config.tiers.map((t) => t.retentionMs)];
      for (let i = 0; i < cutoffs.length; i++) {
        // In statements of DELETE_STATEMENT_CHUNKS, a turn each, up to deleteBatch per tier.
        for (let left = deleteBatch; left > 0; ) {
          await new Promise((resolve) => setImmediate(resolve));
          const limit = Math.min(left, DELETE_STATEMENT_CHUNKS);
          const n = Number(deleteOld.run(i - 1, newest - cutoffs[i]!, limit).changes);
          deleted += n;
          left -= limit;
          if (n < limit) break;
        }
      }
      if (deleted > 0 && Number(deleteSeries.run().changes) > 0) {
        committed.clear();
        upserted.length = 0;
      }
    }
    return { rows, deleted, upserted };
  };

  let closed = false;
  let flushing: Promise<FlushResult> | null = null;

  // Flushes run one after another: a flush yields inside its transaction.
  let queue: Promise<unknown> = Promise.resolve();
  function flush(flushOptions: { signal?: AbortSignal; all?: boolean } = {}): Promise<FlushResult> {
    const run = queue.then(() => flushNow(flushOptions));
    queue = run.catch(() => undefined);
    return run;
  }

  async function flushNow(
    flushOptions: { signal?: AbortSignal; all?: boolean } = {},
  ): Promise<FlushResult> {
    throwIfAborted(flushOptions.signal, 'history flush');
    if (closed) throw new PerfError('STORE_ERROR', `history database ${path} is closed`);
    const started = performance.now();
    // Not in the turn of the caller (which may have just appended a thousand containers).
    await new Promise((resolve) => setImmediate(resolve));
    if (closed) throw new PerfError('STORE_ERROR', `history database ${path} is closed`);
    const tierBatch = ready.splice(0);
    for (const [key, h] of held) {
      if (!flushOptions.all && !complete(h)) continue;
      tierBatch.push(h);
      held.delete(key);
    }
    tierBatch.push(...pending.values());
    pending.clear();
    const batch = [...pendingRaw.values(), ...tierBatch];
    let rows = 0;
    for (const p of batch) rows += p.rows;
    pendingRaw.clear();
    pendingRows -= rows;
    const eventBatch = events.take();
    try {
      // The checkpoint of the last flush first: the WAL then starts over instead of growing.
      await checkpointer.idle();
      const result = await inTransactionAsync(db, async () => {
        const written = await write(batch);
        events.write(eventBatch, store.newest());
        return written;
      });
      for (const [key, row] of result.upserted) committed.set(key, row);
      checkpointer.committed(batch.length);
      for (const meta of spareRaw.keys()) if ((meta as Series).removed) spareRaw.delete(meta);
      for (const p of batch) {
        if (p instanceof Pending && p.level < 0 && !(p.meta as Series).removed)
          spareRaw.set(p.meta, p.reuse(p.meta, -1));
      }
      return {
        chunks: batch.length,
        rows: result.rows,
        deletedChunks: result.deleted,
        durationMs: performance.now() - started,
      };
    } catch (cause) {
      // Put the batch back in front of what arrived since, for the next attempt.
      for (const p of batch) {
        if (p.level >= 0 || p instanceof HeldBlock) continue;
        const newer = pendingRaw.get(p.meta);
        if (newer) p.addAll(newer);
        pendingRaw.set(p.meta, p);
      }
      ready.unshift(...tierBatch);
      pendingRows += rows;
      events.putBack(eventBatch);
      throw PerfError.from(cause, 'STORE_ERROR', `flushing history to ${path} failed`);
    }
  }

  const checkpointer = createCheckpointer({
    db,
    path,
    driver,
    maxWalBytes: options.maxWalBytes ?? 64 * 1024 * 1024,
    startAtChunks: options.checkpointWorkerFromChunks ?? 500,
    onError: options.onError,
  });

  const interval = options.flushIntervalMs ?? 10_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          if (flushing || pendingRows + events.pending() === 0) return;
          flushing = flush().finally(() => {
            flushing = null;
          });
          flushing.catch((e) => options.onError?.(e));
        }, interval)
      : null;
  timer?.unref();

  async function close(): Promise<void> {
    if (closed) return;
    if (timer) clearInterval(timer);
    await flushing?.catch(() => undefined);
    try {
      if (pendingRows + events.pending() > 0) await flush({ all: true });
    } finally {
      closed = true;
      unsubscribe();
      unsubscribeEvents();
      store.attachCold(null);
      await checkpointer.close();
      checkpointAndClose(db);
    }
  }

  return {
    store,
    path,
    driver: driver.name,
    pendingRows: () => pendingRows + events.pending(),
    flush,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * What is at `path`: nothing yet, an empty file, or a file with SQLite's header. Anything else is
 * refused without writing: only a regular file is opened (a FIFO would block the open forever).
 */
async function checkFile(
  path: string,
  signal: AbortSignal,
): Promise<'missing' | 'empty' | 'sqlite'> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // Non-blocking: a FIFO in the file's place must not hold a threadpool thread until a writer comes.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new PerfError(
      'STORE_ERROR',
      `cannot read history database: ${(cause as Error).message}`,
      { file: path, cause },
    );
  }
  try {
    throwIfAborted(signal, 'checking the history database');
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new PerfError('STORE_ERROR', 'is not a regular file; left untouched', { file: path });
    const { size } = stat;
    if (size === 0) return 'empty';
    const header = Buffer.alloc(16);
    await handle.read(header, 0, 16, 0);
    if (header.toString('latin1') !== HEADER) {
      throw new PerfError(
        'STORE_ERROR',
        'not a SQLite database (corrupt or another kind of file); left untouched',
        {
          file: path,
        },
      );
    }
    return 'sqlite';
  } finally {
    await handle.close();
  }
}

function pragma(db: SqliteDatabase, name: string): SqliteRow[keyof SqliteRow] | undefined {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return row === undefined ? undefined : Object.values(row)[0];
}

/**
 * How long a flush works before it lets the event loop run, ms. On a loaded machine a slice's
 * wall time is a multiple of its CPU time: short slices keep the stall under 50 ms there too.
 */
const SLICE_MS = 5;

/** Chunks one retention DELETE removes at most (the whole batch, 2,000, was one statement). */
const DELETE_STATEMENT_CHUNKS = 500;

/** `inTransaction` for work that yields to the event loop between its slices. */
async function inTransactionAsync<T>(db: SqliteDatabase, work: () => Promise<T>): Promise<T> {
  db.exec('BEGIN');
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {}
    throw error;
  }
}

/** Runs `work` in one transaction: all of it is committed, or none. */
function inTransaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec('BEGIN');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may have rolled back already (a failed COMMIT under I/O errors): the first error is the one to report.
    try {
      db.exec('ROLLBACK');
    } catch {}
    throw error;
  }
}

/** Checks an existing database read-only (a read-write close would checkpoint into it), then opens it for writing. */
function openChecked(driver: SqliteDriver, path: string, exists: boolean): SqliteDatabase {
  if (exists) {
    let probe: SqliteDatabase;
    try {
      probe = driver.open(path, { readOnly: true });
    } catch (cause) {
      throw storeError(path, cause, 'cannot open');
    }
    try {
      const appId = Number(pragma(probe, 'application_id'));
      const version = Number(pragma(probe, 'user_version'));
      const tables = Number(
        probe.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get()?.n,
      );
      if (appId !== APPLICATION_ID && (appId !== 0 || tables > 0)) {
        throw new PerfError(
          'STORE_ERROR',
          `not an arcbox-perf history database (application_id ${appId}, ${tables} tables); left untouched`,
          { file: path },
        );
      }
      if (version > SCHEMA_VERSION) {
        throw new PerfError(
          'STORE_ERROR',
          `history database schema ${version} is newer than this arcbox-perf reads (${SCHEMA_VERSION}); upgrade arcbox-perf or use another file`,
          { file: path },
        );
      }
      const check = pragma(probe, 'quick_check');
      if (check !== 'ok')
        throw new PerfError(
          'STORE_ERROR',
          `history database is corrupt: ${String(check)}; left untouched`,
          { file: path },
        );
    } catch (cause) {
      throw storeError(path, cause, 'cannot use');
    } finally {
      probe.close();
    }
  }
  let db: SqliteDatabase;
  try {
    db = driver.open(path, { readOnly: false });
  } catch (cause) {
    throw storeError(path, cause, 'cannot open');
  }
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    const version = Number(pragma(db, 'user_version'));
    if (version >= 1 && version < SCHEMA_VERSION) {
      inTransaction(db, () => {
        if (version === 1) db.exec(MIGRATE_V1_TO_V2);
        if (version <= 2) db.exec(MIGRATE_V2_TO_V3);
        // 3 to 4: new chunks are codec 2; the tables stay as they are.
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
    }
    if (version === 0) {
      inTransaction(db, () => {
        db.exec(SCHEMA_V4);
        db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(
          'created',
          new Date().toISOString(),
        );
        db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
        db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
    }
    return db;
  } catch (cause) {
    db.close();
    throw storeError(path, cause, 'cannot initialise');
  }
}

/**
 * Moves the WAL into the database file before closing, so the file stands alone (a copy, a
 * backup, a read-only reader). Not every driver checkpoints on close: one that leaves a
 * statement unfinalized defers the real close to garbage collection.
 */
function checkpointAndClose(db: SqliteDatabase): void {
  try {
    // A checkpoint worker that did not stop in time may still hold the checkpoint lock.
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function storeError(path: string, cause: unknown, what: string): PerfError {
  if (PerfError.isInstance(cause)) return cause;
  return new PerfError(
    'STORE_ERROR',
    `${what} history database: ${(cause as Error).message}; left untouched`,
    {
      file: path,
      cause,
    },
  );
}

interface SeriesRow {
  key: string;
  kind: SeriesKind;
  id: string;
  name: string;
  labels: string;
  fields: string;
}

interface ChunkRow {
  level: number;
  rows: number;
  times: Uint8Array;
  data: Uint8Array;
}

/** Puts what the database kept back into the store: tiers first, then raw rows, then open buckets. */
function load(db: SqliteDatabase, store: HistoryStore): void {
  const series = db
    .prepare('SELECT key, kind, id, name, labels, fields FROM series')
    .all() as unknown as SeriesRow[];
  // Only the hot window goes to memory (the rest is read from disk when asked for): raw rows of
  // the raw retention, tier rows of the memory window, counted back from the newest row kept.
  const newest = Number(db.prepare('SELECT max(last) AS t FROM chunks').get()?.t ?? Number.NaN);
  const { maxAgeMs, tiers } = store.config;
  const rawCut = Number.isFinite(newest) ? newest - maxAgeMs : Number.NEGATIVE_INFINITY;
  // Each tier's memory part; it covers the next tier's open bucket, which is rebuilt from it.
  const cuts = tiers.map((_, level) =>
    Number.isFinite(newest) ? newest - memoryMs(level, store.config) : Number.NEGATIVE_INFINITY,
  );
  const tierCut = Math.min(...cuts, Number.POSITIVE_INFINITY);
  const chunks = db.prepare(
    'SELECT level, rows, times, data, codec FROM chunks WHERE series = ? AND ' +
      '((level < 0 AND last >= ?) OR (level >= 0 AND last >= ?)) ORDER BY level DESC, first ASC',
  );
  const hot = db.prepare(
    'SELECT 1 AS hot FROM chunks WHERE series = ? AND ((level < 0 AND last >= ?) OR (level >= 0 AND last >= ?)) LIMIT 1',
  );
  // Raw rows go to memory for the hot window, and further back only as far as the finest tier's
  // open block needs them to be rebuilt (after a crash, up to its block; after a clean close,
  // which writes every bucket, none): a day's load no longer decodes the whole raw hour.
  const rawMemory = Math.min(maxAgeMs, store.config.memoryWindowMs);
  const finestLast = db.prepare('SELECT max(last) AS t FROM chunks WHERE series = ? AND level = 0');
  for (const s of series) {
    // A kind this process does not know (kept by a newer release, or one not registered here)
    // stays in the file untouched and is left out of the store.
    if (!store.kinds.get(s.kind)) continue;
    // A series that ended before the hot window stays on disk only.
    if (hot.get(s.key, rawCut, tierCut) === undefined) continue;
    const restorer = store.restore({
      kind: s.kind,
      id: s.id,
      name: s.name,
      labels: JSON.parse(s.labels),
    });
    const stored: unknown = JSON.parse(s.fields);
    if (!Array.isArray(stored) || !stored.every((f) => typeof f === 'string'))
      throw new PerfError('STORE_ERROR', `history series ${s.key} has no readable field list`, {
        field: 'series.fields',
      });
    const live = fieldsOf(s.kind, store.kinds);
    // Stored field order to live order, by name: fields added later stay null, dropped ones are ignored.
    const map = live.map((f) => stored.indexOf(f));
    const n = stored.length;
    const pick = (from: Float32Array, base: number) =>
      map.map((j) => (j < 0 ? Number.NaN : from[base + j]!));
    let rawFrom = rawCut;
    if (tiers.length > 0 && Number.isFinite(newest)) {
      const last = Number(finestLast.get(s.key)?.t ?? Number.NaN);
      if (Number.isFinite(last))
        rawFrom = Math.max(rawCut, Math.min(newest - rawMemory, last + tiers[0]!.resolutionMs));
    }
    for (const c of chunks.iterate(
      s.key,
      rawFrom,
      tierCut,
    ) as IterableIterator<unknown> as IterableIterator<ChunkRow>) {
      const { times, values: data } = decodeChunk(c, stored as string[], s.key);
      for (let r = 0; r < c.rows; r++) {
        if (times[r]! < (c.level < 0 ? rawFrom : (cuts[c.level] ?? Number.NEGATIVE_INFINITY)))
          continue;
        if (c.level < 0) restorer.raw(times[r]!, pick(data, r * n));
        else {
          const b = r * 4 * n;
          restorer.bucket(
            c.level,
            times[r]!,
            pick(data, b),
            pick(data, b + n),
            pick(data, b + 2 * n),
            pick(data, b + 3 * n).map((x) => (Number.isNaN(x) ? 0 : x)),
          );
        }
      }
    }
    restorer.finish();
  }
  // Rows past their tier's retention (counted back from the newest row) go now, not at the first append.
  store.sweep();
}
