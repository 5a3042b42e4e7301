#!/usr/bin/env node
// Cost of one container reading of N cgroups (N = 10, 100, 1000, created here under every v1
// hierarchy and removed after) against the floors: raw readSync on kept fds of 3 files per cgroup
// (cpuacct.usage, memory.usage_in_bytes, pids.current), of those plus memory.stat, and of exactly
// the files our collector read (same work, no parsing). systeminformation's
// dockerContainerStats is the named peer where a docker socket exists.
// Needs root and cgroup v1 (this machine); prints a table of medians and ratios.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/cgroup-bench.mjs
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmdirSync } from 'node:fs';
import { createCgroupContainerCollector, createFileReader } from '../dist/index.js';

const SIZES = (process.env.BENCH_CGROUPS ?? '10,100,1000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const HIERARCHIES = ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'];
const parent = `arcbox-bench-${process.pid}`;

if (process.getuid?.() !== 0 || !existsSync('/sys/fs/cgroup/memory/memory.stat')) {
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
  for (const n of SIZES) {
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
console.log(`cgroup container reading, median of ${ROUNDS} (ms), v1 hierarchies, kept descriptors`);
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
