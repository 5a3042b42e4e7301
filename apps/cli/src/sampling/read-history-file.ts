import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { RangeQuery, RangeResult } from '@arcbox/perf-history';
import { errnoText } from '../errno-text.js';
import { resolveSeries } from './resolve-series.js';

/**
 * Queries a history database file the agent keeps (`<stateDir>/history.sqlite`) with
 * perf-history's own store, so the answer is the one the agent's API would give. perf-history
 * opens a database to write it (closing flushes and drops what is older than the opener's
 * retention), so the CLI reads a private copy (with its write-ahead log) and never touches the
 * agent's file; every error names the user's file, never the copy. The series may be named as
 * everywhere else (`container:web`, a unique id prefix).
 */
export async function queryHistoryFile(
  path: string,
  query: RangeQuery,
  signal: AbortSignal,
): Promise<RangeResult> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    const error = new PerfError('MISSING_FILE', `no history database at ${path}`, { cause });
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
      error.message = `cannot read the history database ${path}: ${errnoText(cause)}`;
    throw error;
  }
  // A FIFO or a device would block the copy for ever.
  if (!info.isFile())
    throw new PerfError('READ_ERROR', `${path} is not a history database (not a regular file)`);
  const { openSqliteHistory } = await import('@arcbox/perf-history/sqlite');
  const dir = await mkdtemp(join(tmpdir(), 'arcbox-perf-history-'));
  const copy = join(dir, 'history.sqlite');
  const named = (error: unknown) => asUsersFile(error, copy, path);
  try {
    try {
      await copyFile(path, copy);
      await copyFile(`${path}-wal`, `${copy}-wal`).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error; // no WAL: everything is in the main file
      });
    } catch (cause) {
      throw new PerfError(
        'READ_ERROR',
        `cannot read the history database ${path}: ${errnoText(cause)}`,
        { cause },
      );
    }
    const history = await openSqliteHistory({ path: copy, flushIntervalMs: 0, signal });
    try {
      const { store } = history;
      return store.query({ ...query, series: resolveSeries(query.series, store.series()) });
    } finally {
      await history.close();
    }
  } catch (error) {
    throw named(error);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same error, saying the user's file wherever it said the private copy. */
function asUsersFile(error: unknown, copy: string, path: string): unknown {
  if (!(error instanceof Error) || !error.message.includes(copy)) return error;
  error.message = error.message.replaceAll(`${copy}-wal`, `${path}-wal`).replaceAll(copy, path);
  if (PerfError.isInstance(error) && error.file === copy)
    (error as { file: string | undefined }).file = path;
  return error;
}
