import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/', import.meta.url));

/** Loads an entry of the built package in a fresh process and says whether better-sqlite3 got loaded. */
async function loadsSqlite(entry: string): Promise<boolean> {
  const script = `
    await import(${JSON.stringify(dist + entry)});
    const { createRequire } = await import('node:module');
    const cache = createRequire(import.meta.url).cache;
    console.log(Object.keys(cache).some((k) => k.includes('better-sqlite3')));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    timeout: 30_000,
  });
  return stdout.trim() === 'true';
}

describe('entry points (built package)', () => {
  it('importing the in-memory store never loads the native SQLite module', async () => {
    expect(await loadsSqlite('index.js')).toBe(false);
  });

  it('the ./sqlite entry does load it (the check above can see it)', async () => {
    expect(await loadsSqlite('sqlite.js')).toBe(true);
  });
});
