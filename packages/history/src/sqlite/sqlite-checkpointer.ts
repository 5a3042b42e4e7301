import { Worker } from 'node:worker_threads';
import { PerfError } from '@arcbox/perf-core';
import type { SqliteDatabase, SqliteDriver } from './sqlite-driver.js';

/**
 * Moves the WAL into the database file away from the writer's event loop. SQLite's automatic
 * checkpoint runs inside a `COMMIT` once the WAL holds 1,000 pages and writes and syncs the
 * database file there (200+ ms on a busy disk); this turns it off on the writer's connection and
 * has a worker thread, with its own connection, checkpoint after each commit instead.
 */
export interface Checkpointer {
  /** Where checkpoints run: `worker`, or `main` (SQLite's automatic one, in the commit). */
  where(): 'worker' | 'main';
  /**
   * After a commit of `chunks` chunks: asks for a checkpoint (one at a time; commits meanwhile ask
   * for one more), starting the worker with the first commit of at least `startAtChunks`.
   */
  committed(chunks?: number): void;
  /**
   * Resolves once the checkpoint in flight is done, or `waitMs` after it was asked for. The
   * writer awaits it before a transaction: the WAL restarts from its start only after a complete
   * checkpoint, and a TRUNCATE holds the write lock while it runs.
   */
  idle(): Promise<void>;
  /** Stops the worker (it closes its connection; terminated if it has not stopped in `waitMs`). */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The writer's connection. */
  db: SqliteDatabase;
  path: string;
  /** A driver without `module` keeps SQLite's automatic checkpoint on the main thread. */
  driver: SqliteDriver;
  /** A WAL past this size after a PASSIVE checkpoint is truncated (waiting for readers). */
  maxWalBytes: number;
  /** Told once when the worker fails and checkpoints go back to the main thread. */
  onError?: (error: PerfError) => void;
  /** Longest wait for a checkpoint before a transaction, and for the worker to stop. */
  waitMs?: number;
  /**
   * The worker starts with the first commit of at least this many chunks; until then SQLite's
   * own checkpoint runs in the commit. The worker's isolate costs about 10 MB resident, more
   * than a small host's stalls are worth. Default 0: at once.
   */
  startAtChunks?: number;
}

const WORKER_URL = new URL('./sqlite-checkpoint-worker.js', import.meta.url);

/** SQLite's default automatic checkpoint, restored when the worker fails: pages of WAL. */
const AUTO_CHECKPOINT_PAGES = 1000;

/** How long a checkpoint TRUNCATE in the worker waits for readers to leave the WAL, ms. */
const TRUNCATE_BUSY_MS = 5000;

type WorkerMessage = { type: 'done'; id: number } | { type: 'failed'; message: string };

export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { db, path, driver } = options;
  const waitMs = options.waitMs ?? 10_000;
  // A SQLite built single-threaded has no locks between threads: keep its checkpoint where it is.
  if (driver.module === undefined || singleThreaded(db)) return onMainThread();

  const startAtChunks = options.startAtChunks ?? 0;
  let worker: Worker | null = null;
  let failed = false;
  const start = () => {
    try {
      worker = new Worker(WORKER_URL, {
        // Not the process's flags (`--input-type` alone makes the worker fail to start);
        // node:sqlite's "experimental" warning on Node 22 was already printed by the main thread.
        execArgv: ['--disable-warning=ExperimentalWarning'],
        workerData: {
          path,
          module: driver.module,
          maxWalBytes: options.maxWalBytes,
          busyTimeoutMs: TRUNCATE_BUSY_MS,
        },
      });
    } catch (cause) {
      failed = true;
      report(cause);
      return;
    }
    worker.unref();
    db.exec('PRAGMA wal_autocheckpoint = 0');
    listen(worker);
  };

  let closing = false;
  let asked = 0;
  let again = false;
  let inFlight: { done: Promise<void>; resolve: () => void; deadline: number } | null = null;

  const settle = () => {
    inFlight?.resolve();
    inFlight = null;
  };
  const ask = () => {
    if (!worker) return;
    let resolve = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    inFlight = { done, resolve, deadline: performance.now() + waitMs };
    asked += 1;
    worker.postMessage({ type: 'checkpoint', id: asked });
  };
  /** The worker is gone: back to SQLite's checkpoint in the commit. Slower turns, nothing lost. */
  const fallBack = (cause: unknown) => {
    const gone = worker;
    if (!gone) return;
    worker = null;
    failed = true;
    settle();
    void gone.terminate().catch(() => undefined);
    if (closing) return;
    db.exec(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    report(cause);
  };
  function listen(w: Worker): void {
    w.on('message', (message: WorkerMessage) => {
      if (message.type === 'failed') {
        fallBack(new Error(message.message));
        return;
      }
      if (message.type !== 'done') return;
      settle();
      if (again) {
        again = false;
        ask();
      }
    });
    w.on('error', fallBack);
    w.on('exit', (code) => {
      if (!closing) fallBack(new Error(`the checkpoint worker exited with code ${code}`));
    });
  }
  if (startAtChunks <= 0) start();

  function report(cause: unknown): void {
    options.onError?.(
      new PerfError(
        'STORE_ERROR',
        'the checkpoint worker failed; checkpoints run on the main thread, in the commit',
        { file: path, cause },
      ),
    );
  }

  return {
    where: () => (worker ? 'worker' : 'main'),
    committed(chunks = Number.POSITIVE_INFINITY) {
      if (!worker && !failed && !closing && chunks >= startAtChunks) start();
      if (!worker) return;
      if (inFlight) again = true;
      else ask();
    },
    async idle() {
      const current = inFlight;
      if (!current) return;
      await within(current.done, current.deadline - performance.now());
    },
    async close() {
      closing = true;
      const stopping = worker;
      worker = null;
      settle();
      if (!stopping) return;
      const exited = new Promise<void>((resolve) => stopping.once('exit', () => resolve()));
      stopping.postMessage({ type: 'close' });
      // A worker stuck in a checkpoint on a stalled disk is not waited for past waitMs.
      if (!(await within(exited, waitMs))) await within(stopping.terminate(), waitMs);
    },
  };
}

function onMainThread(): Checkpointer {
  return {
    where: () => 'main',
    committed() {},
    async idle() {},
    async close() {},
  };
}

function singleThreaded(db: SqliteDatabase): boolean {
  const row = db.prepare("SELECT sqlite_compileoption_used('THREADSAFE=0') AS single").get();
  return Number(row?.single) === 1;
}

/** Whether `promise` settled within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
