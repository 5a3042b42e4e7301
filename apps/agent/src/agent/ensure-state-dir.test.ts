import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStateDir } from './ensure-state-dir.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-state-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('ensureStateDir', () => {
  it('makes every missing level', async () => {
    const target = join(dir, 'a', 'b', 'c');
    await ensureStateDir(target, '/default');
    expect((await stat(target)).isDirectory()).toBe(true);
    await ensureStateDir(target, '/default');
  });

  it('stops at a level that cannot be made instead of retrying it (/proc)', async () => {
    const started = performance.now();
    await expect(ensureStateDir('/proc/nope/x', '/default')).rejects.toThrow(
      'state directory /proc/nope/x: cannot create /proc/nope: ',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('names a file in the way and how to choose another directory', async () => {
    await writeFile(join(dir, 'file'), '');
    await expect(ensureStateDir(join(dir, 'file', 'x'), '/srv/x')).rejects.toThrow(
      `state directory ${join(dir, 'file', 'x')}: ${join(dir, 'file')} is not a directory; choose another with --state-dir DIR or stateDir: in the config (the default for this user is /srv/x)`,
    );
  });
});
