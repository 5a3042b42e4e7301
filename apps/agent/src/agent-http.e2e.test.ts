import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentMain,
  freePort,
  type RunningAgent,
  removeDir,
  startAgent,
  tempDir,
} from './testing/spawn-agent.js';

const run = promisify(execFile);
const hasPromtool = existsSync('/usr/bin/promtool');

async function promtoolCheck(text: string): Promise<string> {
  const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  child.stdin.end(text);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return `exit ${code}${out.trim() === '' ? '' : `: ${out.trim()}`}`;
}

describe('agent HTTP API (built agent, real /proc)', () => {
  let agent: RunningAgent;
  beforeAll(async () => {
    agent = await startAgent('interval: 500ms\n');
    await agent.waitReady();
  });
  afterAll(async () => {
    await agent.stop();
    await removeDir(agent.dir);
  });

  it('serves Prometheus text with counters from the host', async () => {
    const res = await agent.get('/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(/^arcbox_perf_cpu_seconds_total\{cpu="0",mode="idle"\} \d+(\.\d+)?$/m);
    expect(text).toMatch(/^arcbox_perf_memory_total_bytes \d+$/m);
    expect(text).toMatch(/^arcbox_perf_scrape_collector_success\{collector="system"\} 1$/m);
    expect(text).toMatch(
      /^arcbox_perf_scrape_collector_duration_seconds\{collector="system"\} [\d.e-]+$/m,
    );
    // The agent's own footprint under the standard process_* names, as /proc sees it.
    const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]);
    const status = (await import('node:fs')).readFileSync(
      `/proc/${agent.child.pid}/status`,
      'utf8',
    );
    const procRss = Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    expect(rss).toBeGreaterThan(procRss / 2);
    expect(rss).toBeLessThan(procRss * 2);
    expect(text).toMatch(/^process_cpu_seconds_total [\d.e-]+$/m);
  });

  it.skipIf(!hasPromtool)(
    'passes promtool check metrics on a live scrape (needs Debian prometheus)',
    async () => {
      const text = await (await agent.get('/metrics')).text();
      expect(await promtoolCheck(text)).toBe('exit 0');
    },
  );

  it('serves OpenMetrics when the scraper asks for it', async () => {
    const res = await agent.get('/metrics', {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE arcbox_perf_cpu_seconds counter');
  });

  it('serves a JSON snapshot matching /proc', async () => {
    const res = await agent.get('/api/v1/snapshot');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      system: { cpuCount: number; memoryTotal: number };
      collectors: unknown[];
    };
    const { stdout } = await run('nproc');
    expect(body.system.cpuCount).toBe(Number(stdout.trim()));
    const meminfo = (await import('node:fs')).readFileSync('/proc/meminfo', 'utf8');
    expect(body.system.memoryTotal).toBe(Number(/MemTotal:\s+(\d+)/.exec(meminfo)![1]) * 1024);
  });

  it('lists every process on demand, the agent itself among them, bounded by limit', async () => {
    const all = await agent.get(`/api/v1/processes?sort=mem&limit=1000`);
    expect(all.status).toBe(200);
    const body = (await all.json()) as {
      processes: Array<{ pid: number; residentBytes: number | null; container: string | null }>;
    };
    expect(body.processes.some((p) => p.pid === agent.child.pid)).toBe(true);
    const rss = body.processes.map((p) => p.residentBytes ?? -1);
    expect(rss).toEqual([...rss].sort((a, b) => b - a));
    const three = (await (await agent.get('/api/v1/processes?limit=3')).json()) as {
      processes: unknown[];
    };
    expect(three.processes).toHaveLength(3);
    expect((await agent.get('/api/v1/processes?limit=5000')).status).toBe(400);
  });

  it('answers 404 for processes when the config turns them off', async () => {
    const off = await startAgent('interval: 1s\nsources: { processes: { enabled: false } }\n');
    try {
      await off.waitReady();
      const res = await off.get('/api/v1/processes');
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /processes are off/,
      );
    } finally {
      await off.stop();
    }
  });

  it('answers history queries and names the bad parameter in a 400', async () => {
    const ok = await agent.get(
      '/api/v1/history?series=system&fields=cpuPercent,memoryUsed&from=-5m',
    );
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { timestamps: number[]; values: Record<string, unknown[]> };
    expect(body.timestamps.length).toBeGreaterThan(0);
    expect(Object.keys(body.values)).toEqual(['cpuPercent', 'memoryUsed']);
    const cases: Array<[string, string, RegExp]> = [
      ['/api/v1/history', 'series', /is required/],
      ['/api/v1/history?series=system&from=yesterday', 'from', /"yesterday" is not a time/],
      ['/api/v1/history?series=system&from=2000&to=1000', 'from', /must not be after "to"/],
      ['/api/v1/history?series=system&step=0', 'step', /not a positive duration/],
      // Finer than the sample interval: once 108 MB and seconds of stalled sampling, or a 500.
      [
        '/api/v1/history?series=system&step=0.0625ms&from=-70s',
        'step',
        /finer than history keeps: at least 500ms/,
      ],
      ['/api/v1/history?series=system&step=0.3ms', 'step', /finer than history keeps/],
      ['/api/v1/history?series=system&fields=cpuPrecent', 'fields', /cpuPrecent/],
      ['/api/v1/history?series=container:none', 'series', /container:none/],
      [
        '/api/v1/history?series=system&aggregation=median',
        'aggregation',
        /must be one of avg, min, max, last/,
      ],
      ['/api/v1/history?series=system&colour=red', 'colour', /unknown parameter/],
    ];
    for (const [path, parameter, message] of cases) {
      const res = await agent.get(path);
      expect(res.status, path).toBe(400);
      const { error } = (await res.json()) as { error: { parameter: string; message: string } };
      expect(error.parameter, path).toBe(parameter);
      expect(error.message, path).toMatch(message);
    }
  });

  it('streams each sample as a Server-Sent Event', async () => {
    const controller = new AbortController();
    const res = await agent.get('/api/v1/stream', { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const decoder = new TextDecoder();
    // The latest sample at once, then a new one per interval (500 ms here).
    while ((text.match(/^event: sample$/gm) ?? []).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    // Sample events only: the alerts come on the same stream.
    const events = [...text.matchAll(/^event: sample\ndata: (.*)$/gm)].map(
      (m) => JSON.parse(m[1]!) as { time: number; system: { cpuCount: number } },
    );
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[1]!.time).toBeGreaterThan(events[0]!.time);
    expect(events[0]!.system.cpuCount).toBeGreaterThan(0);
  });

  it('sends two stream clients the same sample events', async () => {
    const read = async (signal: AbortSignal) => {
      const res = await agent.get('/api/v1/stream', { signal });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while ((text.match(/^event: sample$/gm) ?? []).length < 3) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      return new Map(
        [...text.matchAll(/^event: sample\ndata: (.*)$/gm)].map((m) => [
          (JSON.parse(m[1]!) as { time: number }).time,
          m[1],
        ]),
      );
    };
    const controller = new AbortController();
    const [a, b] = await Promise.all([read(controller.signal), read(controller.signal)]);
    controller.abort();
    const common = [...a.keys()].filter((t) => b.has(t));
    expect(common.length).toBeGreaterThanOrEqual(1);
    for (const t of common) expect(b.get(t)).toBe(a.get(t));
  });

  it('answers health probes and JSON errors', async () => {
    expect((await agent.get('/healthz')).status).toBe(200);
    expect(await (await agent.get('/readyz')).json()).toEqual({ status: 'ready' });
    expect((await agent.get('/constructor')).status).toBe(404);
    expect((await agent.get('/__proto__')).status).toBe(404);
    const missing = await agent.get('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { status: 404, message: 'no such path: /nope' },
    });
    const post = await agent.get('/metrics', { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('agent start-up checks', () => {
  it('requires a token when listening off loopback, and never listens without one', async () => {
    const port = await freePort();
    const result = await run(process.execPath, [agentMain, '--listen', `0.0.0.0:${port}`]).catch(
      (e) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/listening on 0\.0\.0\.0 needs a bearer token/);
  });

  it('enforces the bearer token when one is set', async () => {
    const agent = await startAgent('authToken: s3cret\ninterval: 1s\n');
    try {
      await agent.waitForOutput((t) => t.includes('listening on'));
      const denied = await agent.get('/metrics');
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(
        (await agent.get('/metrics', { headers: { authorization: 'Bearer wrong' } })).status,
      ).toBe(401);
      expect(
        (await agent.get('/metrics', { headers: { authorization: 'Bearer s3cret' } })).status,
      ).toBe(200);
      expect((await agent.get('/healthz?token=s3cret')).status).toBe(200);
      // The dashboard's files load without it (they hold no data); its API calls carry the header.
      expect((await agent.get('/')).status).toBe(200);
      expect((await agent.get('/uPlot.iife.min.js')).status).toBe(200);
      expect((await agent.get('/api/v1/snapshot')).status).toBe(401);
    } finally {
      await agent.stop();
      await removeDir(agent.dir);
    }
  });

  it('--check-config accepts a good file and names file, line, key and problem in a bad one', async () => {
    const dir = await tempDir();
    try {
      const good = join(dir, 'good.yaml');
      await writeFile(good, 'interval: 2s\n');
      const ok = await run(process.execPath, [agentMain, '--config', good, '--check-config']);
      expect(ok.stdout).toBe(`${good}: ok\n`);
      const cases: Array<[string, string, RegExp]> = [
        [
          'types.yaml',
          'interval: 1s\nhistory:\n  persist: "no"\n',
          /types\.yaml:3: history\.persist: must be true or false/,
        ],
        [
          'unknown.json',
          '{\n  "interval": "1s",\n  "colour": "red"\n}\n',
          /unknown\.json:3: colour: unknown key/,
        ],
        [
          'impossible.yaml',
          'sources:\n  system:\n    timeout: 5m\n',
          /impossible\.yaml:3: sources\.system\.timeout: must be at most 60000 ms/,
        ],
        ['syntax.json', '{\n  "interval": "1s",\n}', /syntax\.json:3: not valid JSON/],
      ];
      for (const [name, text, expected] of cases) {
        const file = join(dir, name);
        await writeFile(file, text);
        const bad = await run(process.execPath, [
          agentMain,
          '--config',
          file,
          '--check-config',
        ]).catch((e) => e);
        expect(bad.code, name).toBe(2);
        expect(bad.stderr, name).toMatch(expected);
      }
      const absent = await run(process.execPath, [
        agentMain,
        '--config',
        join(dir, 'absent.yaml'),
        '--check-config',
      ]).catch((e) => e);
      expect(absent.stderr).toMatch(/absent\.yaml: cannot read the config file: ENOENT/);
    } finally {
      await removeDir(dir);
    }
  });

  it('exits cleanly on SIGTERM, within its own shutdown deadline', async () => {
    const agent = await startAgent('interval: 1s\n');
    await agent.waitReady();
    // Exit code 0 means it finished before its own 5 s shutdown deadline (which exits with 1).
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(agent.output()).toContain('SIGTERM: flushing and exiting');
    expect(agent.output()).not.toContain('shutdown took too long');
    await removeDir(agent.dir);
  });
});
