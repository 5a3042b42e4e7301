#!/usr/bin/env node
// Start-up and live-view cost of the built CLI, printed as tables of medians:
//  1. time to the first output of `snapshot --json` (minus its interval) vs the Node floor
//     (`node -e ''`) and vs loading systeminformation (the peer the issue names);
//  2. time to the first frame of `top` in a real terminal (tmux);
//  3. CPU of `top` at 1 s refresh with 100 containers (cgroups created here, removed after),
//     live in tmux and plain on a pipe, next to procps `top -b -d 1` on the same machine.
// Run: pnpm --filter arcbox-perf build && node apps/cli/bench/startup.mjs  (root for part 3)
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (!existsSync(cli)) throw new Error(`build first: ${cli} is missing`);
const runs = Number(process.env.BENCH_RUNS ?? 15);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

function table(title, header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
  console.log(`\n${title}`);
  for (const [n, r] of all.entries()) {
    console.log(
      r
        .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
        .join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

/** Milliseconds from spawn to the first stdout byte (and the process end). */
function timeToFirstOutput(args) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let first = null;
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      first = performance.now() - start;
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('exit', (code) => {
      const total = performance.now() - start;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else resolve({ first: first ?? total, total });
    });
  });
}

// ---- 1. snapshot --json
const interval = 50;
const snapshot = [];
const floor = [];
const siLoad = [];
const linuxDir = fileURLToPath(new URL('../../../packages/linux/', import.meta.url));
let siPath = null;
try {
  siPath = createRequire(join(linuxDir, 'package.json')).resolve('systeminformation');
} catch {
  // not installed: the row is left out
}
for (let i = 0; i < runs; i += 1) {
  snapshot.push(
    (await timeToFirstOutput([cli, 'snapshot', '--json', '--interval', String(interval)])).first -
      interval,
  );
  floor.push((await timeToFirstOutput(['-e', 'process.stdout.write("x")'])).first);
  if (siPath)
    siLoad.push(
      (
        await timeToFirstOutput([
          '-e',
          `require(${JSON.stringify(siPath)}); process.stdout.write("x")`,
        ])
      ).first,
    );
}
const snapRow = median(snapshot);
const rows1 = [
  ['arcbox-perf snapshot --json (minus interval)', fmt(snapRow), '1.00x'],
  [
    'node floor: node -e (print one byte)',
    fmt(median(floor)),
    `${(median(floor) / snapRow).toFixed(2)}x`,
  ],
];
if (siPath)
  rows1.push([
    'node + require("systeminformation")',
    fmt(median(siLoad)),
    `${(median(siLoad) / snapRow).toFixed(2)}x`,
  ]);
table(
  `Start-up to first output, median of ${runs} runs (goal: under 300 ms)`,
  ['what', 'median', 'vs ours'],
  rows1,
);

// ---- tmux helpers for 2 and 3
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
// A tmux server of its own, on a socket in a folder removed at the end.
const socketDir = mkdtempSync(join(tmpdir(), 'arcbox-bench-tmux-'));
const socket = join(socketDir, 'tmux.sock');
const tmux = (args) =>
  new Promise((resolve, reject) =>
    execFile('tmux', ['-S', socket, '-f', '/dev/null', ...args], (e, out) =>
      e ? reject(e) : resolve(out),
    ),
  );
const ticks = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
};
const clockTicks = 100; // USER_HZ

if (!hasTmux) {
  console.log('\n(tmux missing: first-frame and live CPU rows skipped; apt-get install tmux)');
} else {
  // ---- 2. first frame of top
  await tmux(['new-session', '-d', '-s', 'bench', '-x', '160', '-y', '45', '--', 'sleep', '600']);
  const frames = [];
  for (let i = 0; i < Math.min(runs, 10); i += 1) {
    const start = performance.now();
    const pane = (
      await tmux([
        'new-window',
        '-d',
        '-P',
        '-F',
        '#{pane_id}',
        '-t',
        'bench',
        '--',
        process.execPath,
        cli,
        'top',
      ])
    ).trim();
    let seen = null;
    while (seen === null && performance.now() - start < 10_000) {
      const screen = await tmux(['capture-pane', '-p', '-t', pane]);
      // The first frame with figures (memory is known from the first reading, before any rate).
      if (/^MEM +\d/m.test(screen)) seen = performance.now() - start;
    }
    await tmux(['send-keys', '-t', pane, 'q']);
    await sleep(200);
    await tmux(['kill-pane', '-t', pane]).catch(() => undefined);
    if (seen !== null) frames.push(seen);
  }
  table(
    `Start-up to the first frame of top in tmux, median of ${frames.length} runs (goal: under 300 ms; includes tmux spawning the pane and a capture-pane poll)`,
    ['what', 'median'],
    [['arcbox-perf top, first frame on screen', fmt(median(frames))]],
  );

  // ---- 3. CPU of the live view with 100 containers
  const root = process.getuid?.() === 0;
  const base = '/sys/fs/cgroup';
  const v2 = existsSync(join(base, 'cgroup.controllers'));
  // Every mounted hierarchy, as runc creates a container's cgroup in each (v1 and a hybrid's
  // unified tree), so the collector finds every file it reads.
  const controllers = v2
    ? ['']
    : readdirSync(base).filter(
        // cpuset needs its cpus and mems set before a process may join; the collector reads none of it.
        (c) => existsSync(join(base, c, 'cgroup.procs')) && c !== 'systemd' && c !== 'cpuset',
      );
  const names = Array.from(
    { length: 100 },
    (_, i) => `arcbox-bench-${process.pid}-${String(i).padStart(3, '0')}`,
  );
  const dirs = names.flatMap((n) => controllers.map((c) => join(base, c, n)));
  const measureSeconds = Number(process.env.BENCH_SECONDS ?? 20);
  const cpuOf = async (argv, { tty }) => {
    let pid;
    let child = null;
    if (tty) {
      pid = Number(
        (
          await tmux(['new-window', '-d', '-P', '-F', '#{pane_pid}', '-t', 'bench', '--', ...argv])
        ).trim(),
      );
    } else {
      child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.resume();
      pid = child.pid;
    }
    await sleep(3000); // start-up and the first samples are not the steady state
    const t0 = ticks(pid);
    const w0 = performance.now();
    await sleep(measureSeconds * 1000);
    const used = (ticks(pid) - t0) / clockTicks;
    const wall = (performance.now() - w0) / 1000;
    if (tty) await tmux(['send-keys', '-t', `bench:{end}`, 'q']).catch(() => undefined);
    process.kill(pid, 'SIGTERM');
    if (child) await new Promise((r) => child.once('exit', r));
    await sleep(200);
    return (100 * used) / wall;
  };
  if (!root) {
    console.log('\n(not root: the 100-container CPU rows need cgroups and are skipped)');
  } else {
    const sleepers = [];
    try {
      for (const d of dirs) mkdirSync(d, { recursive: true });
      // A resident process in each cgroup, as a container has: one `sleep` per cgroup.
      for (const n of names) {
        const s = spawn('sleep', ['600'], { stdio: 'ignore' });
        sleepers.push(s);
        for (const c of controllers) writeFileSync(join(base, c, n, 'cgroup.procs'), String(s.pid));
      }
      const glob = `/arcbox-bench-${process.pid}-*`;
      const live = await cpuOf(
        [process.execPath, cli, 'top', '--interval', '1000', '--cgroup', glob],
        { tty: true },
      );
      const plain = await cpuOf(
        [process.execPath, cli, 'top', '--interval', '1000', '--cgroup', glob],
        { tty: false },
      );
      const procps = await cpuOf(['top', '-b', '-d', '1'], { tty: false });
      table(
        `CPU over ${measureSeconds} s at 1 s refresh with 100 containers (goal: under 2 % of a core)`,
        ['what', '% of one core'],
        [
          ['arcbox-perf top, live view in tmux', `${live.toFixed(2)} %`],
          ['arcbox-perf top, plain table on a pipe', `${plain.toFixed(2)} %`],
          ['procps top -b -d 1 (all processes, peer)', `${procps.toFixed(2)} %`],
        ],
      );
    } finally {
      for (const s of sleepers) s.kill('SIGKILL');
      await sleep(300);
      for (const d of dirs) {
        for (let i = 0; i < 30; i += 1) {
          try {
            rmdirSync(d);
            break;
          } catch (e) {
            if (e.code === 'ENOENT') break;
            await sleep(100);
          }
        }
      }
    }
  }
  await tmux(['kill-server']).catch(() => undefined);
}
rmSync(socketDir, { recursive: true, force: true });
