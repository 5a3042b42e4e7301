import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LifecycleEvent } from '@arcbox/perf-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventLog } from '../event-log.js';
import { fieldsOf } from '../series-key.js';
import { SCHEMA_VERSION } from './schema.js';
import { loadSqliteDriver } from './sqlite-driver.js';
import { MAX_STORED_EVENTS } from './sqlite-events.js';
import { openSqliteHistory } from './sqlite-history.js';

const driver = await loadSqliteDriver();
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-events-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const now = Date.now();
const event = (name: string, ago: number, type: LifecycleEvent['type'] = 'oom-kill') => ({
  time: now - ago,
  type,
  kind: 'container',
  id: `${name}-id`,
  name,
  source: 'counter' as const,
  count: 1,
  memoryLimit: type === 'oom-kill' ? 96 * 2 ** 20 : null,
  exitCode: type === 'die' ? 137 : null,
});
const row = fieldsOf('system').map(() => 1);

describe(`lifecycle events in the history file (schema ${SCHEMA_VERSION}, ${driver.name})`, () => {
  it('survive a restart: written with the flush, loaded into the next event log', async () => {
    const path = join(dir, 'h.sqlite');
    const log = createEventLog();
    const first = await openSqliteHistory({ path, flushIntervalMs: 0, events: log });
    log.append(event('batch', 60_000));
    log.append(event('web', 30_000, 'die'));
    first.store.appendValues('system', now, row, { name: 'host', labels: {} });
    expect(first.pendingRows()).toBe(3);
    await first.flush();
    expect(first.pendingRows()).toBe(0);
    // Closing writes what came after the last flush.
    log.append(event('api', 1000, 'restart'));
    await first.close();

    const next = createEventLog();
    const second = await openSqliteHistory({ path, flushIntervalMs: 0, events: next });
    expect(next.since(0).map((e) => [e.name, e.type, e.exitCode, e.memoryLimit])).toEqual([
      ['batch', 'oom-kill', null, 96 * 2 ** 20],
      ['web', 'die', 137, null],
      ['api', 'restart', null, null],
    ]);
    // Loaded events are not written again.
    expect(second.pendingRows()).toBe(0);
    await second.close();
    const db = driver.open(path, { readOnly: true });
    expect(db.prepare('SELECT count(*) AS n FROM events').get()?.n).toBe(3);
    db.close();
  });

  it('a schema 1 file (recorded by arcbox-perf 0.1) gains the events table in place', async () => {
    const path = join(dir, 'v1.sqlite');
    await copyFile(new URL('./__fixtures__/history-v1.sqlite', import.meta.url), path);
    const log = createEventLog();
    const history = await openSqliteHistory({ path, flushIntervalMs: 0, events: log });
    log.append(event('batch', 1000));
    await history.close();
    const db = driver.open(path, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()?.user_version).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT name FROM events').all()).toEqual([{ name: 'batch' }]);
    db.close();
  });

  it('skips rows a hostile file holds (bad type, huge name, text time, fractional count)', async () => {
    const path = join(dir, 'h.sqlite');
    const log = createEventLog();
    const first = await openSqliteHistory({ path, flushIntervalMs: 0, events: log });
    log.append(event('good', 5000));
    // One OOM kill both sources saw (the merged event) is read back as such.
    log.append({ ...event('both', 4500), source: 'counter+engine' });
    await first.close();
    const db = driver.open(path, { readOnly: false });
    const insert = db.prepare(
      'INSERT INTO events (time, type, kind, id, name, source, count, memory_limit, exit_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(now - 4000, 'explode', 'container', 'x', 'x', 'counter', 1, null, null);
    insert.run(now - 3000, 'restart', 'container', 'x', 'n'.repeat(5000), 'counter', 1, null, null);
    insert.run('soon', 'restart', 'container', 'x', 'nan', 'counter', 1, null, null);
    insert.run(now - 2000, 'restart', 'container', 'x', 'half', 'counter', 0.5, null, null);
    insert.run(now - 1000, 'restart', 'container', 'x', 'who', 'somebody', 1, null, null);
    db.close();
    const next = createEventLog();
    const second = await openSqliteHistory({ path, flushIntervalMs: 0, events: next });
    expect(next.since(0).map((e) => `${e.name}:${e.source}`)).toEqual([
      'good:counter',
      'both:counter+engine',
    ]);
    await second.close();
  });

  it(`keeps at most ${MAX_STORED_EVENTS} events in the file, the newest`, async () => {
    const path = join(dir, 'h.sqlite');
    const log = createEventLog({ maxEvents: 10 });
    const history = await openSqliteHistory({ path, flushIntervalMs: 0, events: log });
    history.store.appendValues('system', now, row, { name: 'host', labels: {} });
    // A crash-looping fleet: more events than the file keeps, over several flushes; between two
    // flushes at most 10,000 wait (the newest).
    const perFlush = 12_000;
    for (let flush = 0; flush < 6; flush += 1) {
      for (let i = 0; i < perFlush; i += 1)
        log.append(event(`c${flush}`, 3_600_000 - flush * perFlush - i, 'restart'));
      expect(history.pendingRows()).toBe(flush === 0 ? 10_001 : 10_000); // + the host's row
      await history.flush();
    }
    await history.close();
    const db = driver.open(path, { readOnly: true });
    expect(db.prepare('SELECT count(*) AS n FROM events').get()?.n).toBe(MAX_STORED_EVENTS);
    expect(db.prepare('SELECT name FROM events ORDER BY time DESC LIMIT 1').get()?.name).toBe('c5');
    db.close();
  });
});
