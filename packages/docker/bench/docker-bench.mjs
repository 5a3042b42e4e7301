#!/usr/bin/env node
// One reading of every container of an engine: our Docker Engine API collector against
// systeminformation's dockerContainerStats('*') (the named peer) and our cgroup collector, on a
// real podman 4.3.1 service started here with N idle busybox containers (removed after). Needs
// root and Debian podman; an existing docker socket is left alone (pass BENCH_SOCKET to use it).
// Run: pnpm --filter @arcbox/perf-docker... build && node packages/docker/bench/docker-bench.mjs
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCgroupContainerCollector } from '@arcbox/perf-linux';
import { createDockerClient, createDockerContainerCollector } from '../dist/index.js';

const run = promisify(execFile);
const N = Number(process.env.BENCH_CONTAINERS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const leftovers = [
  '/var/lib/containers',
  '/run/libpod',
  '/run/containers',
  '/etc/containers/networks',
];
const hierarchies = [
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

if (
  !process.env.BENCH_SOCKET &&
  (process.getuid?.() !== 0 || !existsSync('/usr/bin/podman') || !existsSync('/bin/busybox'))
) {
  console.log(
    'docker bench skipped: needs root, podman and busybox-static (or BENCH_SOCKET=<docker socket>)',
  );
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
async function time(fn) {
  await fn();
  const ms = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const existed = new Set(
  [...leftovers, ...hierarchies.map((h) => `/sys/fs/cgroup/${h}/libpod_parent`)].filter((p) =>
    existsSync(p),
  ),
);
let dir = null;
let service = null;
let socket = process.env.BENCH_SOCKET ?? null;
let env = process.env;
const podman = (args) =>
  run('podman', ['--root', join(dir, 'storage'), '--runroot', join(dir, 'runroot'), ...args], {
    env,
    timeout: 60_000,
  });

try {
  if (!socket) {
    dir = mkdtempSync(join(tmpdir(), 'arcbox-docker-bench-'));
    copyFileSync(
      new URL('../__fixtures__/podman/podman_containers.conf', import.meta.url),
      join(dir, 'containers.conf'),
    );
    env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
    mkdirSync(join(dir, 'rootfs/bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(dir, 'rootfs/bin/busybox'));
    symlinkSync('busybox', join(dir, 'rootfs/bin/sleep'));
    await run('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'rootfs.tar'), '.']);
    await podman(['import', join(dir, 'rootfs.tar'), 'localhost/arcbox-bench:1']);
    socket = join(dir, 'podman.sock');
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
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
    for (let i = 0; i < N; i++)
      await podman([
        'run',
        '-d',
        '--network',
        'none',
        '--name',
        `bench-${i}`,
        'localhost/arcbox-bench:1',
        'sleep',
        '100000',
      ]);
  }
  process.env.DOCKER_SOCKET = socket; // read by systeminformation when it loads
  const { default: si } = await import('systeminformation');
  const client = createDockerClient({ socketPath: socket, timeoutMs: 10_000 });
  const engine = await client.engine();
  const count = (await client.listContainers()).length;
  const signal = new AbortController().signal;
  const collector = createDockerContainerCollector({ client });
  const ours = await time(() => collector.collect({ signal }));
  const peer = await time(() => si.dockerContainerStats('*'));
  const cgroups = createCgroupContainerCollector();
  const found = (await cgroups.collect({ signal })).length;
  const oursCgroup = await time(() => cgroups.collect({ signal }));
  cgroups.close();
  console.log(
    `one reading of every container, ${engine} engine, ${count} containers, median of ${ROUNDS} (ms)`,
  );
  console.log(`${'source'.padEnd(44)}${'ms'.padStart(10)}${'vs si'.padStart(10)}`);
  const row = (label, ms) =>
    console.log(
      `${label.padEnd(44)}${ms.toFixed(2).padStart(10)}${`${(ms / peer).toFixed(2)}x`.padStart(10)}`,
    );
  row('perf-docker collector (API, one-shot stats)', ours);
  row("systeminformation dockerContainerStats('*')", peer);
  row(`perf-linux cgroup collector (${found} found)`, oursCgroup);
} finally {
  if (dir) {
    for (let i = 0; i < N; i++)
      await podman(['rm', '-f', '-t', '0', `bench-${i}`]).catch(() => undefined);
    if (service) {
      service.kill('SIGTERM');
      await sleep(500);
    }
    await podman(['system', 'reset', '-f']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    for (const p of leftovers) if (!existed.has(p)) rmSync(p, { recursive: true, force: true });
    for (const h of hierarchies) {
      const parent = `/sys/fs/cgroup/${h}/libpod_parent`;
      if (existed.has(parent) || !existsSync(parent)) continue;
      for (const e of readdirSync(parent, { withFileTypes: true }))
        if (e.isDirectory()) rmdirSync(join(parent, e.name));
      rmdirSync(parent);
    }
  }
}
