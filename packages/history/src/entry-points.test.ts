import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/**
 * Runs `script` after importing an entry of the built package in a fresh process, then says
 * whether a SQLite engine got loaded: the addon's shared object, or Node's own sqlite module.
 */
async function loadsSqlite(entry: string, script = ''): Promise<boolean> {
  const source = `
    const entry = await import(${JSON.stringify(dist + entry)});
    ${script}
    const objects = process.report.getReport().sharedObjects;
    const addon = objects.some((o) => /sqlite/i.test(o));
    const builtin = process.moduleLoadList.some((m) => /\\bsqlite\\b/.test(m));
    console.log(addon || builtin);
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], {
    timeout: 30_000,
  });
  return stdout.trim() === 'true';
}

describe('entry points (built package)', () => {
  it('importing the in-memory store never loads SQLite', async () => {
    expect(await loadsSqlite('index.js')).toBe(false);
  });

  it('importing ./sqlite does not load it either: the driver is loaded when a history is opened', async () => {
    expect(await loadsSqlite('sqlite.js')).toBe(false);
  });

  it('opening a history does load it (the checks above can see it)', async () => {
    const open = `
      const { mkdtempSync } = await import('node:fs');
      const dir = mkdtempSync('/tmp/arcbox-entry-');
      const h = await entry.openSqliteHistory({ path: dir + '/h.sqlite', flushIntervalMs: 0 });
      await h.close();
    `;
    expect(await loadsSqlite('sqlite.js', open)).toBe(true);
  });

  it('the built package starts its checkpoint worker (dist/sqlite-checkpoint-worker.js) without an error', async () => {
    const source = `
      const { mkdtempSync, rmSync } = await import('node:fs');
      const { openSqliteHistory } = await import(${JSON.stringify(`${dist}sqlite.js`)});
      const { fieldsOf } = await import(${JSON.stringify(`${dist}index.js`)});
      const dir = mkdtempSync('/tmp/arcbox-entry-');
      const errors = [];
      const h = await openSqliteHistory({
        path: dir + '/h.sqlite',
        flushIntervalMs: 0,
        checkpointWorkerFromChunks: 0,
        onError: (e) => errors.push(String(e.cause ?? e)),
      });
      for (let i = 0; i < 5; i++) {
        const row = fieldsOf('system').map(() => i);
        h.store.appendValues('system', Date.UTC(2026, 0, 1) + i * 1000, row);
        await h.flush();
      }
      await h.close();
      rmSync(dir, { recursive: true, force: true });
      console.log(JSON.stringify(errors));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', source], {
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim())).toEqual([]);
  });
});
