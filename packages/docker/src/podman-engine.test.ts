import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { createCgroupContainerCollector, createRuntimeStateNames } from '@arcbox/perf-linux';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, type DockerClient } from './docker-client.js';
import { createDockerContainerCollector } from './docker-container-collector.js';
import { type PodmanLab, podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';

const hasV1 = existsSync('/sys/fs/cgroup/cpuacct/cpuacct.usage');
const why = podmanLabMissing() ?? (hasV1 ? null : 'needs cgroup v1 cpuacct');
const ready = why === null;

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ready)(
  `podman 4.3.1 Docker-compatible service on a unix socket (skipped: ${ready ? '' : why})`,
  () => {
    const suffix = `${process.pid}-${Date.now() % 100000}`;
    const name = `arcbox-pod-${suffix}`;
    let lab: PodmanLab | undefined;
    let dir = '';
    let client: DockerClient;
    let id = '';
    const podman = (args: string[], timeout?: number) => {
      if (!lab) throw new Error('podman lab not started');
      return lab.podman(args, timeout);
    };

    beforeAll(async () => {
      lab = await startPodmanLab({
        prefix: 'arcbox-podman-',
        image: 'localhost/arcbox-busybox:test',
        applets: ['sh', 'sleep'],
      });
      dir = lab.dir;
      const socket = lab.socket;
      client = createDockerClient({ socketPath: socket, timeoutMs: 10_000 });
      for (let i = 0; i < 100; i++) {
        if (
          await client.version({ signal }).then(
            () => true,
            () => false,
          )
        )
          break;
        await sleep(100);
      }
      // One busy loop capped at half a core, one sleep: 3 processes with the shell.
      const { stdout } = await podman([
        'run',
        '-d',
        '--name',
        name,
        '--memory',
        '128m',
        '--pids-limit',
        '32',
        '--cpus',
        '0.5',
        '--network',
        'none',
        'localhost/arcbox-busybox:test',
        'sh',
        '-c',
        'while :; do :; done & sleep 100000 & wait',
      ]);
      id = stdout.trim();
    }, 120_000);

    afterAll(async () => {
      if (!lab) return;
      await podman(['rm', '-f', '-t', '0', name]).catch(() => undefined);
      await lab.stop();
    }, 60_000);

    it('detects podman, lists the container by name, and reports its limit, load and processes correctly', async () => {
      expect(await client.engine({ signal })).toBe('podman');
      const listed = (await client.listContainers({ signal })).find((c) => c.id === id);
      expect(listed?.name).toBe(name);

      const cpuacct = `/sys/fs/cgroup/cpuacct/libpod_parent/libpod-${id}/cpuacct.usage`;
      const kernel = () => ({ ns: Number(readFileSync(cpuacct, 'utf8')), ms: performance.now() });
      const collector = createDockerContainerCollector({ client });
      const k0 = kernel();
      const first = (await collector.collect({ signal })).find((r) => r.id === id);
      await sleep(1500);
      const second = (await collector.collect({ signal })).find((r) => r.id === id);
      const k1 = kernel();
      expect(first && second).toBeTruthy();
      if (!first || !second) return;
      const m = computeContainerMetrics(first, second);
      const kernelPercent = ((k1.ns - k0.ns) / 1e6 / (k1.ms - k0.ms)) * 100;
      expect(second.runtime).toBe('podman');
      // Podman's system CPU lacks idle: not used, so the figure is delta CPU / wall time.
      expect(second.systemCpuSeconds).toBeNull();
      // Capped at half a core: about 50 %, checked against the kernel's own counter.
      expect(m.cpuPercent).toBeGreaterThan(5);
      expect(m.cpuPercent).toBeLessThan(70);
      expect(Math.abs((m.cpuPercent ?? 0) - kernelPercent)).toBeLessThan(15);
      expect(m.memoryLimit).toBe(128 * MIB);
      expect(m.memoryUsage).toBeGreaterThan(0);
      expect(m.memoryUsed).toBeNull();
      expect(m.pids).toBe(3);
    });

    it('names the container found in cgroups (libpod_parent/libpod-<id>) through the same socket', async () => {
      const collector = createCgroupContainerCollector({ names: client });
      const r = (await collector.collect({ signal })).find((x) => x.id === id);
      collector.close();
      expect(r).toMatchObject({
        name,
        runtime: 'podman',
        memoryLimit: 128 * MIB,
        pids: 3,
        cpuLimitCores: 0.5,
      });
      expect(r?.cgroupPath).toBe(`/libpod_parent/libpod-${id}`);
    });

    it('names it from podman\u2019s own storage state without the API (runtime-state fallback)', async () => {
      const root = join(dir, 'host-root');
      mkdirSync(join(root, 'var/lib/containers'), { recursive: true });
      symlinkSync(join(dir, 'storage'), join(root, 'var/lib/containers/storage'));
      const lookup = createRuntimeStateNames({ root, runcRoots: [] });
      expect((await lookup([id], { signal })).get(id)).toBe(name);
    });

    it('a removed container is no longer reported', async () => {
      await podman(['rm', '-f', '-t', '0', name]);
      const readings = await createDockerContainerCollector({ client }).collect({ signal });
      expect(readings.some((r) => r.id === id)).toBe(false);
      expect(await client.stats(id, { signal })).toBeNull();
    });
  },
);
