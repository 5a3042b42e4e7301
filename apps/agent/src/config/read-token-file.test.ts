import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFlags } from './apply-flags.js';
import { defaultConfig } from './default-config.js';
import { loadConfigFile } from './load-config.js';
import { readTokenFile } from './read-token-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-token-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = { HOME: '/home/u', XDG_STATE_HOME: '/state' };

describe('token files', () => {
  it('reads the token, dropping the one line break echo leaves', async () => {
    const file = join(dir, 'token');
    await writeFile(file, 'k7-token_value\n');
    expect(await readTokenFile(file)).toBe('k7-token_value');
  });

  it('refuses whitespace around the token and never shows it', async () => {
    const file = join(dir, 'spaced');
    await writeFile(file, '  k7-secret-value \n');
    const error = await readTokenFile(file).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      /spaced: the token must not begin or end with whitespace/,
    );
    expect((error as Error).message).not.toContain('k7-secret-value');
  });

  it('refuses a FIFO without blocking, a directory and a large file, naming the file', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(readTokenFile(fifo, { timeoutMs: 2000 })).rejects.toThrow(
      `${fifo}: cannot read the token: not a regular file`,
    );
    await expect(readTokenFile(dir)).rejects.toThrow(`${dir}: cannot read the token`);
    const big = join(dir, 'big');
    await writeFile(big, 'x'.repeat(100_000));
    await expect(readTokenFile(big)).rejects.toThrow(/100000 bytes; a token file holds at most/);
  });

  it('reads authTokenFile next to the config file', async () => {
    await writeFile(join(dir, 'agent-token'), 'from-the-file\n');
    const config = join(dir, 'agent.yaml');
    await writeFile(config, 'authTokenFile: agent-token\n');
    const loaded = await loadConfigFile(config, { env });
    expect(loaded.authToken).toBe('from-the-file');
    expect(loaded.authTokenFile).toBe(join(dir, 'agent-token'));
  });
});

describe('token flags', () => {
  it('takes --token-file first after --token, then ARCBOX_PERF_TOKEN, then the file', async () => {
    const file = join(dir, 'flag-token');
    await writeFile(file, 'from-flag-file\n');
    const base = { ...defaultConfig(env), authToken: 'from-config' };
    expect((await applyFlags(base, { 'token-file': file }, {})).authToken).toBe('from-flag-file');
    expect((await applyFlags(base, { token: 'inline-token' }, {})).authToken).toBe('inline-token');
    expect((await applyFlags(base, {}, { ARCBOX_PERF_TOKEN: 'env-token' })).authToken).toBe(
      'env-token',
    );
    expect((await applyFlags(base, {}, {})).authToken).toBe('from-config');
  });

  it('refuses a token with whitespace, naming where it came from and not the token', async () => {
    const error = await applyFlags(defaultConfig(env), { token: 'abc-secret\n' }, {}).catch(
      (e: Error) => e,
    );
    expect((error as Error).message).toMatch(/^--token: the token must not begin or end/);
    expect((error as Error).message).not.toContain('abc-secret');
    await expect(
      applyFlags(defaultConfig(env), {}, { ARCBOX_PERF_TOKEN: ' x-secret' }),
    ).rejects.toThrow(/^ARCBOX_PERF_TOKEN: the token must not begin or end with whitespace/);
  });

  it('needs a token off loopback', async () => {
    await expect(applyFlags(defaultConfig(env), { listen: '0.0.0.0:9464' }, {})).rejects.toThrow(
      /listening on 0\.0\.0\.0 needs a bearer token \(--token-file/,
    );
  });
});
