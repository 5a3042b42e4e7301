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
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/gpu-stream-bench.mjs
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createNvidiaGpuCollector, NVIDIA_QUERY_FIELDS, parseQueryGpuLine } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
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

async function streaming() {
  const c = createNvidiaGpuCollector({
    command: bin,
    intervalMs: INTERVAL,
    detailIntervalMs: 0,
    appsIntervalMs: 1e12,
  });
  const signal = new AbortController().signal;
  // Warm up (the child is up, the parse code compiled); the child's start is left out, as it is
  // paid once per agent life.
  for (let i = 0; i < WARMUP; i++) {
    await c.collect({ signal });
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
  // The child's own CPU in ns from the scheduler (/proc/<pid>/schedstat): its utime + stime are
  // 10 ms ticks, coarser than what a streaming child spends in a minute.
  const childNs = () => Number(readFileSync(`/proc/${child}/schedstat`, 'utf8').split(' ')[0]);
  const c0 = childNs();
  const r0 = childMs();
  const g0 = gcMs;
  const t0 = ownMs();
  for (let i = 0; i < ROUNDS; i++) {
    const g = await c.collect({ signal });
    if (g.length !== 2) throw new Error('expected 2 GPUs');
    await sleep(INTERVAL);
  }
  const own = ownMs() - t0;
  const gc = gcMs - g0;
  const kid = (childNs() - c0) / 1e6;
  if (childMs() !== r0) throw new Error('a process was reaped while streaming');
  c.close();
  return { own, child: kid, gc, spawns: c.spawns };
}

async function spawning() {
  const args = [`--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  let t0 = 0;
  let r0 = 0;
  let g0 = 0;
  for (let i = -WARMUP; i < ROUNDS; i++) {
    if (i === 0) {
      t0 = ownMs();
      r0 = childMs();
      g0 = gcMs;
    }
    const out = await new Promise((res, rej) =>
      execFile(bin, args, (e, so) => (e ? rej(e) : res(so))),
    );
    const stamp = { monotonicMs: performance.now(), time: Date.now() };
    const g = out
      .trim()
      .split('\n')
      .map((l) => parseQueryGpuLine(l, stamp));
    if (g.length !== 2) throw new Error('expected 2 GPUs');
    await sleep(INTERVAL);
  }
  await sleep(300);
  return { own: ownMs() - t0, child: childMs() - r0, gc: gcMs - g0, spawns: ROUNDS };
}

// Idle baseline: the same loop of sleeps with no GPU source, to take out the timer's own cost;
// run first and last (this machine's load drifts); the lower of the two is subtracted, so a
// collection that falls in an idle run is not credited to the other phases (the GC column is the
// pauses' wall time, not CPU: it cannot be subtracted from CPU).
async function idle() {
  for (let i = 0; i < 3; i++) await sleep(INTERVAL);
  const t0 = ownMs();
  const g0 = gcMs;
  for (let i = 0; i < ROUNDS; i++) await sleep(INTERVAL);
  await sleep(300);
  return { own: ownMs() - t0, child: 0, gc: gcMs - g0, spawns: 0 };
}

// Settle: V8's memory reducer compacts the heap some seconds after the start's allocations
// (about 50 ms, once); it lands here rather than in whichever phase runs then.
await sleep(12_000);
const before = await idle();
const stream = await streaming();
const spawn = await spawning();
const after = await idle();
rmSync(dir, { recursive: true, force: true });
const base = Math.min(before.own, after.own);
const own = (r) => Math.max(0, r.own - base) / ROUNDS;
const kid = (r) => r.child / ROUNDS;
const total = (r) => own(r) + kid(r);
const gc = (r) => (r.gc / ROUNDS).toFixed(3);
console.log(
  `GPU source CPU per round at 1 Hz, ${ROUNDS} rounds after ${WARMUP} warm-up, stand-in nvidia-smi (2 GPUs)`,
);
console.log(
  '| source | processes started | agent ms/round (minus idle) | GC pauses ms/round (wall) | nvidia-smi stand-in ms/round | total ms/round |',
);
console.log('|---|---|---|---|---|---|');
console.log(
  `| idle loop (the lower subtracted: first ${(before.own / ROUNDS).toFixed(3)}, last ${(after.own / ROUNDS).toFixed(3)}) | 0 | ${(base / ROUNDS).toFixed(3)} | ${gc(before)} / ${gc(after)} | 0 | - |`,
);
for (const [name, r] of [
  ['streaming child (ours)', stream],
  ['spawn per round', spawn],
])
  console.log(
    `| ${name} | ${r.spawns} | ${own(r).toFixed(3)} | ${gc(r)} | ${kid(r).toFixed(3)} | ${total(r).toFixed(3)} |`,
  );
const ratio = (a, b) => (a / Math.max(b, 1e-3)).toFixed(1);
console.log(
  `spawn per round / streaming, total: ${ratio(total(spawn), total(stream))}x (goal >= 20x); agent alone: ${ratio(own(spawn), own(stream))}x`,
);
