import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';
import { agentPath, type RunningAgent, startAgent } from '../test-support/start-agent.js';

describe.skipIf(process.platform !== 'linux' || agentPath === null)(
  'arcbox-perf history against the real agent (needs Linux and the built arcbox-perf-agent)',
  () => {
    let agent: RunningAgent;
    let stateDir = '';
    beforeAll(async () => {
      stateDir = await mkdtemp(join(tmpdir(), 'arcbox-cli-agent-'));
      agent = await startAgent(['--interval', '100ms', '--state-dir', stateDir]);
      // Wait until the agent holds a few samples (each run asks it, as a person would).
      for (let i = 0; i < 100; i += 1) {
        const run = await runBuiltCli(['history', '--agent', agent.url, '--json']);
        if (run.code === 0 && JSON.parse(run.stdout).timestamps.length >= 5) break;
        await sleep(200);
      }
    });
    afterAll(async () => {
      await agent?.stop();
      await rm(stateDir, { recursive: true, force: true });
    });

    it('--json is the agent answer and validates against history.schema.json', async () => {
      const run = await runBuiltCli([
        'history',
        '--agent',
        agent.url,
        '--fields',
        'cpuPercent,memoryUsed',
        '--json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('history');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.fields).toEqual(['cpuPercent', 'memoryUsed']);
      expect(doc.timestamps.length).toBeGreaterThanOrEqual(5);
      expect(
        doc.values.memoryUsed.filter((v: number | null) => v !== null && v > 0).length,
      ).toBeGreaterThan(0);
    });

    it('--csv prints a header and one row per point', async () => {
      const run = await runBuiltCli([
        'history',
        '--agent',
        agent.url,
        '--fields',
        'memoryUsed',
        '--csv',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [header, ...rows] = run.stdout.trimEnd().split('\n');
      expect(header).toBe('time,memoryUsed');
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z,\d+(\.\d+)?$/);
    });

    it('draws a braille chart per field, with no escape codes on a pipe', async () => {
      const run = await runBuiltCli([
        'history',
        '--agent',
        agent.url,
        '--fields',
        'memoryUsed',
        '--height',
        '3',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^memoryUsed {2}now \d+(\.\d)? (B|KiB|MiB|GiB)$/m);
      const chartRows = run.stdout.split('\n').filter((l) => /[\u2800-\u28ff]/.test(l));
      expect(chartRows).toHaveLength(3);
      expect(chartRows.join('')).toMatch(/[\u2801-\u28ff]/);
      expect(run.stdout).not.toMatch(escapeCode);
    });

    it("passes the agent's refusal on as an error (exit 1)", async () => {
      const run = await runBuiltCli(['history', '--agent', agent.url, '--series', 'nope']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the agent refused \(400\).*series/);
      expect(run.stdout).toBe('');
    });
  },
);

describe.skipIf(process.platform !== 'linux' || agentPath === null)(
  "arcbox-perf history --db on the agent's database file (needs Linux and the built arcbox-perf-agent)",
  () => {
    let stateDir = '';
    let db = '';
    beforeAll(async () => {
      stateDir = await mkdtemp(join(tmpdir(), 'arcbox-cli-agentdb-'));
      const config = join(stateDir, 'agent.yaml');
      await writeFile(config, 'interval: 100ms\nhistory:\n  flushInterval: 200ms\n');
      const agent = await startAgent(['--config', config, '--state-dir', join(stateDir, 'state')]);
      await sleep(1500);
      await agent.stop(); // SIGTERM: the agent flushes what it holds
      db = join(stateDir, 'state', 'history.sqlite');
    });
    afterAll(async () => {
      await rm(stateDir, { recursive: true, force: true });
    });

    it('answers like the API (schema-valid JSON) and leaves the file as it was', async () => {
      const before = createHash('sha256')
        .update(await readFile(db))
        .digest('hex');
      const run = await runBuiltCli([
        'history',
        '--db',
        db,
        '--fields',
        'cpuPercent,memoryUsed',
        '--from',
        '-1h',
        '--json',
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const doc = JSON.parse(run.stdout);
      const validate = schemaValidator('history');
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.timestamps.length).toBeGreaterThanOrEqual(3);
      expect(doc.values.memoryUsed.some((v: number | null) => v !== null && v > 0)).toBe(true);
      expect(
        createHash('sha256')
          .update(await readFile(db))
          .digest('hex'),
      ).toBe(before);
    });

    it('a missing database file is an error naming it, exit 1', async () => {
      const run = await runBuiltCli(['history', '--db', join(stateDir, 'none.sqlite')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no history database at .*none\.sqlite/);
    });
  },
);

describe('arcbox-perf history without an agent', () => {
  it('says it cannot reach the agent, exit 1, no stack', async () => {
    const run = await runBuiltCli([
      'history',
      '--agent',
      'http://127.0.0.1:9',
      '--timeout',
      '2000',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach the agent at http:\/\/127\.0\.0\.1:9/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
