import { access, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { Aggregation } from '@arcbox/perf-history';
import { parseDurationMs } from '../cli-config.js';

export interface HistoryFileQuery {
  series: string;
  fields: string[];
  from?: string;
  to?: string;
  step?: string;
  aggregation?: Aggregation;
}

/** "-1h" (before now), an ISO date, or ms since the epoch: the forms the agent's API takes. */
export function parseTimeArg(
  name: string,
  text: string | undefined,
  now: number,
): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  if (text.startsWith('-')) {
    const ago = parseDurationMs(text.slice(1));
    if (ago !== null) return now - ago;
  }
  const date = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(date)) return date;
  throw new PerfError(
    'INVALID_ARGUMENT',
    `--${name} "${text}" is not a time (ms since the epoch, an ISO date, or "-1h")`,
    { field: name },
  );
}

/**
 * Queries a history database file the agent keeps (`<stateDir>/history.sqlite`) with
 * perf-history's own store, so the answer is the one the agent's API would give. perf-history
 * opens a database to write it (closing flushes and drops what is older than the opener's
 * retention), so the CLI reads a private copy (with its write-ahead log) and never touches the
 * agent's file.
 */
export async function queryHistoryFile(path: string, query: HistoryFileQuery, signal: AbortSignal) {
  try {
    await access(path);
  } catch (cause) {
    throw new PerfError('MISSING_FILE', `no history database at ${path}`, { file: path, cause });
  }
  const now = Date.now();
  const from = parseTimeArg('from', query.from, now);
  const to = parseTimeArg('to', query.to, now);
  const step =
    query.step === undefined
      ? undefined
      : /^\d+$/.test(query.step)
        ? Number(query.step)
        : parseDurationMs(query.step);
  if (step === null || (step !== undefined && !(step > 0))) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `--step "${query.step}" is not a positive duration (e.g. 10s)`,
      { field: 'step' },
    );
  }
  const { openSqliteHistory } = await import('@arcbox/perf-history/sqlite');
  const dir = await mkdtemp(join(tmpdir(), 'arcbox-perf-history-'));
  const copy = join(dir, 'history.sqlite');
  await copyFile(path, copy);
  await copyFile(`${path}-wal`, `${copy}-wal`).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error; // no WAL: everything is in the main file
  });
  let history: Awaited<ReturnType<typeof openSqliteHistory>>;
  try {
    history = await openSqliteHistory({ path: copy, flushIntervalMs: 0, signal });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  try {
    return history.store.query({
      series: query.series,
      ...(query.fields.length > 0 ? { fields: query.fields } : {}),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      ...(step === undefined ? {} : { step }),
      ...(query.aggregation ? { aggregation: query.aggregation } : {}),
    });
  } finally {
    await history.close();
    await rm(dir, { recursive: true, force: true });
  }
}
