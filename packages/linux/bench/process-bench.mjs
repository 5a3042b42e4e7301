#!/usr/bin/env node
// Cost of one full process scan with about 500 processes (idle `sleep` children are spawned to
// get there, and killed after): our collector in its steady state (each round: stat on a kept
// descriptor, plus status and io for the processes whose CPU time or rss moved; idle ones every 60 s) and
// on a first scan (a new collector: stat, status, io, cmdline and cgroup of every process) against the floor of reading the same files raw
// (open, readSync into one reused buffer, close; no parsing), against spawning
// `ps -eo pid,ppid,pcpu,rss,comm` (its CPU counted from our cutime+cstime once reaped), and
// against systeminformation.processes(). Prints medians and ratios; CPU is user + system.
// Run: pnpm --filter @arcbox/perf-linux build && node packages/linux/bench/process-bench.mjs
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import si from 'systeminformation';
import { createLinuxProcessCollector } from '../dist/index.js';

const TARGET = Number(process.env.BENCH_PROCESSES ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const SI_ROUNDS = Number(process.env.BENCH_SI_ROUNDS ?? 5);
const signal = new AbortController().signal;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));

/** Our CPU (user + system) plus our reaped children's (cutime + cstime), ms. */
function cpuMs() {
  const u = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(f[16 - 3]) + Number(f[17 - 3])) * 10; // USER_HZ = 100
  return (u.user + u.system) / 1000 + children;
}

/** `after`, untimed, runs after each call (a first scan's collector is closed there). */
async function measure(fn, rounds, gapMs = 0, after = () => {}) {
  const gap = () => (gapMs ? new Promise((r) => setTimeout(r, gapMs)) : undefined);
  for (let i = 0; i < Math.min(3, rounds); i++) {
    await gap();
    await fn();
    after();
  }
  const wall = [];
  const cpu = [];
  for (let i = 0; i < rounds; i++) {
    await gap();
    const c0 = cpuMs();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    after();
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const buffer = Buffer.allocUnsafe(64 * 1024);
function rawRead(files) {
  return () => {
    for (const pid of pids()) {
      for (const file of files) {
        let fd;
        try {
          fd = openSync(`/proc/${pid}/${file}`, 'r');
          readSync(fd, buffer, 0, buffer.length, 0);
        } catch {
          // exited, or io not readable
        } finally {
          if (fd !== undefined) closeSync(fd);
        }
      }
    }
  };
}

const children = [];
try {
  while (pids().length < TARGET) children.push(spawn('sleep', ['3600'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 500));
  const count = pids().length;
  const steady = createLinuxProcessCollector();
  await steady.collect({ signal });
  // Each first scan is a new collector keeping its processes' stat open: closed once measured,
  // or a host of a thousand processes runs out of descriptors in twenty rounds.
  let firstScan = null;
  const rows = [
    ['raw floor: stat+status+io', await measure(rawRead(['stat', 'status', 'io']), ROUNDS)],
    [
      'ours, steady (kept stat; status+io if busy)',
      await measure(() => steady.collect({ signal }), ROUNDS),
    ],
    [
      'raw floor: +cmdline+cgroup',
      await measure(rawRead(['stat', 'status', 'io', 'cmdline', 'cgroup']), ROUNDS),
    ],
    [
      'ours, first scan (+cmdline+cgroup)',
      await measure(
        () => {
          firstScan = createLinuxProcessCollector();
          return firstScan.collect({ signal });
        },
        ROUNDS,
        0,
        () => firstScan?.close(),
      ),
    ],
    [
      'spawn ps -eo pid,ppid,pcpu,rss,comm',
      await measure(() => {
        const r = spawnSync('ps', ['-eo', 'pid,ppid,pcpu,rss,comm'], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error('ps failed');
      }, ROUNDS),
    ],
    // systeminformation answers from a cache for 500 ms after a call: 600 ms between rounds.
    ['systeminformation.processes()', await measure(() => si.processes(), SI_ROUNDS, 600)],
  ];
  steady.close();
  const floor = rows[0][1].cpu;
  const firstFloor = rows[2][1].cpu;
  console.log(`processes: ${count}, rounds: ${ROUNDS} (systeminformation: ${SI_ROUNDS}), medians`);
  console.log(
    `${'scan'.padEnd(38)}${'wall ms'.padStart(10)}${'CPU ms'.padStart(10)}${'CPU / steady floor'.padStart(20)}${'CPU / ours steady'.padStart(19)}`,
  );
  const ours = rows[1][1].cpu;
  for (const [name, r] of rows)
    console.log(
      `${name.padEnd(38)}${r.wall.toFixed(2).padStart(10)}${r.cpu.toFixed(2).padStart(10)}${(r.cpu / floor).toFixed(2).padStart(19)}x${(r.cpu / ours).toFixed(1).padStart(18)}x`,
    );
  console.log(
    `ours first scan / its floor (same 5 files): ${(rows[3][1].cpu / firstFloor).toFixed(2)}x`,
  );
} finally {
  for (const c of children) c.kill('SIGKILL');
}
