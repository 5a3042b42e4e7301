import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES, parseConfigDocument, readConfigFile } from './config-document.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('config files', () => {
  it('reads YAML and JSON with the line of each key, and holds .json to JSON', () => {
    const doc = parseConfigDocument('a: 1\nb:\n  c: 2\n', 'x.yaml');
    expect(doc.value).toEqual({ a: 1, b: { c: 2 } });
    expect(doc.lineOf(['b', 'c'])).toBe(3);
    expect(() => parseConfigDocument('{"a": 1,}', 'x.json')).toThrow(/x\.json:1: not valid JSON/);
    expect(() => parseConfigDocument('a: [1\n', 'x.yaml')).toThrow(/x\.yaml:\d+: not valid YAML/);
  });

  it('refuses a FIFO, a directory and a file over the size bound, naming the file, without blocking', async () => {
    const fifo = join(dir, 'agent.yaml');
    execFileSync('mkfifo', [fifo]);
    await expect(readConfigFile(fifo)).rejects.toThrow(
      `${fifo}: cannot read the config file: not a regular file`,
    );
    await expect(readConfigFile(dir)).rejects.toThrow(`${dir}: cannot read the config file`);
    const big = join(dir, 'big.yaml');
    await writeFile(big, `a: "${'x'.repeat(MAX_CONFIG_BYTES)}"\n`);
    await expect(readConfigFile(big)).rejects.toThrow(/at most 1048576 are read/);
    const ok = join(dir, 'ok.yaml');
    await writeFile(ok, 'interval: 1s\n');
    expect(await readConfigFile(ok)).toBe('interval: 1s\n');
  });
});
