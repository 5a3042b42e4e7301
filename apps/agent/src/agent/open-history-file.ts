import { stat } from 'node:fs/promises';
import type { EventLog, HistoryStore } from '@arcbox/perf-history';
import type { SqliteDriver, SqliteHistory } from '@arcbox/perf-history/sqlite';

/** Flushes that may fail in a row before the file is let go (rows would pile up in memory). */
export const MAX_FAILED_FLUSHES = 6;

/** History on disk as the agent keeps it: it may be unavailable, and the agent runs on. */
export interface HistoryFile {
  readonly path: string;
  /** Series the file held when it was opened (0 when it could not be). */
  readonly loadedSeries: number;
  /** Why history is not being kept on disk now; null while it is. */
  problem(): string | null;
  /** Writes what is pending and closes the file; problems are logged, never thrown. */
  close(): Promise<void>;
}

export interface HistoryFileOptions {
  path: string;
  store: HistoryStore;
  /** Lifecycle events kept in the file too: loaded on open, written with each flush. */
  events?: EventLog;
  flushIntervalMs: number;
  log: (line: string) => void;
  /** The SQLite driver (tests); the one for this Node.js otherwise. */
  driver?: SqliteDriver;
}

const kindOfFile = (info: Awaited<ReturnType<typeof stat>>) =>
  info.isDirectory()
    ? 'a directory'
    : info.isFIFO()
      ? 'a FIFO'
      : info.isSocket()
        ? 'a socket'
        : info.isCharacterDevice() || info.isBlockDevice()
          ? 'a device'
          : 'not a regular file';

/**
 * Opens `<stateDir>/history.sqlite` into the store and flushes it on the agent's own timer, so
 * each flush's outcome is known. Nothing here stops the agent: a file that cannot be opened
 * (not SQLite, another application's, a directory, a FIFO, unreadable) or a flush that fails
 * leaves history in memory, with the reason (naming the file) in the log and in /readyz. A FIFO
 * is refused before it is opened: opening one blocks a thread until a writer comes.
 */
export async function openHistoryFile(options: HistoryFileOptions): Promise<HistoryFile> {
  const { path, log } = options;
  const unavailable = (reason: string): HistoryFile => {
    const problem = `history file ${path} unavailable: ${reason}; history is kept in memory only until a restart`;
    log(`history: ${problem}`);
    return { path, loadedSeries: 0, problem: () => problem, close: async () => undefined };
  };
  const info = await stat(path).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    if (info.code !== 'ENOENT') return unavailable(info.message);
  } else if (!info.isFile()) return unavailable(`it is ${kindOfFile(info)}, not a history file`);

  let persisted: SqliteHistory;
  try {
    const { openSqliteHistory } = await import('@arcbox/perf-history/sqlite');
    persisted = await openSqliteHistory({
      path,
      store: options.store,
      ...(options.events ? { events: options.events } : {}),
      flushIntervalMs: 0,
      ...(options.driver ? { driver: options.driver } : {}),
      // With no background flush, only a failed checkpoint worker is reported here.
      onError: (e) => log(`history: ${e.message}`),
    });
  } catch (error) {
    return unavailable(withoutLocation((error as Error).message, path));
  }
  const loadedSeries = options.store.series().length;
  let problem: string | null = null;
  let failures = 0;
  let open = true;
  let flushing: Promise<void> | null = null;

  const letGo = async () => {
    open = false;
    clearInterval(timer);
    // Closing tries one last flush, then closes the database and drops what is pending.
    await persisted.close().catch(() => undefined);
  };
  const flushNow = async () => {
    try {
      await persisted.flush();
      if (problem !== null) log(`history: flushing to ${path} works again`);
      problem = null;
      failures = 0;
    } catch (error) {
      failures += 1;
      const said = withoutLocation((error as Error).message, path);
      const message = said.includes(path) ? said : `flushing history to ${path} failed: ${said}`;
      if (failures >= MAX_FAILED_FLUSHES) {
        problem = `history file ${path} unavailable: ${failures} flushes failed in a row (last: ${message}); history is kept in memory only until a restart`;
        log(`history: ${problem}`);
        await letGo();
      } else {
        problem = `${message} (${failures} in a row; the rows are kept for the next flush)`;
        log(`history: ${problem}`);
      }
    }
  };
  const timer = setInterval(() => {
    if (!open || flushing || persisted.pendingRows() === 0) return;
    flushing = flushNow().finally(() => {
      flushing = null;
    });
  }, options.flushIntervalMs);
  timer.unref();

  return {
    path,
    loadedSeries,
    problem: () => problem,
    async close() {
      clearInterval(timer);
      await flushing;
      if (!open) return;
      open = false;
      // Flushes what the last interval gathered, then closes the database.
      await persisted
        .close()
        .catch((error) =>
          log(
            `history: final flush to ${path} failed: ${withoutLocation((error as Error).message, path)}`,
          ),
        );
    },
  };
}

/** PerfError appends "(file)" to its message; the agent's lines name the file already. */
function withoutLocation(message: string, path: string): string {
  return message.endsWith(` (${path})`) ? message.slice(0, -(path.length + 3)) : message;
}
