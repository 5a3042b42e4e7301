#!/usr/bin/env node
// Cost of one full Linux system reading: ours (kept-open fds, parsed, classified) against the
// floor (raw readSync of the same kept fds, no parsing), readFileSync of the same files, and the
// npm package systeminformation (currentLoad, mem, disksIO, networkStats), which spawns processes.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/host.bench.mjs
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import si from 'systeminformation';
import { createLinuxSystemCollector } from '../dist/index.js';

// Warm-up as long as the run: V8 compiles hot code on other threads, which would count as CPU.
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5000);
const SI_SAMPLES = Number(process.env.BENCH_SI_SAMPLES ?? 10);
const FILES = [
  '/proc/stat',
  '/proc/meminfo',
  '/proc/diskstats',
  '/proc/net/dev',
  '/proc/loadavg',
  '/proc/pressure/cpu',
  '/proc/pressure/memory',
  '/proc/pressure/io',
].filter((f) => {
  try {
    readFileSync(f);
    return true;
  } catch {
    return false;
  }
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** CPU seconds of this process and of its waited-for children (/proc/self/stat cutime+cstime). */
function cpuSeconds() {
  const own = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 16 and 17 (cutime, cstime) are at 13 and 14 after the state field (field 3)
  const children = (Number(after[13]) + Number(after[14])) / 100;
  return (own.user + own.system) / 1e6 + children;
}

/** Median wall microseconds per call, and mean CPU microseconds per call (incl. children). */
async function measure(fn, iterations, warmup) {
  for (let i = 0; i < warmup; i++) await fn();
  const walls = [];
  const cpu0 = cpuSeconds();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    walls.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return {
    wallUs: median(walls),
    cpuUs: ((cpuSeconds() - cpu0) * 1e6) / iterations,
    n: iterations,
  };
}

/**
 * For slow calls sampled the way a monitor does: `gapMs` apart (systeminformation returns its
 * cached figures when called again within 500 ms, so back-to-back calls would measure its cache).
 * Median wall per sample; CPU as the mean over all samples, since children's CPU time is only
 * visible in 10 ms ticks.
 */
async function measureSpaced(fn, samples, gapMs) {
  await fn();
  const walls = [];
  let cpu = 0;
  for (let i = 0; i < samples; i++) {
    await sleep(gapMs);
    const c0 = cpuSeconds();
    const t0 = process.hrtime.bigint();
    await fn();
    walls.push(Number(process.hrtime.bigint() - t0) / 1000);
    cpu += cpuSeconds() - c0;
  }
  return { wallUs: median(walls), cpuUs: (cpu * 1e6) / samples, n: samples };
}

const signal = new AbortController().signal;
const collector = createLinuxSystemCollector();
const ours = await measure(() => collector.collect({ signal }), ITERATIONS, 3000);
collector.close();

const fds = FILES.map((f) => openSync(f, 'r'));
const buffer = Buffer.allocUnsafe(64 * 1024);
const floor = await measure(
  () => {
    for (const fd of fds) readSync(fd, buffer, 0, buffer.length, 0);
  },
  ITERATIONS,
  3000,
);
for (const fd of fds) closeSync(fd);

const plain = await measure(
  () => {
    for (const f of FILES) readFileSync(f);
  },
  ITERATIONS,
  3000,
);

const sysinfo = await measureSpaced(
  async () => {
    await si.currentLoad();
    await si.mem();
    await si.disksIO();
    await si.networkStats();
  },
  SI_SAMPLES,
  1000,
);

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} us`);
const rows = [
  ['ours: collector.collect (read + parse + classify)', ours],
  ['floor: kept-fd readSync, no parsing', floor],
  ['readFileSync of the same files, no parsing', plain],
  ['systeminformation 5 (currentLoad+mem+disksIO+networkStats)', sysinfo],
];
console.log(`One full Linux system reading (${FILES.length} files: ${FILES.join(' ')})`);
console.log(
  `node ${process.version}, ${ITERATIONS} iterations (systeminformation: ${SI_SAMPLES} samples 1 s apart)\n`,
);
console.log('| what | n | median wall | CPU per reading (incl. children) |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows)
  console.log(`| ${name} | ${r.n} | ${fmt(r.wallUs)} | ${fmt(r.cpuUs)} |`);
console.log('');
console.log(
  `ours / floor (wall):              ${(ours.wallUs / floor.wallUs).toFixed(2)}x   (target <= 2x)`,
);
console.log(`ours / readFileSync (wall):       ${(ours.wallUs / plain.wallUs).toFixed(2)}x`);
console.log(
  `systeminformation / ours (CPU):   ${Math.round(sysinfo.cpuUs / ours.cpuUs)}x   (target >= 500x)`,
);
console.log(`systeminformation / ours (wall):  ${Math.round(sysinfo.wallUs / ours.wallUs)}x`);
