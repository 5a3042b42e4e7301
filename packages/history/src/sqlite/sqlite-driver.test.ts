import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { loadSqliteDriver, nodeSqliteState } from './sqlite-driver.js';

describe('SQLite driver choice', () => {
  it('knows which Node.js has a built-in SQLite, and which one warns that it is experimental', () => {
    expect(nodeSqliteState('20.20.2')).toBe('absent');
    expect(nodeSqliteState('22.12.0')).toBe('absent');
    expect(nodeSqliteState('22.13.0')).toBe('warns');
    expect(nodeSqliteState('23.11.1')).toBe('warns');
    expect(nodeSqliteState('24.0.0')).toBe('quiet');
    expect(nodeSqliteState('26.1.0')).toBe('quiet');
  });

  it('picks node:sqlite where Node has it quietly, else @photostructure/sqlite', async () => {
    const driver = await loadSqliteDriver();
    const expected = nodeSqliteState() === 'quiet' ? 'node:sqlite' : '@photostructure/sqlite';
    expect(driver.name).toBe(expected);
    const db = driver.open(':memory:', { readOnly: false });
    expect(db.prepare('SELECT 6 * 7 AS n').get()).toEqual({ n: 42 });
    db.close();
  });

  it('says which driver is missing and how to get one', async () => {
    if (nodeSqliteState() !== 'absent') {
      // On a Node with node:sqlite, ask for it and get it.
      expect((await loadSqliteDriver('node:sqlite')).name).toBe('node:sqlite');
      return;
    }
    const error = await loadSqliteDriver('node:sqlite').catch((e: unknown) => e);
    expect(PerfError.isInstance(error)).toBe(true);
    expect((error as PerfError).code).toBe('UNSUPPORTED_PLATFORM');
    expect((error as PerfError).message).toContain(`Node.js ${process.versions.node}`);
  });
});
