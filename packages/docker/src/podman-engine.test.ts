import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { createCgroupContainerCollector, createRuntimeStateNames } from '@arcbox/perf-linux';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockerClient, type DockerClient } from './docker-client.js';
import { createDockerContainerCollector } from './docker-container-collector.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const hasPodman = existsSync('/usr/bin/podman');
const hasBusybox = existsSync('/bin/busybox');
const hasV1 = existsSync('/sys/fs/cgroup/cpuacct/cpuacct.usage');
const ready = isRoot && hasPodman && hasBusybox && hasV1;
const why = !isRoot
  ? 'needs root'
  : !hasPodman
    ? 'needs Debian podman'
    : !hasBusybox
      ? 'needs busybox-static'
      : 'needs cgroup v1 cpuacct';

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Left behind by podman even with --root/--runroot (shared/fixtures/podman/README.md).
const podmanLeftovers = [
  '/var/lib/containers',
  '/run/libpod',
  '/run/containers',
  '/etc/containers/networks',
];
const cgroupHierarchies = [
  'cpu',
  'cpuacct',
  'memory',
  'blkio',
  'pids',
  'cpuset',
  'devices',
  'freezer',
  'systemd',
  'unified',
  'net_cls',
  'perf_event',
  'hugetlb',
];

describe.skipIf(!ready)(
  `podman 4.3.1 Docker-compatible service on a unix socket (skipped: ${ready ? '' : why})`,
  () => {
    const suffix = `${process.pid}-${Date.now() % 100000}`;
    const name = `arcbox-pod-${suffix}`;
    const existedBefore = new Set<string>();
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let service: ChildProcess | null = null;
    let client: DockerClient;
    let id = '';
    const podman = (args: string[], timeout = 60_000) =>
      run('podman', ['--root', join(dir, 'storage'), '--runroot', join(dir, 'runroot'), ...args], {
        env,
        timeout,
      });

    beforeAll(async () => {
      for (const p of [
        ...podmanLeftovers,
        ...cgroupHierarchies.map((h) => `/sys/fs/cgroup/${h}/libpod_parent`),
      ]) {
        if (existsSync(p)) existedBefore.add(p);
      }
      dir = mkdtempSync(join(tmpdir(), 'arcbox-podman-'));
      // The ulimits podman needs to run as root here (fixtures/podman/podman_containers.conf).
      copyFileSync(
        new URL('../__fixtures__/podman/podman_containers.conf', import.meta.url),
        join(dir, 'containers.conf'),
      );
      env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
      const rootfs = join(dir, 'rootfs');
      mkdirSync(join(rootfs, 'bin'), { recursive: true });
      copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
      for (const applet of ['sh', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', applet));
      await run('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.'], { timeout: 30_000 });
      await podman(['import', join(dir, 'rootfs.tar'), 'localhost/arcbox-busybox:test']);

      const socket = join(dir, 'podman.sock');
      service = spawn(
        'podman',
        [
          '--root',
          join(dir, 'storage'),
          '--runroot',
          join(dir, 'runroot'),
          'system',
          'service',
          '--time=0',
          `unix://${socket}`,
        ],
        { env, stdio: 'ignore' },
      );
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
      if (dir) {
        await podman(['rm', '-f', '-t', '0', name]).catch(() => undefined);
        if (service) {
          const exited = new Promise((r) => service?.once('exit', r));
          service.kill('SIGTERM');
          await Promise.race([exited, sleep(5000)]);
          if (service.exitCode === null) service.kill('SIGKILL');
        }
        await podman(['system', 'reset', '-f']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
      for (const p of podmanLeftovers)
        if (!existedBefore.has(p)) rmSync(p, { recursive: true, force: true });
      for (const h of cgroupHierarchies) {
        const parent = `/sys/fs/cgroup/${h}/libpod_parent`;
        if (existedBefore.has(parent) || !existsSync(parent)) continue;
        for (const e of readdirSync(parent, { withFileTypes: true }))
          if (e.isDirectory()) rmdirSync(join(parent, e.name));
        rmdirSync(parent);
      }
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
