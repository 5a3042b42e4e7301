import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  agentMain,
  freePort,
  type RunningAgent,
  removeDir,
  startAgent,
  tempDir,
} from './testing/spawn-agent.js';
import { isRoot } from './testing/test-cgroup.js';

const run = promisify(execFile);

interface Ready {
  status: string;
  history?: { available: boolean; reason: string };
}

const readyz = async (agent: RunningAgent) => (await (await agent.get('/readyz')).json()) as Ready;

/** Runs the built agent to its exit, with its own deadline, and says how long it took. */
async function runToExit(args: string[], options: { uid?: number; env?: NodeJS.ProcessEnv } = {}) {
  const started = performance.now();
  const result = await run(process.execPath, [agentMain, ...args], {
    timeout: 15_000,
    env: { ...process.env, ...options.env },
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr, killed: false }),
    (e: { code: number; stdout: string; stderr: string; killed: boolean }) => e,
  );
  return { ...result, ms: performance.now() - started };
}

describe('history file problems never stop the agent (built agent, real files)', () => {
  const config = 'interval: 250ms\nhistory: { flushInterval: 1s }\n';

  it('starts past a FIFO where history.sqlite should be, naming it', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state', 'history.sqlite');
    await mkdir(join(dir, 'state'));
    execFileSync('mkfifo', [file]);
    const agent = await startAgent(config, { dir });
    try {
      // Opening a FIFO blocks until a writer comes (forever here): the agent must not even try.
      await agent.waitReady();
      const ready = await readyz(agent);
      expect(ready.history?.reason).toContain(`history file ${file} unavailable: it is a FIFO`);
      expect((await agent.get('/api/v1/snapshot')).status).toBe(200);
      expect(await agent.stop()).toBe(0);
    } finally {
      await agent.stop();
      await removeDir(dir);
    }
  });

  it('names the path when history.sqlite is a directory', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state', 'history.sqlite');
    await mkdir(file, { recursive: true });
    const agent = await startAgent(config, { dir });
    try {
      await agent.waitReady();
      expect((await readyz(agent)).history?.reason).toContain(
        `history file ${file} unavailable: it is a directory`,
      );
      expect(agent.output()).toContain(`history file ${file} unavailable`);
    } finally {
      await agent.stop();
      await removeDir(dir);
    }
  });

  it.skipIf(!isRoot)(
    'keeps serving when flushes fail on a full disk, and exits cleanly (needs root for a tmpfs)',
    async () => {
      const dir = await tempDir();
      const state = join(dir, 'state');
      await mkdir(state);
      await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', state]);
      let agent: RunningAgent | null = null;
      try {
        agent = await startAgent('interval: 100ms\nhistory: { flushInterval: 200ms }\n', { dir });
        await agent.waitReady();
        // Fill what is left of the filesystem: the next flush cannot write.
        await writeFile(join(state, 'filler'), '');
        for (const size of [64 * 1024, 4096, 512, 1]) {
          for (;;) {
            const ok = await appendFile(join(state, 'filler'), Buffer.alloc(size)).then(
              () => true,
              () => false,
            );
            if (!ok) break;
          }
        }
        const a = agent;
        await a.waitForOutput(
          (t) => /flushing history to .*history\.sqlite failed/.test(t),
          15_000,
        );
        const ready = await readyz(a);
        expect(ready.status).toBe('ready');
        expect(ready.history?.reason).toMatch(/history\.sqlite/);
        expect((await a.get('/metrics')).status).toBe(200);
        expect((await a.get('/api/v1/snapshot')).status).toBe(200);
        // The final flush fails too: said in the log, and the exit is still clean.
        expect(await a.stop('SIGTERM')).toBe(0);
        expect(a.output()).not.toContain('shutdown took too long');
      } finally {
        await agent?.stop();
        await run('umount', ['-l', state]).catch(() => undefined);
        await removeDir(dir);
      }
    },
  );
});

describe('the state directory', () => {
  it('fails fast with a clear error where directories cannot be made (/proc)', async () => {
    const port = await freePort();
    const result = await runToExit([
      '--listen',
      `127.0.0.1:${port}`,
      '--state-dir',
      '/proc/nope/x',
    ]);
    expect(result.killed).toBe(false);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /state directory \/proc\/nope\/x: cannot create \/proc\/nope: .*; choose another with --state-dir DIR or stateDir: in the config/,
    );
  });

  it.skipIf(!isRoot)(
    'tells a user without rights that it is the state directory and how to choose another',
    async () => {
      const parent = `/var/lib/arcbox-perf-test-${process.pid}`;
      await mkdir(parent, { mode: 0o755 });
      try {
        const port = await freePort();
        // nobody (65534) may not write under a root-owned 0755 directory.
        const result = await runToExit(
          ['--listen', `127.0.0.1:${port}`, '--state-dir', `${parent}/state`],
          {
            uid: 65534,
            env: { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: '' },
          },
        );
        expect(result.code).toBe(2);
        expect(result.stderr).toContain(
          `state directory ${parent}/state: cannot create ${parent}/state: EACCES`,
        );
        expect(result.stderr).toContain(
          'choose another with --state-dir DIR or stateDir: in the config (the default for this user is /nonexistent/.local/state/arcbox-perf)',
        );
        expect(existsSync(`${parent}/state`)).toBe(false);
      } finally {
        await rm(parent, { recursive: true, force: true });
      }
    },
  );

  it('--help names the default state directory and warns about --token', async () => {
    const { stdout } = await run(process.execPath, [agentMain, '--help'], {
      env: { ...process.env, XDG_STATE_HOME: '/srv/state' },
    });
    expect(stdout).toMatch(
      /--state-dir DIR +where history is kept \(default for this user: \/srv\/state\/arcbox-perf\)/,
    );
    expect(stdout).toMatch(/--token-file FILE/);
    expect(stdout).toMatch(/\/proc\/<pid>\/cmdline/);
  });
});
