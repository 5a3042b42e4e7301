import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningAgent, removeDir, startAgent, tempDir } from './testing/spawn-agent.js';

interface History {
  timestamps: number[];
  values: Record<string, Array<number | null>>;
}

const firingLines = (agent: RunningAgent) =>
  agent.output().match(/alert firing: \w+ rule=forced-memory/g) ?? [];

/** Sends SIGHUP and waits for the agent to say how the reload went. */
async function reload(agent: RunningAgent, config: string): Promise<string> {
  const before = agent.output().length;
  await writeFile(agent.configFile, config);
  agent.child.kill('SIGHUP');
  await agent.waitForOutput((t) => /reloaded|reload failed/.test(t.slice(before)));
  return agent.output().slice(before);
}

describe('SIGHUP reloads are invisible to alerts and history (built agent, real /proc)', () => {
  it('keeps firing alerts firing without a new notification, and leaves no gap in the rates', async () => {
    const rule =
      'rules:\n  - { name: forced-memory, metric: system.memoryTotal, comparison: ">", warn: 1 }\n';
    const agent = await startAgent(`interval: 250ms\n${rule}`);
    try {
      await agent.waitReady();
      await agent.waitForOutput((t) => t.includes('alert firing: warning rule=forced-memory'));
      const alertsBefore = (await (await agent.get('/api/v1/alerts')).json()) as {
        alerts: Array<{ rule: string; since: number; state: string }>;
      };
      const since = alertsBefore.alerts.find((a) => a.rule === 'forced-memory')!.since;
      await new Promise((r) => setTimeout(r, 1000));

      // New interval and new sources: the monitor is reconfigured, not replaced.
      const said = await reload(
        agent,
        `listen: 127.0.0.1:${agent.port}\nstateDir: ${JSON.stringify(join(agent.dir, 'state'))}\ninterval: 500ms\nsources: { vms: { enabled: false } }\n${rule}`,
      );
      expect(said).toMatch(/reloaded /);
      await new Promise((r) => setTimeout(r, 2500));

      expect(firingLines(agent)).toHaveLength(1);
      const alertsAfter = (await (await agent.get('/api/v1/alerts')).json()) as typeof alertsBefore;
      expect(alertsAfter.alerts).toContainEqual(
        expect.objectContaining({ rule: 'forced-memory', state: 'firing', since }),
      );
      const res = await agent.get('/api/v1/history?series=system&fields=cpuPercent&from=-5m');
      const history = (await res.json()) as History;
      const cpu = history.values.cpuPercent!;
      expect(cpu.length).toBeGreaterThan(8);
      // Only the very first reading has no rate; the reload leaves no null behind.
      expect(cpu.slice(1).filter((v) => v === null)).toEqual([]);
      // The new sources are in force: VMs are no longer collected.
      const metrics = await (await agent.get('/metrics')).text();
      expect(metrics).not.toMatch(/collector="vms"/);
      expect(metrics).toMatch(/^arcbox_perf_scrape_collector_success\{collector="system"\} 1$/m);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });
});

describe('SIGHUP cannot weaken what protects the running agent', () => {
  it('keeps the token while the socket stays on 0.0.0.0, whatever the new file says', async () => {
    const agent = await startAgent('authToken: k-live-7\ninterval: 500ms\n', {
      listenHost: '0.0.0.0',
    });
    const auth = { headers: { authorization: 'Bearer k-live-7' } };
    try {
      await agent.waitForOutput((t) => t.includes('listening on http://0.0.0.0'));
      expect((await agent.get('/api/v1/snapshot')).status).toBe(401);
      // The file now listens on loopback (a restart would) and has no token.
      const said = await reload(agent, `listen: 127.0.0.1:${agent.port}\ninterval: 500ms\n`);
      expect(said).toMatch(
        /reload failed, keeping the running config: the agent listens on 0\.0\.0\.0 until it restarts and needs a bearer token there/,
      );
      expect((await agent.get('/api/v1/snapshot')).status).toBe(401);
      expect((await agent.get('/healthz', auth)).status).toBe(200);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });

  it('never writes a token in the log of a failed reload', async () => {
    const agent = await startAgent('authToken: k-first-1\ninterval: 500ms\n');
    try {
      await agent.waitForOutput((t) => t.includes('listening on'));
      const said = await reload(
        agent,
        `listen: 127.0.0.1:${agent.port}\nauthToken: 918273645546\ninterval: 500ms\n`,
      );
      expect(said).toMatch(/reload failed.*authToken: must be a string, found a number/);
      expect(agent.output()).not.toContain('918273645546');
      expect(agent.output()).not.toContain('k-first-1');
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });

  it('keeps /healthz answering while a 7.5 MB config is refused', async () => {
    const agent = await startAgent('interval: 250ms\n');
    try {
      await agent.waitReady();
      const huge = `listen: 127.0.0.1:${agent.port}\nsources:\n  containers:\n    paths:\n${'      - "/a/really/long/cgroup/path/that/repeats/over/and/over"\n'.repeat(130_000)}`;
      expect(huge.length).toBeGreaterThan(7.5e6);
      await writeFile(agent.configFile, huge);
      const before = agent.output().length;
      agent.child.kill('SIGHUP');
      let slowest = 0;
      const end = Date.now() + 3000;
      while (Date.now() < end) {
        const started = performance.now();
        const res = await agent.get('/healthz');
        expect(res.status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
      await agent.waitForOutput((t) => t.slice(before).includes('reload failed'));
      expect(agent.output().slice(before)).toMatch(
        /reload failed, keeping the running config: .*agent\.yaml: cannot read the config file: \d+ bytes; at most 1048576 are read/,
      );
      expect(slowest).toBeLessThan(1000);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });
});

describe('SIGHUP reads the config off the main thread', () => {
  it('keeps /healthz answering while a config just under 1 MiB is parsed', async () => {
    const agent = await startAgent('interval: 250ms\n');
    try {
      await agent.waitReady();
      // About a second of YAML parsing on this machine when done on the main thread.
      const paths = Array.from({ length: 100_000 }, (_, i) => `"/p${i}"`).join(',');
      const big = `listen: 127.0.0.1:${agent.port}\nsources:\n  containers:\n    paths: [${paths}]\n`;
      expect(big.length).toBeLessThan(1024 * 1024);
      await writeFile(agent.configFile, big);
      const before = agent.output().length;
      agent.child.kill('SIGHUP');
      let slowest = 0;
      while (!agent.output().slice(before).includes('reload failed')) {
        const started = performance.now();
        expect((await agent.get('/healthz')).status).toBe(200);
        slowest = Math.max(slowest, performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(agent.output().slice(before)).toMatch(
        /agent\.yaml:4: sources\.containers\.paths: must hold at most 1000 items/,
      );
      expect(slowest).toBeLessThan(1000);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });
});

describe('shutdown while a webhook receiver hangs', () => {
  it('exits with 0 within its deadline, without piling up abort listeners', async () => {
    let requests = 0;
    const receiver = createServer(() => {
      requests += 1; // and never answers
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // Twelve rules firing at once: twelve deliveries in flight on one shutdown signal.
    const rules = Array.from(
      { length: 12 },
      (_, i) =>
        `  - { name: hang-${i}, metric: system.memoryTotal, comparison: ">", warn: ${i + 1} }`,
    ).join('\n');
    const agent = await startAgent(
      `interval: 250ms\nrules:\n${rules}\nnotifications:\n  webhooks: [{ url: "${url}", timeout: 60s, retries: 5, backoff: 1s }]\n`,
    );
    try {
      await agent.waitReady();
      const end = Date.now() + 20_000;
      while (requests < 12 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(requests).toBe(12);
      const started = performance.now();
      expect(await agent.stop('SIGTERM')).toBe(0);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(agent.output()).not.toContain('shutdown took too long');
      expect(agent.output()).not.toContain('MaxListenersExceededWarning');
      expect(agent.output()).toMatch(/12 webhook delivery\(ies\) abandoned at shutdown/);
    } finally {
      await agent.stop();
      receiver.closeAllConnections();
      receiver.close();
      await removeDir(agent.dir);
    }
  });
});

describe('the token never shows on the command line', () => {
  it('--token-file keeps it out of /proc/<pid>/cmdline', async () => {
    const dir = await tempDir();
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, 'k-from-file-42\n');
    const agent = await startAgent('interval: 500ms\n', {
      dir,
      args: ['--token-file', tokenFile],
      listenHost: '0.0.0.0',
    });
    try {
      await agent.waitForOutput((t) => t.includes('listening on'));
      const cmdline = readFileSync(`/proc/${agent.child.pid}/cmdline`, 'utf8');
      expect(cmdline).toContain('--token-file');
      expect(cmdline).not.toContain('k-from-file-42');
      expect((await agent.get('/api/v1/alerts')).status).toBe(401);
      const ok = await agent.get('/api/v1/alerts', {
        headers: { authorization: 'bearer k-from-file-42' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await agent.stop();
      await removeDir(dir);
    }
  });
});
