import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDir, startAgent, tempDir } from './testing/spawn-agent.js';
import {
  canMakeCgroups,
  createTestCgroup,
  isCgroupV2,
  type TestCgroup,
} from './testing/test-cgroup.js';

interface History {
  timestamps: number[];
  values: Record<string, Array<number | null>>;
}

const config = 'interval: 250ms\nhistory: { flushInterval: 1s }\n';

async function systemHistory(
  agent: { get(path: string, init?: RequestInit): Promise<Response> },
  init?: RequestInit,
): Promise<History> {
  const res = await agent.get(
    '/api/v1/history?series=system&fields=memoryUsed,cpuPercent&from=-10m',
    init,
  );
  expect(res.status).toBe(200);
  return (await res.json()) as History;
}

describe('history across restarts (built agent, real /proc, state dir on disk)', () => {
  it('keeps every sample across a SIGTERM restart', async () => {
    const dir = await tempDir();
    try {
      const first = await startAgent(config, { dir });
      await first.waitReady();
      await new Promise((r) => setTimeout(r, 2000));
      const before = await systemHistory(first);
      expect(before.timestamps.length).toBeGreaterThan(3);
      expect(await first.stop('SIGTERM')).toBe(0);

      const second = await startAgent(config, { dir, port: first.port });
      await second.waitReady();
      const after = await systemHistory(second);
      await second.stop();
      // Every sample seen before the stop is still there, with the same values.
      for (const [i, t] of before.timestamps.entries()) {
        const j = after.timestamps.indexOf(t);
        expect(j, `sample at ${t}`).toBeGreaterThanOrEqual(0);
        expect(after.values.memoryUsed![j]).toBe(before.values.memoryUsed![i]);
      }
      expect(second.output()).toMatch(/history: [1-9]\d* series loaded from .*history\.sqlite/);
    } finally {
      await removeDir(dir);
    }
  });

  it('loses at most one flush interval on SIGKILL', async () => {
    const dir = await tempDir();
    try {
      const first = await startAgent(config, { dir });
      await first.waitReady();
      await new Promise((r) => setTimeout(r, 3500));
      const before = await systemHistory(first);
      await first.stop('SIGKILL');
      const newestBefore = before.timestamps.at(-1)!;

      const second = await startAgent(config, { dir, port: first.port });
      await second.waitReady();
      const after = await systemHistory(second);
      await second.stop();
      const restored = after.timestamps.filter((t) => t <= newestBefore);
      // Flushes every 1 s: what is lost is at most that interval, plus the sample in flight and
      // the lateness of a timer on a loaded machine (without periodic flushes nothing survives).
      expect(restored.at(-1)!).toBeGreaterThanOrEqual(newestBefore - 1000 - 250 - 500);
      expect(restored.length).toBeGreaterThanOrEqual(before.timestamps.length - 5);
      // And the samples that survived are the ones taken, not re-made.
      expect(restored.every((t) => before.timestamps.includes(t))).toBe(true);
    } finally {
      await removeDir(dir);
    }
  });

  it('reloads the config on SIGHUP (interval, token), keeping history, and keeps running on a bad edit', async () => {
    const agent = await startAgent(config);
    try {
      await agent.waitReady();
      await new Promise((r) => setTimeout(r, 1500));
      const before = await systemHistory(agent);
      await writeFile(
        agent.configFile,
        `listen: 127.0.0.1:${agent.port}\ninterval: 1s\nhistory: { persist: false }\nauthToken: rotated\n`,
      );
      agent.child.kill('SIGHUP');
      await agent.waitForOutput((t) => t.includes('reloaded'));
      // The file no longer names the state dir, and history settings changed: both wait for a restart.
      expect(agent.output()).toContain('changed stateDir, history: takes effect on restart');
      // The token takes effect at once.
      expect((await agent.get('/api/v1/snapshot')).status).toBe(401);
      const auth = { headers: { authorization: 'Bearer rotated' } };
      await new Promise((r) => setTimeout(r, 2500));
      const after = await systemHistory(agent, auth);
      expect(after.timestamps.slice(0, before.timestamps.length)).toEqual(before.timestamps);
      // The new interval is in force: the last samples are about a second apart.
      const gaps = after.timestamps
        .slice(-3)
        .map((t, i, a) => (i === 0 ? 0 : t - a[i - 1]!))
        .slice(1);
      for (const gap of gaps) expect(gap).toBeGreaterThan(700);

      await writeFile(agent.configFile, 'interval: soon\n');
      agent.child.kill('SIGHUP');
      await agent.waitForOutput((t) => t.includes('reload failed'));
      expect(agent.output()).toMatch(
        /reload failed, keeping the running config: .*agent\.yaml:1: interval: "soon" is not a duration/,
      );
      expect((await agent.get('/healthz', auth)).status).toBe(200);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });

  it('refuses a history file that is not its own, leaves it untouched and keeps serving', async () => {
    const dir = await tempDir();
    try {
      await mkdir(join(dir, 'state'), { recursive: true });
      const file = join(dir, 'state', 'history.sqlite');
      await writeFile(file, 'not a database\n');
      const agent = await startAgent(config, { dir });
      try {
        // A history problem never stops the agent: it samples and serves, history in memory.
        await agent.waitReady();
        const ready = (await (await agent.get('/readyz')).json()) as {
          status: string;
          history?: { available: boolean; reason: string };
        };
        expect(ready.status).toBe('ready');
        expect(ready.history?.available).toBe(false);
        expect(ready.history?.reason).toContain(file);
        expect(ready.history?.reason).toMatch(/not a SQLite database/);
        expect(agent.output()).toContain(`history file ${file} unavailable`);
        expect((await agent.get('/metrics')).status).toBe(200);
        await new Promise((r) => setTimeout(r, 600));
        expect((await systemHistory(agent)).timestamps.length).toBeGreaterThan(0);
        expect(await agent.stop('SIGTERM')).toBe(0);
      } finally {
        await agent.stop();
      }
      expect(await readFile(file, 'utf8')).toBe('not a database\n');
    } finally {
      await removeDir(dir);
    }
  });
});

describe.skipIf(!canMakeCgroups)(
  'lifecycle events across restarts (built agent, a real OOM kill in a cgroup made here; needs root)',
  () => {
    it('lists the OOM kill after a SIGTERM restart, read back from the history file', async () => {
      const dir = await tempDir();
      const cgroup = await createTestCgroup(`arcbox-oom-${process.pid}`);
      try {
        const limit = 64 * 2 ** 20;
        await setMemoryLimit(cgroup, limit);
        const eventsConfig = [
          'interval: 250ms',
          'history: { flushInterval: 1s }',
          'sources:',
          '  containers:',
          '    discover: false',
          `    paths: ["${cgroup.path}"]`,
          '',
        ].join('\n');
        const first = await startAgent(eventsConfig, { dir });
        await first.waitReady();
        // A process that allocates until the kernel's OOM killer ends it.
        const child = await cgroup.run(
          `exec "${process.execPath}" -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"`,
        );
        await new Promise((resolve) => child.once('exit', resolve));
        expect(child.signalCode).toBe('SIGKILL');
        const oom = await waitFor(async () => {
          const { events } = await eventsOf(first);
          return events.find((e) => e.type === 'oom-kill');
        }, 'the OOM kill event');
        expect(oom).toMatchObject({ kind: 'container', id: cgroup.path, memoryLimit: limit });
        expect(await first.stop('SIGTERM')).toBe(0);

        const second = await startAgent(eventsConfig, { dir, port: first.port });
        await second.waitReady();
        const { events } = await eventsOf(second);
        await second.stop();
        expect(events.filter((e) => e.type === 'oom-kill')).toEqual([oom]);
      } finally {
        await cgroup.remove();
        await removeDir(dir);
      }
    });
  },
);

interface ListedEvent {
  type: string;
  kind: string;
  id: string;
  memoryLimit: number | null;
}

async function eventsOf(agent: {
  get(path: string): Promise<Response>;
}): Promise<{ events: ListedEvent[] }> {
  const res = await agent.get('/api/v1/events?since=-1h');
  expect(res.status).toBe(200);
  return (await res.json()) as { events: ListedEvent[] };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** memory.max (v2) or memory.limit_in_bytes (v1), with no swap to spill into. */
async function setMemoryLimit(cgroup: TestCgroup, bytes: number): Promise<void> {
  for (const dir of cgroup.dirs) {
    if (isCgroupV2) {
      await writeFile(join(dir, 'memory.max'), String(bytes));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    } else if (dir.includes('/memory/')) {
      await writeFile(join(dir, 'memory.limit_in_bytes'), String(bytes));
      await writeFile(join(dir, 'memory.memsw.limit_in_bytes'), String(bytes)).catch(
        () => undefined,
      );
    }
  }
}
