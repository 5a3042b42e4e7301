import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeContainerMetrics, createCollectorRegistry, PerfError } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient } from './docker-client.js';
import { createDockerContainerCollector } from './docker-container-collector.js';
import { dockerPreviousReading, dockerStatsToReading } from './docker-stats-to-reading.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), 'utf8');
const signal = new AbortController().signal;
const id = (c: string) => c.repeat(64);

// Real payloads per container id; /version, /info and /containers/json are CONSTRUCTED here
// (no real Docker capture of them exists in the fixtures), shaped as Docker 24 answers them.
const dockerStats: Record<string, string> = {
  [id('a')]: fixture('docker/otel_dockerstatsreceiver/single_container_cgroupv1_stats.json'),
  [id('b')]: fixture('docker/otel_dockerstatsreceiver/cgroups_v2_stats.json'),
  [id('c')]: fixture('docker/moby_api_docs/containers_stats_v1.24_example.json'),
  [id('d')]: '{"read": "2024-01-01T00:00:00Z", "cpu_stats": {', // malformed: truncated JSON
};
const constructedVersion = {
  Version: '24.0.7',
  ApiVersion: '1.43',
  Os: 'linux',
  Components: [{ Name: 'Engine', Version: '24.0.7' }],
};
const constructedInfo = { NCPU: 8, MemTotal: 16 * 2 ** 30 };
const constructedList = ['a', 'b', 'c', 'd', 'e'].map((c, i) => ({
  Id: id(c),
  Names: [`/ctr-${c}`],
  State: 'running',
  Labels: { n: String(i) },
}));

interface Replay {
  socket: string;
  server: Server;
  peakStats: number;
}

function startReplay(dir: string, name: string, engine: 'docker' | 'podman'): Promise<Replay> {
  const socket = join(dir, `${name}.sock`);
  const replay: Replay = { socket, server: createServer(), peakStats: 0 };
  let inFlight = 0;
  replay.server.on('request', (req, res) => {
    const url = req.url ?? '';
    const json = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    if (url === '/version')
      return json(
        200,
        engine === 'podman'
          ? fixture('podman/podman_v1.41_version.json')
          : JSON.stringify(constructedVersion),
      );
    if (url === '/info')
      return engine === 'podman'
        ? json(500, '{"message":"no info here"}')
        : json(200, JSON.stringify(constructedInfo));
    if (url === '/containers/json') {
      return json(
        200,
        engine === 'podman'
          ? fixture('podman/podman_v1.41_containers_json.json')
          : JSON.stringify(constructedList),
      );
    }
    if (url === '/hang/stats') return; // never answers
    if (engine === 'podman' && url.startsWith('/containers/fcd75d4e') && url.endsWith('/json')) {
      return json(200, fixture('podman/podman_v1.41_container_inspect.json'));
    }
    const m = /^\/containers\/([^/]+)\/stats\?stream=false&one-shot=true$/.exec(url);
    if (!m?.[1]) return json(404, '{"message":"page not found"}');
    const cid = m[1];
    inFlight += 1;
    replay.peakStats = Math.max(replay.peakStats, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      if (cid === id('f')) return json(500, '{"message":"container stats failed: boom"}');
      if (engine === 'podman') {
        if (cid.startsWith('fcd75d4e'))
          return json(200, fixture('podman/podman_v1.41_stats_oneshot.json'));
        if (cid === 'created') return json(200, ''); // podman: created, not started
        res.writeHead(404, { 'Content-Length': '0' }); // podman: unknown id, empty body
        return res.end();
      }
      const body = dockerStats[cid];
      if (body === undefined) return json(404, `{"message":"No such container: ${cid}"}`);
      return json(200, body);
    }, 20);
  });
  return new Promise((resolve) => replay.server.listen(socket, () => resolve(replay)));
}

describe('Docker Engine API client against a replay of real payloads on a unix socket', () => {
  let dir: string;
  let docker: Replay;
  let podman: Replay;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'arcbox-docker-replay-'));
    docker = await startReplay(dir, 'docker', 'docker');
    podman = await startReplay(dir, 'podman', 'podman');
  });
  afterAll(async () => {
    await Promise.all([docker, podman].map((r) => new Promise((done) => r.server.close(done))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('detects Docker, lists containers, and one-shot stats give the documented CPU % and working set', async () => {
    const client = createDockerClient({ socketPath: docker.socket });
    expect(await client.engine({ signal })).toBe('docker');
    const list = await client.listContainers({ signal });
    expect(list.map((c) => c.name)).toEqual(['ctr-a', 'ctr-b', 'ctr-c', 'ctr-d', 'ctr-e']);

    const stats = await client.stats(id('c'), { signal });
    expect(stats).not.toBeNull();
    if (!stats) return;
    const current = dockerStatsToReading(stats, {
      engine: 'docker',
      id: id('c'),
      name: 'ctr-c',
      stamp: { monotonicMs: 10_000, time: 0 },
    });
    const m = computeContainerMetrics(dockerPreviousReading(stats, current), current);
    // moby's v1.24 example: (100215355 - 100093996) / (739306590000000 - 9492140000000) x 4 CPUs x 100
    expect(m.cpuPercent).toBeCloseTo(
      ((100215355 - 100093996) / (739306590000000 - 9492140000000)) * 4 * 100,
      12,
    );
    expect(m.memoryUsed).toBe(6537216);
    expect(m.memoryLimit).toBe(67108864);
    expect(m.netRxBytes).toBe(5338 + 4641);
  });

  it('the collector reads every container, limits concurrency, and isolates a malformed payload', async () => {
    const client = createDockerClient({ socketPath: docker.socket, concurrency: 2 });
    const collector = createDockerContainerCollector({
      client,
      clock: () => ({ monotonicMs: 1, time: 2 }),
    });
    const readings = await collector.collect({ signal });
    // e is listed but its stats answer 404: gone between list and stats, its series ends.
    expect(readings.map((r) => r.name)).toEqual(['ctr-a', 'ctr-b', 'ctr-c', 'ctr-d']);
    expect(docker.peakStats).toBeLessThanOrEqual(2);
    const a = readings[0];
    expect(a).toMatchObject({
      source: 'docker-api',
      runtime: 'docker',
      memoryWorkingSet: 2887680 - 2162688,
      memoryLimit: null,
      hostMemoryTotal: 16 * 2 ** 30,
      labels: { n: '0' },
    });
    const b = readings[1];
    expect(b?.memoryWorkingSet).toBe(234647552);
    expect(b?.memoryLimit).toBe(268435456);
    const d = readings[3];
    expect(d?.cpuSeconds).toBeNull();
    expect(d?.problems[0]?.code).toBe('PARSE_ERROR');
    expect(d?.problems[0]?.message).toMatch(/malformed JSON/);
  });

  it('an engine error names the engine\u2019s message; an unknown id is null, not an error', async () => {
    const client = createDockerClient({ socketPath: docker.socket });
    await expect(client.stats(id('f'), { signal })).rejects.toThrow(
      /HTTP 500: container stats failed: boom/,
    );
    expect(await client.stats(id('9'), { signal })).toBeNull();
    await expect(client.stats('../../etc', { signal })).rejects.toSatisfy(
      (e) => PerfError.isInstance(e) && e.code === 'INVALID_ARGUMENT',
    );
  });

  it('a hung request times out and a caller can abort', async () => {
    const client = createDockerClient({ socketPath: docker.socket, timeoutMs: 150 });
    const { unixHttpGet } = await import('./unix-http-get.js');
    await expect(unixHttpGet(docker.socket, '/hang/stats', { timeoutMs: 150 })).rejects.toSatisfy(
      (e) => PerfError.isInstance(e) && e.code === 'TIMEOUT',
    );
    const controller = new AbortController();
    const pending = unixHttpGet(docker.socket, '/hang/stats', {
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toSatisfy((e) => PerfError.isInstance(e) && e.code === 'ABORTED');
    expect(await client.engine({ signal })).toBe('docker');
  });

  it('honours DOCKER_HOST', async () => {
    const client = createDockerClient({ env: { DOCKER_HOST: `unix://${docker.socket}` } });
    expect(client.socketPath).toBe(docker.socket);
    expect((await client.listContainers({ signal })).length).toBe(5);
  });

  it('in a registry, an engine that does not answer fails its own collector only', async () => {
    const registry = createCollectorRegistry({
      collectors: {
        docker: createDockerContainerCollector({
          client: createDockerClient({ socketPath: join(dir, 'nobody.sock') }),
        }),
        podman: createDockerContainerCollector({
          client: createDockerClient({ socketPath: podman.socket }),
        }),
      },
      timeoutMs: 5000,
    });
    const run = await registry.run({ signal });
    expect(run.docker?.ok).toBe(false);
    expect(run.docker?.ok === false && run.docker.error.code).toBe('CONNECTION_ERROR');
    expect(run.podman?.ok && run.podman.value.map((r) => r.name)).toEqual(['ctlab-web']);
    await registry.close();
  });

  it('an engine that does not answer fails that source only, with CONNECTION_ERROR', async () => {
    const collector = createDockerContainerCollector({
      client: createDockerClient({ socketPath: join(dir, 'nobody.sock') }),
    });
    await expect(collector.collect({ signal })).rejects.toSatisfy(
      (e) => PerfError.isInstance(e) && e.code === 'CONNECTION_ERROR',
    );
  });

  it('detects podman from /version and corrects its stats (real podman 4.3.1 payloads)', async () => {
    const client = createDockerClient({ socketPath: podman.socket });
    expect(await client.engine({ signal })).toBe('podman');
    const [r, ...rest] = await createDockerContainerCollector({ client }).collect({ signal });
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({
      name: 'ctlab-web',
      runtime: 'podman',
      systemCpuSeconds: null,
      memoryLimit: 268435456,
      memoryWorkingSet: null,
      blockWriteBytes: 16777216,
      pids: 4,
    });
    expect(r?.interfaces?.[0]).toMatchObject({ rxBytes: 3300, txBytes: 3598 });
    // From inspect (HostConfig): the quota and the pids limit podman's stats leave out.
    expect(r).toMatchObject({ cpuLimitCores: 0.5, pidsLimit: 64 });
    expect(await client.stats('created', { signal })).toBeNull();
    expect(await client.stats('0123456789ab', { signal })).toBeNull();
  });
});
