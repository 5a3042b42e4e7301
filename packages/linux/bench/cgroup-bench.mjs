#!/usr/bin/env node
// Cost of one container reading of N cgroups (N = 10, 100, 1000, created here under every v1
// hierarchy and removed after) against the floors: raw readSync on kept fds of 3 files per cgroup
// (cpuacct.usage, memory.usage_in_bytes, pids.current), of those plus memory.stat, and of exactly
// the files our collector read (same work, no parsing). systeminformation's
// dockerContainerStats is the named peer where a docker socket exists.
// Needs root and cgroup v1 (this machine); prints a table of medians and ratios.
//
// Then the lifecycle counters' cost (memory.oom_control + memory.failcnt per cgroup) like for
// like: collectors with and without them (`lifecycleCounters: false`) read the same cgroups in
// the same run, in blocks of BENCH_BLOCK rounds whose order rotates (A B C D, B C D A, ...), each
// round started BENCH_PACE_MS after the last (a busy container's figures move between rounds, as
// at 1 Hz), for scenarios BENCH_SCENARIOS: idle (empty cgroups), busy (one process per cgroup
// that maps 256 KiB for a second and unmaps it for one, so usage and CPU time move), busy-limit (the
// same under a 64 MiB memory.limit_in_bytes). ARCBOX_BENCH_BASELINE=<another build's
// dist/index.js> adds that build's two collectors to the same blocks (before/after, same run).
// BENCH_FLOORS=0 skips the floors table. Each collector runs in its own process.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/cgroup-bench.mjs
import { execFileSync, fork, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { createCgroupContainerCollector, createFileReader } from '../dist/index.js';

// Worker: one collector in its own process (its own descriptor limit: four collectors keeping
// 11 descriptors per cgroup at N = 1000 would not fit one process's 20,000), told by the parent
// when to read and answering with the round's duration.
if (process.argv[2] === '--worker') {
  const [dist, lifecycle, glob, n] = process.argv.slice(3);
  const mod = await import(pathToFileURL(dist).href);
  const collector = mod.createCgroupContainerCollector({
    discover: false,
    cgroupPaths: [glob],
    hostCpuCount: 2,
    hostMemoryTotal: 1,
    lifecycleCounters: lifecycle === '1',
  });
  const signal = new AbortController().signal;
  process.on('message', async (m) => {
    if (m === 'close') {
      collector.close();
      process.disconnect();
      return;
    }
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const got = await collector.collect({ signal });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    const failed = got.flatMap((g) => g.problems).find((p) => p.code === 'READ_ERROR');
    const error =
      got.length !== Number(n)
        ? `${got.length} readings, not ${n}`
        : failed
          ? `${failed.source}: ${failed.message}`
          : null;
    process.send({ ms, cpuMs, error });
  });
}
const WORKER = process.argv[2] === '--worker';

const SIZES = (process.env.BENCH_CGROUPS ?? '10,100,1000').split(',').map(Number);
const FLOORS = process.env.BENCH_FLOORS !== '0';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const HIERARCHIES = ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'];
const parent = `arcbox-bench-${process.pid}`;

if (!WORKER && (process.getuid?.() !== 0 || !existsSync('/sys/fs/cgroup/memory/memory.stat'))) {
  console.log(
    'cgroup bench skipped: needs root and cgroup v1 hierarchies at /sys/fs/cgroup/<controller>',
  );
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Warm-up by time as well as rounds: 5 rounds of 10 cgroups are 50 calls, too few for the JIT to
// optimise the collector, so N=10 measured the interpreter rather than the steady state an
// agent reaches. Every row (ours and the floors) gets the same warm-up.
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 300);

async function time(fn) {
  const warm = performance.now();
  for (let i = 0; i < 5 || performance.now() - warm < WARMUP_MS; i++) await fn();
  const ms = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

/** Raw kept-fd reads of absolute paths: the floor, no parsing. */
function keptFloor(paths) {
  const fds = paths.map((p) => openSync(p, 'r'));
  const buffer = Buffer.allocUnsafe(64 * 1024);
  return {
    run() {
      for (const fd of fds) readSync(fd, buffer, 0, buffer.length, 0);
    },
    close() {
      for (const fd of fds) closeSync(fd);
    },
  };
}

function create(n) {
  for (const h of HIERARCHIES)
    for (let i = 0; i < n; i++)
      mkdirSync(`/sys/fs/cgroup/${h}/${parent}/c${i}`, { recursive: true });
}

function remove(n) {
  for (const h of HIERARCHIES) {
    for (let i = 0; i < n; i++) rmdirSync(`/sys/fs/cgroup/${h}/${parent}/c${i}`);
    rmdirSync(`/sys/fs/cgroup/${h}/${parent}`);
  }
}

async function peer() {
  const socket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
  if (!existsSync(socket)) return 'n/a (no docker socket)';
  try {
    const { default: si } = await import('systeminformation');
    return `${(await time(() => si.dockerContainerStats('*'))).toFixed(2)} ms`;
  } catch (error) {
    return `n/a (${error.message})`;
  }
}

const rows = [];
try {
  for (const n of FLOORS && !WORKER ? SIZES : []) {
    create(n);
    // Which files one reading touches, from a counting reader around the real one.
    const inner = createFileReader({ keepOpen: true });
    const touched = new Set();
    const counting = {
      ...inner,
      read: (p) => {
        touched.add(p);
        return inner.read(p);
      },
    };
    const probe = createCgroupContainerCollector({
      reader: counting,
      discover: false,
      cgroupPaths: [`/${parent}/*`],
      hostCpuCount: 2,
      hostMemoryTotal: 1,
    });
    const got = await probe.collect({ signal: new AbortController().signal });
    if (got.length !== n) throw new Error(`expected ${n} readings, got ${got.length}`);
    // The files of a steady-state reading (limits cached): what a second reading touches.
    touched.clear();
    await probe.collect({ signal: new AbortController().signal });
    probe.close();
    inner.close();
    const perCgroup = [...touched].filter((p) => p.includes(`${parent}/c0/`));

    const signal = new AbortController().signal;
    const common = {
      discover: false,
      cgroupPaths: [`/${parent}/*`],
      hostCpuCount: 2,
      hostMemoryTotal: 1,
    };
    // Steady state: limits cached (10 s), tree walked every 2 s; and everything on every reading.
    const collector = createCgroupContainerCollector(common);
    const ours = await time(() => collector.collect({ signal }));
    collector.close();
    const eager = createCgroupContainerCollector({
      ...common,
      limitsRefreshMs: 0,
      discoverEveryMs: 0,
    });
    const oursEager = await time(() => eager.collect({ signal }));
    eager.close();
    // The same two without the lifecycle counters (memory.oom_control, memory.failcnt).
    const plain = createCgroupContainerCollector({ ...common, lifecycleCounters: false });
    const oursPlain = await time(() => plain.collect({ signal }));
    plain.close();
    const plainEager = createCgroupContainerCollector({
      ...common,
      limitsRefreshMs: 0,
      discoverEveryMs: 0,
      lifecycleCounters: false,
    });
    const eagerPlain = await time(() => plainEager.collect({ signal }));
    plainEager.close();

    const cg = (h, i, f) => `/sys/fs/cgroup/${h}/${parent}/c${i}/${f}`;
    const three = [];
    const four = [];
    for (let i = 0; i < n; i++) {
      three.push(
        cg('cpuacct', i, 'cpuacct.usage'),
        cg('memory', i, 'memory.usage_in_bytes'),
        cg('pids', i, 'pids.current'),
      );
      four.push(
        cg('cpuacct', i, 'cpuacct.usage'),
        cg('memory', i, 'memory.usage_in_bytes'),
        cg('pids', i, 'pids.current'),
        cg('memory', i, 'memory.stat'),
      );
    }
    const same = [...touched].filter((p) => p.includes(`${parent}/c`)).map((p) => `/${p}`);
    const floors = {};
    for (const [key, paths] of Object.entries({ three, four, same })) {
      const f = keptFloor(paths);
      floors[key] = await time(() => f.run());
      f.close();
    }
    rows.push({ n, files: perCgroup.length, ours, oursEager, oursPlain, eagerPlain, ...floors });
    remove(n);
  }
} finally {
  for (const h of HIERARCHIES) {
    const dir = `/sys/fs/cgroup/${h}/${parent}`;
    if (!existsSync(dir)) continue;
    for (let i = 0; i < 5000; i++) if (existsSync(`${dir}/c${i}`)) rmdirSync(`${dir}/c${i}`);
    rmdirSync(dir);
  }
}

const f = (x) => x.toFixed(2).padStart(9);
const r = (x) => `${x.toFixed(2)}x`.padStart(7);
if (FLOORS) {
  console.log(
    `cgroup container reading, median of ${ROUNDS} (ms), v1 hierarchies, kept descriptors`,
  );
  console.log(
    'ours = steady state (limits cached 10 s, tree walked every 2 s); eager = every file and the walk on each reading',
  );
  console.log(
    'floor3/floor4 = raw kept-fd reads of 3 files (+memory.stat); floorSame = the files ours read, raw',
  );
  const head = [
    'N',
    'files/cg',
    'ours',
    'eager',
    'floor3',
    'floor4',
    'floorSame',
    'ours/f4',
    'ours/same',
    'us/cgroup',
  ];
  console.log(head.map((h) => h.padStart(10)).join(''));
  for (const row of rows) {
    console.log(
      [
        String(row.n).padStart(10),
        String(row.files).padStart(10),
        f(row.ours).padStart(10),
        f(row.oursEager).padStart(10),
        f(row.three).padStart(10),
        f(row.four).padStart(10),
        f(row.same).padStart(10),
        r(row.ours / row.four).padStart(10),
        r(row.ours / row.same).padStart(10),
        ((row.ours * 1000) / row.n).toFixed(1).padStart(10),
      ].join(''),
    );
  }
  console.log('');
  console.log(
    'lifecycle counters (memory.oom_control + memory.failcnt per cgroup): with vs without, same run',
  );
  console.log(
    ['N', 'steady', 'steady-', 'extra', 'eager', 'eager-', 'extra']
      .map((h) => h.padStart(10))
      .join(''),
  );
  for (const row of rows) {
    const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(1)} %`.padStart(10);
    console.log(
      [
        String(row.n).padStart(10),
        f(row.ours).padStart(10),
        f(row.oursPlain).padStart(10),
        pct(row.ours, row.oursPlain),
        f(row.oursEager).padStart(10),
        f(row.eagerPlain).padStart(10),
        pct(row.oursEager, row.eagerPlain),
      ].join(''),
    );
  }
  console.log(`systeminformation dockerContainerStats('*'): ${await peer()}`);
}

// ---- lifecycle counters, A/B interleaved -------------------------------------------------------

const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'idle,busy,busy-limit').split(',');
const AB_SIZES = (process.env.BENCH_AB_CGROUPS ?? '100,1000').split(',').map(Number);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 4);
const AB_ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? 32);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 250);
// Light on purpose (one wake a second, 64 pages: one charge batch): at N = 1000 a heavier
// process overloaded this 2-core machine and the rounds measured the run queue.
const BUSY_C = `#include <string.h>
#include <sys/mman.h>
#include <time.h>
int main(void) {
  struct timespec wait = {1, 0};
  size_t n = 256 << 10;
  for (unsigned i = 0;; i++) {
    char *p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) memset(p, (int)i, n);
    nanosleep(&wait, 0);
    if (p != MAP_FAILED) munmap(p, n);
    nanosleep(&wait, 0);
  }
}
`;

function busyBinary() {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-busy-'));
  writeFileSync(join(dir, 'busy.c'), BUSY_C);
  try {
    execFileSync('cc', ['-O2', '-o', join(dir, 'busy'), join(dir, 'busy.c')], { stdio: 'ignore' });
    return { path: join(dir, 'busy'), dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

async function killAll(children) {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(
    children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)),
  );
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function lifecycleAB() {
  const variants = [];
  const add = (label, dist) => {
    variants.push({ label: `${label}+lc`, dist, lifecycle: true });
    variants.push({ label: `${label}-lc`, dist, lifecycle: false });
  };
  if (process.env.ARCBOX_BENCH_BASELINE) add('before', process.env.ARCBOX_BENCH_BASELINE);
  add('after', new URL('../dist/index.js', import.meta.url).pathname);
  const bin = SCENARIOS.some((s) => s !== 'idle') ? busyBinary() : null;
  const results = [];
  const ab = `arcbox-bench-ab-${process.pid}`;
  const dirs = (i) => HIERARCHIES.map((h) => `/sys/fs/cgroup/${h}/${ab}/c${i}`);
  for (const scenario of SCENARIOS) {
    if (scenario !== 'idle' && !bin) {
      console.log(`${scenario}: skipped (no C compiler for the busy process)`);
      continue;
    }
    for (const n of AB_SIZES) {
      const children = [];
      let live = [];
      try {
        for (let i = 0; i < n; i++) for (const d of dirs(i)) mkdirSync(d, { recursive: true });
        if (scenario === 'busy-limit')
          for (let i = 0; i < n; i++)
            writeFileSync(`/sys/fs/cgroup/memory/${ab}/c${i}/memory.limit_in_bytes`, `${64 << 20}`);
        if (scenario !== 'idle') {
          for (let i = 0; i < n; i++) {
            const child = spawn(bin.path, [], { stdio: 'ignore' });
            children.push(child);
            for (const d of dirs(i)) writeFileSync(`${d}/cgroup.procs`, String(child.pid));
          }
          await sleep(1000);
        }
        const self = new URL(import.meta.url).pathname;
        live = variants.map((v) => ({
          ...v,
          worker: fork(self, ['--worker', v.dist, v.lifecycle ? '1' : '0', `/${ab}/*`, String(n)], {
            stdio: 'inherit',
          }),
          ms: [],
          cpu: [],
          blocks: [],
        }));
        const round = async (v) => {
          v.worker.send('round');
          const [m] = await once(v.worker, 'message');
          if (m.error) throw new Error(`${v.label}: ${m.error}`);
          return m;
        };
        // Warm-up: each collector reads every cgroup (limits, descriptors, JIT) a few times.
        for (let w = 0; w < 6; w++) for (const v of live) await round(v);
        const blocks = Math.ceil(AB_ROUNDS / BLOCK);
        let next = performance.now();
        for (let b = 0; b < blocks; b++) {
          for (let k = 0; k < live.length; k++) {
            const v = live[(b + k) % live.length];
            const cpu = [];
            for (let r = 0; r < BLOCK; r++) {
              const wait = next - performance.now();
              if (wait > 0) await sleep(wait);
              next = performance.now() + PACE_MS;
              const m = await round(v);
              v.ms.push(m.ms);
              v.cpu.push(m.cpuMs);
              cpu.push(m.cpuMs);
            }
            v.blocks.push(median(cpu));
          }
        }
        results.push({ scenario, n, live });
      } finally {
        for (const v of live) {
          if (!v.worker.connected) continue;
          v.worker.send('close');
          await once(v.worker, 'exit');
        }
        await killAll(children);
        for (let i = 0; i < n; i++)
          for (const d of dirs(i)) {
            for (let t = 0; t < 50; t++) {
              if (!existsSync(d) || readFileSync(`${d}/cgroup.procs`, 'utf8').trim() === '') break;
              await sleep(20);
            }
            if (existsSync(d)) rmdirSync(d);
          }
        for (const h of HIERARCHIES)
          if (existsSync(`/sys/fs/cgroup/${h}/${ab}`)) rmdirSync(`/sys/fs/cgroup/${h}/${ab}`);
      }
    }
  }
  if (bin) rmSync(bin.dir, { recursive: true, force: true });
  const labels = [...new Set(variants.map((v) => v.label.replace(/[+-]lc$/, '')))];
  console.log('');
  console.log(
    `lifecycle counters, A/B interleaved (${AB_ROUNDS} rounds each, blocks of ${BLOCK} rotated, paced ${PACE_MS} ms): the collector process's CPU time per round (user + system, median, ms), which another job's load does not stretch as it does wall time; extra = median over rotation cycles of (block with counters / block without) - 1; wall = median wall ms per round`,
  );
  const head = ['scenario', 'N'];
  for (const l of labels) head.push(`${l}+lc`, `${l}-lc`, `${l} extra`, `${l} wall+/-`);
  if (labels.length === 2) head.push('after/before');
  console.log(head.map((h) => h.padStart(15)).join(''));
  for (const { scenario, n, live } of results) {
    const by = Object.fromEntries(live.map((v) => [v.label, v]));
    const cells = [scenario, String(n)];
    for (const l of labels) {
      const on = by[`${l}+lc`];
      const off = by[`${l}-lc`];
      const ratios = on.blocks.map((b, i) => b / off.blocks[i]);
      cells.push(
        median(on.cpu).toFixed(2),
        median(off.cpu).toFixed(2),
        `${((median(ratios) - 1) * 100).toFixed(1)} %`,
        `${median(on.ms).toFixed(1)}/${median(off.ms).toFixed(1)}`,
      );
    }
    if (labels.length === 2)
      cells.push(
        `${(median(by[`${labels[1]}+lc`].cpu) / median(by[`${labels[0]}+lc`].cpu)).toFixed(2)}x`,
      );
    console.log(cells.map((c) => c.padStart(15)).join(''));
  }
}

if (!WORKER) await lifecycleAB();
