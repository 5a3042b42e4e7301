#!/usr/bin/env node
// One reading of every container of an engine: our Docker Engine API collector against
// systeminformation's dockerContainerStats('*') (the named peer) and our cgroup collector, on a
// real podman 4.3.1 service started here with N idle busybox containers (removed after). Needs
// root and Debian podman; an existing docker socket is left alone (pass BENCH_SOCKET to use it).
// Run: pnpm --filter @arcbox/perf-docker... build && node packages/docker/bench/docker-bench.mjs
import { createCgroupContainerCollector } from '@arcbox/perf-linux';
import { createDockerClient, createDockerContainerCollector } from '../dist/index.js';
import { podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';

const N = Number(process.env.BENCH_CONTAINERS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
if (!process.env.BENCH_SOCKET && podmanLabMissing()) {
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
let lab = null;
let socket = process.env.BENCH_SOCKET ?? null;

try {
  if (!socket) {
    lab = await startPodmanLab({
      prefix: 'arcbox-docker-bench-',
      image: 'localhost/arcbox-bench:1',
      applets: ['sleep'],
    });
    socket = lab.socket;
    for (let i = 0; i < N; i++)
      await lab.podman([
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
  if (lab) {
    for (let i = 0; i < N; i++)
      await lab.podman(['rm', '-f', '-t', '0', `bench-${i}`]).catch(() => undefined);
    await lab.stop();
  }
}
