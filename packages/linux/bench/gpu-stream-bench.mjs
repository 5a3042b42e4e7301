#!/usr/bin/env node
// CPU per round of the NVIDIA GPU source at 1 Hz: our streaming collector (one long-lived
// `nvidia-smi --query-gpu ... -lms 1000` child, the latest lines taken each round) against
// spawning `nvidia-smi --query-gpu ... --format=csv,noheader,nounits` once per round (what most
// exporters do), with the parse of its output. Both run a stand-in nvidia-smi (bash) that prints
// the constructed A10G + T4 lines with builtins only (no process of its own per tick), so the
// streaming side pays its child's wake-ups and the spawning side its process starts: a real
// nvidia-smi costs more per start (it opens the driver), so the ratio here is a floor.
// Columns: "agent" = this process's user + system CPU over the measured rounds (process.cpuUsage:
// every thread, V8's GC and compiler helpers too) minus the same loop of sleeps without a GPU
// source; "stand-in" = the nvidia-smi stand-in's own CPU: the streaming child's from its
// /proc/<pid>/schedstat (ns), the spawned ones' cutime + cstime once reaped (10 ms ticks).
// A real nvidia-smi costs what it costs in both columns' place (NVML queries per tick; driver
// open per start), not measurable here. The streaming child's start is paid once per agent life
// and left out. Five warm-up rounds each before measuring. Compute apps and -q -x are off in both.
// The three run in alternating blocks (idle loop, streaming, spawning; BENCH_BLOCK rounds each,
// BENCH_CYCLES times), and each block's CPU less the idle block of its own cycle is one figure:
// the machine's load drifts over minutes, and a baseline taken only at the ends moved by a
// third of a millisecond a round, as much as the streaming source's whole cost. Medians shown.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/gpu-stream-bench.mjs
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createNvidiaGpuCollector, NVIDIA_QUERY_FIELDS, parseQueryGpuLine } from '../dist/index.js';

const BLOCK = Number(process.env.BENCH_BLOCK ?? 5);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 6);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const INTERVAL = 1000;
const fixture = new URL('../src/gpu/__fixtures__/query-gpu-a10g-t4.csv', import.meta.url);
const lines = readFileSync(fixture, 'utf8').trim().split('\n');
const dir = mkdtempSync(join(tmpdir(), 'arcbox-gpu-bench-'));
const bin = join(dir, 'nvidia-smi');
writeFileSync(
  bin,
  `#!/bin/bash
l1=${JSON.stringify(lines[0])}
l2=${JSON.stringify(lines[1])}
ms=
prev=
for a in "$@"; do [ "$prev" = "-lms" ] && ms=$a; prev=$a; done
if [ -z "$ms" ]; then printf '%s\\n%s\\n' "$l1" "$l2"; exit 0; fi
mkfifo ${dir}/tick.$$ && exec 3<> ${dir}/tick.$$
s=$((ms / 1000)).$(printf '%03d' $((ms % 1000)))
while :; do printf '%s\\n%s\\n' "$l1" "$l2"; read -t "$s" -u 3 || :; done
`,
);
chmodSync(bin, 0o755);

/** Reaped children's CPU (cutime + cstime), ms; clock ticks of 10 ms, exact over many rounds. */
function childMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}
/** This process's CPU (user + system, every thread: V8's helpers too), ms. */
function ownMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// V8's garbage collections on the main thread, ms: shown beside the agent column (which holds
// them) so a one-off (the memory reducer's compactions some seconds after start) is visible.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

// Settle: V8's memory reducer compacts the heap some seconds after the start's allocations
// (about 50 ms, once); it lands here rather than in a measured block.
await sleep(12_000);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const signal = new AbortController().signal;
const stream = createNvidiaGpuCollector({
  command: bin,
  intervalMs: INTERVAL,
  detailIntervalMs: 0,
  appsIntervalMs: 1e12,
});
const spawnArgs = [`--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];

/** One round of each kind: the work of the round, then the rest of the period asleep. */
const rounds = {
  async idle() {},
  async streaming() {
    const g = await stream.collect({ signal });
    if (g.length !== 2) throw new Error('expected 2 GPUs');
  },
  async spawning() {
    const out = await new Promise((res, rej) =>
      execFile(bin, spawnArgs, (e, so) => (e ? rej(e) : res(so))),
    );
    const stamp = { monotonicMs: performance.now(), time: Date.now() };
    const g = out
      .trim()
      .split('\n')
      .map((l) => parseQueryGpuLine(l, stamp));
    if (g.length !== 2) throw new Error('expected 2 GPUs');
  },
};

// Warm up every kind (the streaming child up, the parse code compiled); the child's start is
// left out, as it is paid once per agent life.
for (let i = 0; i < WARMUP; i++)
  for (const run of Object.values(rounds)) {
    await run();
    await sleep(INTERVAL);
  }
const child = readdirSync('/proc').find((p) => {
  try {
    const st = readFileSync(`/proc/${p}/stat`, 'utf8');
    return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
  } catch {
    return false;
  }
});
// The streaming child's own CPU in ns from the scheduler (/proc/<pid>/schedstat): its utime +
// stime are 10 ms ticks, coarser than what a streaming child spends in a minute.
const childNs = () => Number(readFileSync(`/proc/${child}/schedstat`, 'utf8').split(' ')[0]);

/** Per cycle and kind: own ms, GC ms, child ms, per round. */
const blocks = { idle: [], streaming: [], spawning: [] };
for (let cycle = 0; cycle < CYCLES; cycle++) {
  for (const [kind, run] of Object.entries(rounds)) {
    const t0 = ownMs();
    const g0 = gcMs;
    const r0 = childMs();
    const c0 = childNs();
    for (let i = 0; i < BLOCK; i++) {
      await run();
      await sleep(INTERVAL);
    }
    // The spawned children are reaped (their cutime counted) by the end of the last sleep.
    const reaped = childMs() - r0;
    if (kind !== 'spawning' && reaped !== 0) throw new Error('a process was reaped');
    blocks[kind].push({
      own: (ownMs() - t0) / BLOCK,
      gc: (gcMs - g0) / BLOCK,
      // The streaming child runs through every block; only its streaming blocks are counted.
      child: kind === 'streaming' ? (childNs() - c0) / 1e6 / BLOCK : reaped / BLOCK,
    });
  }
}
const spawns = stream.spawns;
stream.close();
rmSync(dir, { recursive: true, force: true });

const extra = (kind) => blocks[kind].map((b, i) => Math.max(0, b.own - blocks.idle[i].own));
const totals = (kind) => extra(kind).map((e, i) => e + blocks[kind][i].child);
const row = (kind) => ({
  own: median(extra(kind)),
  gc: median(blocks[kind].map((b) => b.gc)),
  child: median(blocks[kind].map((b) => b.child)),
  total: median(totals(kind)),
});
const s = row('streaming');
const p = row('spawning');
const idleOwn = blocks.idle.map((b) => b.own);
console.log(
  `GPU source CPU per round at 1 Hz, ${CYCLES} cycles of ${BLOCK}-round blocks after ${WARMUP} warm-up rounds, stand-in nvidia-smi (2 GPUs); medians over cycles`,
);
console.log(
  "| source | processes started | agent ms/round (minus its cycle's idle block) | GC pauses ms/round (wall) | nvidia-smi stand-in ms/round | total ms/round |",
);
console.log('|---|---|---|---|---|---|');
console.log(
  `| idle loop (min-max over cycles ${Math.min(...idleOwn).toFixed(3)}-${Math.max(...idleOwn).toFixed(3)}) | 0 | ${median(idleOwn).toFixed(3)} | ${median(blocks.idle.map((b) => b.gc)).toFixed(3)} | 0 | - |`,
);
for (const [name, r, started] of [
  ['streaming child (ours)', s, spawns],
  ['spawn per round', p, CYCLES * BLOCK],
])
  console.log(
    `| ${name} | ${started} | ${r.own.toFixed(3)} | ${r.gc.toFixed(3)} | ${r.child.toFixed(3)} | ${r.total.toFixed(3)} |`,
  );
const ratio = (a, b) => (a / Math.max(b, 1e-3)).toFixed(1);
const perCycle = totals('spawning').map((t, i) => t / Math.max(totals('streaming')[i], 1e-3));
console.log(
  `spawn per round / streaming, total: ${ratio(p.total, s.total)}x (goal >= 20x; per cycle ${perCycle.map((r) => r.toFixed(1)).join(', ')}); agent alone: ${ratio(p.own, s.own)}x`,
);
