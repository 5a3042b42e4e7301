// The dashboard in Debian's headless Chromium against a real agent (1 Hz) with 10, 100 and 500
// containers (cgroups made here, a sleeping process each): time to first contentful paint, to
// the page's load event and to first full data (the host charts hold history and the containers
// table holds every container: the moment the page itself saw it, not when the bench polled),
// the bytes the page fetched, and, over a steady window at 1 Hz, the browser's script and task
// time per stream update and the main thread's busy share (Chrome's own Performance.getMetrics:
// ScriptDuration, TaskDuration: wall-clock, so other work on the machine inflates it) and the
// CPU time of every Chromium process from /proc (what the goal is about).
// The peer row, a blank page, goes through exactly the same steps (a fresh context, a page served
// over HTTP on loopback, the same settle time, the same window): its times are what a fresh
// renderer and a navigation cost before the page does anything, its CPU what headless Chromium
// burns with nothing to do; "page's own CPU" is the page's minus the blank page's. The agent and
// Chromium are started before any timing; each timing starts at the page's navigation.
// Goals (issue 16): first full data <= 1 s with 100 containers; < 2 % of a core at 1 Hz.
// Run: node apps/agent/bench/dashboard-page.mjs (as root; ARCBOX_BENCH_SECONDS=20 by default,
// ARCBOX_BENCH_SETTLE=5 s after full data before the window, ARCBOX_BENCH_COUNTS=10,100,500,
// ARCBOX_BENCH_MAIN=<another build's dist/main.js> to measure that build).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import {
  agentMain,
  canMakeCgroups,
  cpuSeconds,
  median,
  startAgentOnCgroups,
  table,
} from './support/bench-support.mjs';

const chromiumPath = '/usr/bin/chromium';
const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 20);
// A window that starts at full data would count the renderer's own start-up tail (compiling,
// first layouts, GC) as steady state, on the page and on the blank page alike.
const settleSeconds = Number(process.env.ARCBOX_BENCH_SETTLE ?? 5);
const counts = (process.env.ARCBOX_BENCH_COUNTS ?? '10,100,500').split(',').map(Number);
const main = process.env.ARCBOX_BENCH_MAIN ?? agentMain;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
if (!canMakeCgroups || !existsSync(chromiumPath)) {
  console.log('skipped: needs root, a cgroup tree and Debian chromium');
  process.exit(0);
}

// CPU the whole browser used (every Chromium process: renderer, GPU/compositor, browser), from
// /proc: CPU time, so other work on the machine does not inflate it as it does wall-clock times.
function browserCpuSeconds(rootPid) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = new Set([Number(rootPid)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents)
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      total += cpuSeconds(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});

async function measure(count, runs = 3) {
  const prefix = `arcbox-bench-dash-${process.pid}-${count}`;
  const { cgroups, agent } = await startAgentOnCgroups(prefix, count, main);
  try {
    return await loadAndWatch(`${agent.url}/`, count, runs);
  } finally {
    await agent.stop();
    await cgroups.remove();
  }
}

/**
 * `runs` page loads of `url` in fresh contexts (medians), the last one then watched at 1 Hz.
 * `count` null: a blank page (full data is its load event; no stream updates to count).
 */
async function loadAndWatch(url, count, runs) {
  const paints = [];
  const loads = [];
  const fulls = [];
  const bytes = [];
  let steady = null;
  for (let run = 0; run < runs; run += 1) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    await page.goto(url);
    // The page's own clock at the frame where the data was there (polled every frame).
    const full =
      count === null
        ? null
        : await (
            await page.waitForFunction(
              (n) => {
                const d = window.arcboxDashboard;
                // Builds without historyLoaded() asked history before the stream: a point on the
                // chart was history's.
                const history = d?.historyLoaded ? d.historyLoaded() : (d?.points().cpu ?? 0) > 0;
                return Number(document.getElementById('containers')?.dataset.rows) >= n && history
                  ? performance.now()
                  : false;
              },
              count,
              { timeout: 30_000, polling: 'raf' },
            )
          ).jsonValue();
    await page.waitForFunction(
      () => performance.getEntriesByType('navigation')[0]?.loadEventEnd > 0,
    );
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      return {
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
        load: nav.loadEventEnd,
        bytes:
          nav.transferSize +
          resources
            .filter((r) => !r.name.includes('/api/v1/stream'))
            .reduce((s, r) => s + r.transferSize, 0),
      };
    });
    paints.push(timing.paint);
    loads.push(timing.load);
    fulls.push(full ?? timing.load);
    bytes.push(timing.bytes);
    // The steady state, once: CPU the page spends per 1 Hz update.
    if (run === runs - 1) {
      await page.waitForTimeout(settleSeconds * 1000);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const metric = async () => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
        const samples = await page.evaluate(() => window.arcboxDashboard?.samples() ?? 0);
        return {
          script: m.ScriptDuration,
          task: m.TaskDuration,
          cpu: browserCpuSeconds(browserPid),
          samples,
          at: performance.now(),
        };
      };
      const a = await metric();
      await page.waitForTimeout(seconds * 1000);
      const b = await metric();
      const wall = (b.at - a.at) / 1000;
      // The blank page has no updates: per update there means per second.
      const updates = count === null ? Math.round(wall) : Math.max(1, b.samples - a.samples);
      steady = {
        scriptMs: ((b.script - a.script) * 1000) / updates,
        taskMs: ((b.task - a.task) * 1000) / updates,
        busy: ((b.task - a.task) / wall) * 100,
        cpu: ((b.cpu - a.cpu) / wall) * 100,
        updates,
      };
    }
    await context.close();
  }
  return {
    count,
    paint: median(paints),
    load: median(loads),
    full: median(fulls),
    bytes: median(bytes),
    ...steady,
  };
}

// The peer in the same run: a blank page served over HTTP on loopback, loaded and watched as the
// dashboard is (what a fresh renderer and headless Chromium idle cost).
async function blankPage() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>blank</title><p>blank</p></html>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await loadAndWatch(`http://127.0.0.1:${server.address().port}/`, null, 3);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

// Playwright started Chromium as a child of this process.
const browserPid = readdirSync('/proc')
  .filter((n) => /^\d+$/.test(n))
  .find((n) => {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && /chrom/.test(readFileSync(`/proc/${n}/comm`, 'utf8'));
    } catch {
      return false;
    }
  });
if (!browserPid) throw new Error('the Chromium process was not found');
console.log(`agent: ${main}\nload average at the start: ${load()}`);
const blank = await blankPage();
const rows = [];
for (const count of counts) rows.push({ ...(await measure(count)), loadAverage: load() });
await browser.close();
table([
  [
    'containers',
    'first paint ms',
    'load event ms',
    'full data ms',
    'KiB fetched',
    'script ms / update',
    'task ms / update',
    'main thread busy %',
    'browser CPU % of a core',
    "page's own CPU % (minus blank)",
    'updates',
    'load average after',
  ],
  [
    'blank page',
    blank.paint.toFixed(0),
    blank.load.toFixed(0),
    '–',
    (blank.bytes / 1024).toFixed(1),
    '–',
    '–',
    blank.busy.toFixed(1),
    blank.cpu.toFixed(2),
    '–',
    '–',
    '',
  ],
  ...rows.map((r) => [
    r.count,
    r.paint.toFixed(0),
    r.load.toFixed(0),
    r.full.toFixed(0),
    (r.bytes / 1024).toFixed(0),
    r.scriptMs.toFixed(2),
    r.taskMs.toFixed(2),
    r.busy.toFixed(1),
    r.cpu.toFixed(2),
    (r.cpu - blank.cpu).toFixed(2),
    r.updates,
    r.loadAverage,
  ]),
]);
console.log(
  `\nmedian of 3 page loads each (fresh context each, timed from navigation); steady state over ${seconds} s at 1 Hz after ${settleSeconds} s of settling. Goals: full data <= 1000 ms at 100 containers; the page's own CPU < 2 % of a core.`,
);
