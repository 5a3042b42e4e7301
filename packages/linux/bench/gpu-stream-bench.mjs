#!/usr/bin/env node
// CPU per round of the NVIDIA GPU source at 1 Hz: our streaming collector (one long-lived
// `nvidia-smi --query-gpu ... -lms 1000` child, the latest lines taken each round) against
// spawning `nvidia-smi --query-gpu ... --format=csv,noheader,nounits` once per round (what most
// exporters do), with the parse of its output. Both run a stand-in nvidia-smi (bash) that prints
// the constructed A10G + T4 lines with builtins only (no process of its own per tick), so the
// streaming side pays its child's wake-ups and the spawning side its process starts: a real
// nvidia-smi costs more per start (it opens the driver), so the ratio here is a floor.
// CPU = our user + system, plus the spawned processes' (cutime + cstime once reaped) or the
// streaming child's own utime + stime across the measured rounds (its start is paid once per
// agent life and left out). Five warm-up rounds each before measuring. Compute apps and -q -x are off in both.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/gpu-stream-bench.mjs
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNvidiaGpuCollector, NVIDIA_QUERY_FIELDS, parseQueryGpuLine } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
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

/** Reaped children's CPU (cutime + cstime), ms; clock ticks of 10 ms. */
function childMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childMs();
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function streaming() {
  const c = createNvidiaGpuCollector({
    command: bin,
    intervalMs: INTERVAL,
    detailIntervalMs: 0,
    appsIntervalMs: 1e12,
  });
  const signal = new AbortController().signal;
  // Warm up (the child is up, the parse code compiled); the child's start is left out, as it is
  // paid once per agent life, and its CPU is read from its own /proc stat across the rounds.
  for (let i = 0; i < 5; i++) {
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
  const childTicks = () => {
    const st = readFileSync(`/proc/${child}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const c0 = childTicks();
  const t0 = cpuMs();
  for (let i = 0; i < ROUNDS; i++) {
    const g = await c.collect({ signal });
    if (g.length !== 2) throw new Error('expected 2 GPUs');
    await sleep(INTERVAL);
  }
  const self = cpuMs() - t0;
  const kid = childTicks() - c0;
  c.close();
  console.error(`streaming: ours ${self.toFixed(1)} ms, child ${kid} ms`);
  return { cpu: self + kid, spawns: c.spawns };
}

async function spawning() {
  const args = [`--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  let t0 = 0;
  for (let i = -5; i < ROUNDS; i++) {
    if (i === 0) t0 = cpuMs();
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
  return { cpu: cpuMs() - t0, spawns: ROUNDS };
}

// Idle baseline: the same loop of sleeps with no GPU source, to take out the timer's own cost.
async function idle() {
  for (let i = 0; i < 3; i++) await sleep(INTERVAL);
  const t0 = cpuMs();
  for (let i = 0; i < ROUNDS; i++) await sleep(INTERVAL);
  await sleep(300);
  return { cpu: cpuMs() - t0, spawns: 0 };
}

const base = await idle();
const stream = await streaming();
const spawn = await spawning();
rmSync(dir, { recursive: true, force: true });
const per = (r) => Math.max(0, r.cpu - base.cpu) / ROUNDS;
const rows = [
  ['idle loop (subtracted)', base, base.cpu / ROUNDS],
  ['streaming child (ours)', stream, per(stream)],
  ['spawn per round', spawn, per(spawn)],
];
console.log(`GPU source CPU per round at 1 Hz, ${ROUNDS} rounds, stand-in nvidia-smi (2 GPUs)`);
console.log('| source | processes started | CPU ms total | CPU ms per round (minus idle) |');
console.log('|---|---|---|---|');
for (const [name, r, p] of rows)
  console.log(`| ${name} | ${r.spawns} | ${r.cpu.toFixed(1)} | ${p.toFixed(3)} |`);
console.log(
  `spawn per round / streaming: ${(per(spawn) / Math.max(per(stream), 1e-3)).toFixed(1)}x (goal >= 20x)`,
);
