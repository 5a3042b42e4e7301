import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistoryStore, fieldsOf } from '@arcbox/perf-history';
import {
  loadSqliteDriver,
  type SqliteDatabase,
  type SqliteDriver,
} from '@arcbox/perf-history/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILED_FLUSHES, openHistoryFile } from './open-history-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-history-file-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The real driver, whose chunk inserts fail while `failing.now` (a disk that fills up). */
async function flakyDriver(failing: { now: boolean }): Promise<SqliteDriver> {
  const real = await loadSqliteDriver();
  return {
    name: real.name,
    open(path, options) {
      const db = real.open(path, options);
      const wrapped: SqliteDatabase = {
        exec: (sql) => db.exec(sql),
        close: () => db.close(),
        prepare(sql) {
          const statement = db.prepare(sql);
          if (!sql.startsWith('INSERT INTO chunks')) return statement;
          return {
            ...statement,
            get: (...p) => statement.get(...p),
            all: (...p) => statement.all(...p),
            iterate: (...p) => statement.iterate(...p),
            run: (...p) => {
              if (failing.now) throw new Error('database or disk is full');
              return statement.run(...p);
            },
          };
        },
      };
      return wrapped;
    },
  };
}

const until = async (what: string, f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('openHistoryFile: a failing flush never stops the agent', () => {
  it('reports failed flushes, recovers when they work again, and lets the file go after too many', async () => {
    const failing = { now: true };
    const store = createHistoryStore({ sampleIntervalMs: 10 });
    const lines: string[] = [];
    const path = join(dir, 'history.sqlite');
    const file = await openHistoryFile({
      path,
      store,
      flushIntervalMs: 20,
      log: (l) => lines.push(l),
      driver: await flakyDriver(failing),
    });
    const width = fieldsOf('system').length;
    let t = Date.now();
    const feeder = setInterval(() => {
      t += 10;
      store.appendValues('system', t, new Array(width).fill(1));
    }, 10);
    try {
      await until('a failed flush', () => file.problem() !== null);
      expect(file.problem()).toBe(
        `flushing history to ${path} failed: database or disk is full (1 in a row; the rows are kept for the next flush)`,
      );
      failing.now = false;
      await until('a flush that works', () => file.problem() === null);
      expect(lines.at(-1)).toBe(`history: flushing to ${path} works again`);

      failing.now = true;
      await until('the file let go', () => /unavailable/.test(file.problem() ?? ''));
      expect(file.problem()).toMatch(
        new RegExp(
          `^history file .*history\\.sqlite unavailable: ${MAX_FAILED_FLUSHES} flushes failed in a row`,
        ),
      );
      // Let go: no more attempts, and closing has nothing left to do.
      const logged = lines.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(lines).toHaveLength(logged);
      await expect(file.close()).resolves.toBeUndefined();
    } finally {
      clearInterval(feeder);
      await file.close();
    }
  });
});
