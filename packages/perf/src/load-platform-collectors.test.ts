import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerReading } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatformCollectors } from './load-platform-collectors.js';

// A real podman 4.3.1 `/containers/json` body (__fixtures__/PROVENANCE.md): one container.
const containersJson = readFileSync(
  new URL('../__fixtures__/podman/podman_v1.41_containers_json.json', import.meta.url),
  'utf8',
);
const [listed] = JSON.parse(containersJson) as Array<{ Id: string; Names: string[] }>;
const id = listed!.Id;

const base = '/sys/fs/cgroup';
const v2 = existsSync(join(base, 'cgroup.controllers'));
const v1Controllers = ['cpuacct', 'memory', 'pids', 'blkio'].filter((c) =>
  existsSync(join(base, c)),
);
const canCreateCgroups =
  process.platform === 'linux' && process.getuid?.() === 0 && (v2 || v1Controllers.length > 0);
const signal = new AbortController().signal;

/** Serves the recorded body on a unix socket as the engine would; anything else is a 404. */
async function startReplayEngine(socket: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] === '/containers/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(containersJson);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
}

async function readContainers(env: Record<string, string>, dockerSocket?: string) {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = env.DOCKER_HOST;
  try {
    const collectors = await loadPlatformCollectors('linux', {
      vms: false,
      ...(dockerSocket ? { dockerSocket } : {}),
    });
    try {
      return (await collectors.containers!.collect({ signal })) as ContainerReading[];
    } finally {
      collectors.containers?.close?.();
      collectors.system.close?.();
    }
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

describe.skipIf(!canCreateCgroups)(
  'Linux containers named by a Docker socket (needs root and a cgroup mount to create /docker/<id>)',
  () => {
    let dir = '';
    let server: Server;
    const created: string[] = [];
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-perf-names-'));
      server = await startReplayEngine(join(dir, 'engine.sock'));
      // The container's cgroup, Docker-style, in every hierarchy the collector reads.
      for (const root of v2 ? [base] : v1Controllers.map((c) => join(base, c))) {
        for (const d of [join(root, 'docker'), join(root, 'docker', id)]) {
          if (!existsSync(d)) {
            mkdirSync(d);
            created.push(d);
          }
        }
      }
    });
    afterAll(async () => {
      for (const d of created.reverse()) rmdirSync(d);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    });

    it('takes the name the socket in DOCKER_HOST gives', async () => {
      const readings = await readContainers({ DOCKER_HOST: `unix://${join(dir, 'engine.sock')}` });
      const ours = readings.find((r) => r.id === id);
      expect(ours?.name).toBe('ctlab-web');
      // An empty cgroup has no network (a problem of its own), but no names problem.
      expect(ours?.problems.filter((p) => p.source === 'names')).toEqual([]);
    });

    it('takes the name from an explicit socket too', async () => {
      const readings = await readContainers(
        { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
        join(dir, 'engine.sock'),
      );
      expect(readings.find((r) => r.id === id)?.name).toBe('ctlab-web');
    });

    it('without a socket: no client, no error, the short id as name', async () => {
      const readings = await readContainers({ DOCKER_HOST: `unix://${join(dir, 'absent.sock')}` });
      const ours = readings.find((r) => r.id === id);
      expect(ours?.name).toBe(id.slice(0, 12));
      // An empty cgroup has no network (a problem of its own), but no names problem.
      expect(ours?.problems.filter((p) => p.source === 'names')).toEqual([]);
    });

    it('a DOCKER_HOST that is no unix socket is no client either, not an error', async () => {
      const readings = await readContainers({ DOCKER_HOST: 'tcp://127.0.0.1:2375' });
      expect(readings.find((r) => r.id === id)?.name).toBe(id.slice(0, 12));
    });
  },
);
