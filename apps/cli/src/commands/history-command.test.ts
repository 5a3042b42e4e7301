import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKindRegistry, defaultKinds } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';
import { agentPath, type RunningAgent, startAgent } from '../test-support/start-agent.js';
import {
  canCreateCgroups,
  createTestCgroup,
  type TestCgroup,
} from '../test-support/test-cgroups.js';
import { defaultFields, historyRange } from './history-command.js';

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
      expect(run.stderr.split('none.sqlite')).toHaveLength(2);
    });
  },
);

describe.skipIf(!canCreateCgroups || agentPath === null)(
  'arcbox-perf history names a container as everywhere else, from the agent and its file (needs root and the built agent)',
  () => {
    const tag = `arcbox-hist-${process.pid}`;
    let group: TestCgroup;
    let agent: RunningAgent;
    let dir = '';
    let db = '';
    beforeAll(async () => {
      group = createTestCgroup(`${tag}-web`);
      group.run('setInterval(() => {}, 1000);');
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-histnames-'));
      const config = join(dir, 'agent.yaml');
      await writeFile(
        config,
        `interval: 100ms\nhistory:\n  flushInterval: 200ms\nsources:\n  containers:\n    paths: ["${group.path}"]\n`,
      );
      agent = await startAgent(['--config', config, '--state-dir', join(dir, 'state')]);
      db = join(dir, 'state', 'history.sqlite');
      for (let i = 0; i < 100; i += 1) {
        const run = await runBuiltCli([
          'history',
          '--agent',
          agent.url,
          '--series',
          `container:${group.path}`,
          '--json',
        ]);
        if (run.code === 0 && JSON.parse(run.stdout).timestamps.length >= 3) break;
        await sleep(200);
      }
    });
    afterAll(async () => {
      await agent?.stop();
      await group?.remove();
      await rm(dir, { recursive: true, force: true });
    });

    /** The series key and number of points an answer has, for each way of naming the container. */
    const answers = async (source: string[]) => {
      const out: Array<[string, number]> = [];
      for (const series of [`container:${group.name}`, `container:/${tag}-w`]) {
        const run = await runBuiltCli([
          'history',
          ...source,
          '--series',
          series,
          '--from',
          '-1h',
          '--to',
          'now',
          '--json',
        ]);
        expect(run.stderr).toBe('');
        const doc = JSON.parse(run.stdout);
        out.push([doc.series, doc.timestamps.length]);
      }
      return out;
    };

    it('--series container:<name> and a unique id prefix, with --agent and with --db', async () => {
      for (const [series, points] of await answers(['--agent', agent.url])) {
        expect(series).toBe(`container:${group.path}`);
        expect(points).toBeGreaterThan(0);
      }
      await agent.stop(); // SIGTERM: the agent flushes what it holds
      for (const [series, points] of await answers(['--db', db])) {
        expect(series).toBe(`container:${group.path}`);
        expect(points).toBeGreaterThan(0);
      }
    });

    it('an unknown series is an error that lists the known ones, the closest first', async () => {
      // Other tests' cgroups may be in this history too: the misspelt name finds its own first.
      const typo = `container:${group.name}x`;
      const run = await runBuiltCli(['history', '--db', db, '--series', typo]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `no series "${typo}" (known: container:${group.path} (${group.name}), `,
      );
      expect(run.stderr).toMatch(/[ (]system[,)]/);
    });

    it('--from and --to take the same grammar with --db as with --agent', async () => {
      const bad = await runBuiltCli(['history', '--db', db, '--from', 'yesterday']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--from "yesterday" is not a time/);
      const badAgent = await runBuiltCli([
        'history',
        '--agent',
        'http://127.0.0.1:9',
        '--from',
        'yesterday',
      ]);
      expect(badAgent.code).toBe(2);
      expect(badAgent.stderr).toBe(bad.stderr);
      const iso = new Date(Date.now() - 3_600_000).toISOString();
      const run = await runBuiltCli([
        'history',
        '--db',
        db,
        '--from',
        iso,
        '--to',
        'now',
        '--json',
      ]);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).timestamps.length).toBeGreaterThan(0);
    });
  },
);

describe('arcbox-perf history --db on a file that is not a history', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-baddb-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names the user's file, never the private copy it reads", async () => {
    const file = join(dir, 'garbage.sqlite');
    await writeFile(file, `SQLite format 3\0${'x'.repeat(4000)}`);
    const run = await runBuiltCli(['history', '--db', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).not.toMatch(/arcbox-perf-history-/);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO at once instead of waiting on it',
    async () => {
      const fifo = join(dir, 'fifo.sqlite');
      execFileSync('mkfifo', [fifo]);
      const run = await runBuiltCli(['history', '--db', fifo], { timeoutMs: 10_000 });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/fifo\.sqlite is not a history database \(not a regular file\)/);
    },
  );
});

describe('history ranges and fields, parsed by core for --agent and --db alike', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  it('takes core grammar and sends numbers', () => {
    expect(historyRange({ from: '-1h', to: 'now', step: '1m' }, now)).toEqual({
      from: now - 3_600_000,
      to: now,
      step: 60_000,
    });
    expect(historyRange({ from: '2026-12-05T11:00:00Z' }, now)).toEqual({ from: now - 3_600_000 });
  });

  it('refuses what core refuses, naming the flag', () => {
    expect(() => historyRange({ from: 'yesterday' }, now)).toThrow(
      /--from "yesterday" is not a time/,
    );
    expect(() => historyRange({ from: '-1h', step: '10' }, now)).toThrow(
      /--step "10" is not a duration/,
    );
    expect(() => historyRange({ from: 'now', to: '-1h' }, now)).toThrow(/--from is after --to/);
  });

  it("charts CPU and memory where the kind has them, else the kind's first fields", () => {
    const kinds = createKindRegistry(defaultKinds());
    expect(defaultFields('system', kinds)).toEqual(['cpuPercent', 'memoryUsed']);
    expect(defaultFields('container:web', kinds)).toEqual(['cpuPercent', 'memoryUsed']);
    expect(defaultFields('filesystem:/', kinds)).toEqual(['sizeBytes', 'usedBytes']);
  });
});

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
