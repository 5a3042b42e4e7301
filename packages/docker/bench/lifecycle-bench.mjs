#!/usr/bin/env node
// Container lifecycle from an engine, two costs:
// 1. createEngineLifecycle.annotate per round at N = 100 and 1,000 containers in steady state
//    (nothing due: no inspect), beside a plain copy of the readings (the floor every wrapper
//    pays), and with every container due (one inspect each, an in-process client answering at
//    once: the bookkeeping, not the engine).
// 2. The idle cost of an open /events subscription at 1 Hz: the process's CPU time and event-loop
//    delay over a window with a 1 Hz timer alone, and with watchEngineEvents open on a real podman
//    service that has nothing to tell (or, without podman, a unix server that accepts and never
//    writes), in the same run.
// Run: pnpm --filter @arcbox/perf-docker build && node packages/docker/bench/lifecycle-bench.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEngineLifecycle, watchEngineEvents } from '../dist/index.js';
import { podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const WINDOW_S = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const signal = new AbortController().signal;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
async function time(fn) {
  for (let i = 0; i < 10; i++) await fn();
  const ms = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

// A container reading's shape and size, enough for the copy to cost what it costs live.
const reading = (i) => ({
  id: i.toString(16).padStart(64, '0'),
  name: `c${i}`,
  runtime: 'docker',
  source: 'cgroup',
  cgroupPath: `/docker/${i}`,
  labels: { 'com.example': 'x' },
  monotonicMs: 0,
  time: 0,
  cpuSeconds: 1,
  memoryUsage: 1,
  memoryLimit: null,
  pids: 1,
  problems: [],
});
const inspect = { State: { Status: 'running', ExitCode: 0, OOMKilled: false }, RestartCount: 1 };

const f = (x) => x.toFixed(3).padStart(10);
console.log(`engine lifecycle per round, median of ${ROUNDS} (ms)`);
console.log(['N', 'copy', 'steady', 'all due', 'steady/N us'].map((h) => h.padStart(12)).join(''));
for (const n of [100, 1000]) {
  const readings = Array.from({ length: n }, (_, i) => reading(i));
  const copy = await time(async () => readings.map((r) => ({ ...r })));
  const steady = createEngineLifecycle({ client: { inspect: async () => inspect } });
  await steady.annotate(readings, { signal });
  const steadyMs = await time(() => steady.annotate(readings, { signal }));
  const due = createEngineLifecycle({
    client: { inspect: async () => inspect },
    refreshMs: 0,
    maxRefreshPerRound: n,
  });
  const dueMs = await time(() => due.annotate(readings, { signal }));
  console.log(
    [
      String(n).padStart(12),
      f(copy),
      f(steadyMs),
      f(dueMs),
      ((steadyMs * 1000) / n).toFixed(2).padStart(12),
    ]
      .map((c) => c.padStart(12))
      .join(''),
  );
}

async function idleWindow(label, open) {
  const close = await open();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
  }, 1000);
  await sleep(WINDOW_S * 1000);
  clearInterval(timer);
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  delay.disable();
  await close();
  return {
    label,
    cpuMsPerS: (cpu.user + cpu.system) / 1000 / wall,
    p99: delay.percentile(99) / 1e6,
    ticks,
  };
}

let lab = null;
let socket;
let server = null;
const dir = mkdtempSync(join(tmpdir(), 'arcbox-idle-'));
try {
  if (!podmanLabMissing()) {
    lab = await startPodmanLab({
      prefix: 'arcbox-idlebench-',
      image: 'localhost/arcbox-busybox:test',
      applets: ['sh'],
    });
    socket = lab.socket;
    await sleep(1500);
  } else {
    // Accepts /events, answers its headers, then never writes: an engine with nothing to say.
    socket = join(dir, 'silent.sock');
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
    });
    await new Promise((r) => server.listen(socket, r));
  }
  const engine = lab ? 'podman 4.3.1 (idle)' : 'silent unix server';
  const rows = [];
  for (let rep = 0; rep < 2; rep++) {
    rows.push(await idleWindow('1 Hz timer alone', async () => async () => {}));
    rows.push(
      await idleWindow(`+ /events open (${engine})`, async () => {
        const controller = new AbortController();
        const done = watchEngineEvents({
          socketPath: socket,
          signal: controller.signal,
          onEvent: () => {},
        });
        return async () => {
          controller.abort();
          await done;
        };
      }),
    );
  }
  console.log('');
  console.log(`idle /events subscription, ${WINDOW_S} s windows, alternated twice`);
  console.log(
    ['window', 'CPU ms/s', 'loop p99 ms', 'ticks']
      .map((h, i) => (i ? h.padStart(14) : h.padEnd(46)))
      .join(''),
  );
  for (const r of rows)
    console.log(
      [
        r.label.padEnd(46),
        r.cpuMsPerS.toFixed(3).padStart(14),
        r.p99.toFixed(2).padStart(14),
        String(r.ticks).padStart(14),
      ].join(''),
    );
} finally {
  server?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
}
