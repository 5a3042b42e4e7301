import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';

const onLinux = process.platform === 'linux';

describe.skipIf(!onLinux)('arcbox-perf record -> replay round trip (built binary)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-rec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('record writes the documented layout', async () => {
    const run = await runBuiltCli(['record', dir, '--count', '3', '--interval', '100']);
    expect(run.stderr).toMatch(/recorded 3 readings/);
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'recording.json'), 'utf8'))).toEqual({
      platform: 'linux',
      readings: 3,
    });
    expect((await readdir(join(dir, 'readings'))).sort()).toEqual(['0001', '0002', '0003']);
    const stamp = JSON.parse(await readFile(join(dir, 'readings', '0002', 'reading.json'), 'utf8'));
    expect(typeof stamp.monotonicMs).toBe('number');
    expect(Number.isNaN(Date.parse(stamp.time))).toBe(false);
    await expect(readFile(join(dir, 'readings', '0001', 'proc', 'stat'), 'utf8')).resolves.toMatch(
      /^cpu /,
    );
  });

  it('replay --json prints one valid document per consecutive pair', async () => {
    const run = await runBuiltCli(['replay', dir, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const docs = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(2);
    const validate = schemaValidator('snapshot');
    for (const doc of docs) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // Replayed rates cover the recorded interval (100 ms apart, give or take scheduling).
    for (const doc of docs) expect(doc.system.intervalMs).toBeGreaterThanOrEqual(90);
    expect(docs[1].system.timestamp).toBeGreaterThan(docs[0].system.timestamp);
  });

  it('replay prints readable reports without escape codes', async () => {
    const run = await runBuiltCli(['replay', dir]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^CPU /gm)).toHaveLength(2);
    expect(run.stdout).not.toMatch(escapeCode);
  });

  it('replay of a folder that is no recording fails with exit 1 and names the file', async () => {
    const run = await runBuiltCli(['replay', join(dir, 'readings')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/recording\.json/);
    expect(run.stdout).toBe('');
  });
});
