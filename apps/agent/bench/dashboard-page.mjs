// The dashboard in Debian's headless Chromium against a real agent (1 Hz) with 10 and with 500
// containers (cgroups made here, a sleeping process each): time to the page's load event, to
// first full data (the containers table holds every container), the bytes the page fetched,
// and, over a steady 20 s at 1 Hz, the browser's script and task time per stream update and
// the main thread's busy share (Chrome's own Performance.getMetrics: ScriptDuration,
// TaskDuration: wall-clock, so other work on the machine inflates it) and the CPU time of every
// Chromium process from /proc (what the goal is about), beside an idle page in the same browser.
// Goals (issue 16): first full data <= 1 s with 100 containers; < 2 % of a core at 1 Hz.
// Run: node apps/agent/bench/dashboard-page.mjs (as root; ARCBOX_BENCH_SECONDS=20 by default).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  median,
  startAgent,
  table,
} from './support/bench-support.mjs';

const chromiumPath = '/usr/bin/chromium';
const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 20);
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
  const cgroups = await makeCgroups(prefix, count);
  const agent = await startAgent(
    `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n`,
  );
  try {
    // Let the agent see every container before the page opens.
    for (let i = 0; i < 100; i += 1) {
      const s = await (await fetch(`${agent.url}/api/v1/snapshot`)).json().catch(() => null);
      if (s?.containers?.length >= count) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const loads = [];
    const fulls = [];
    const bytes = [];
    let steady = null;
    for (let run = 0; run < runs; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const page = await context.newPage();
      await page.goto(`${agent.url}/`);
      await page.waitForFunction(
        (n) => Number(document.getElementById('containers')?.dataset.rows) >= n,
        count,
        { timeout: 30_000, polling: 'raf' },
      );
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource');
        return {
          full: performance.now(),
          load: nav.loadEventEnd,
          bytes:
            nav.transferSize +
            resources
              .filter((r) => !r.name.includes('/api/v1/stream'))
              .reduce((s, r) => s + r.transferSize, 0),
        };
      });
      loads.push(timing.load);
      fulls.push(timing.full);
      bytes.push(timing.bytes);
      // The steady state, once: CPU the page spends per 1 Hz update.
      if (run === runs - 1) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const metric = async () => {
          const { metrics } = await cdp.send('Performance.getMetrics');
          const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
          const samples = await page.evaluate(() => window.arcboxDashboard.samples());
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
        const updates = Math.max(1, b.samples - a.samples);
        const wall = (b.at - a.at) / 1000;
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
    return { count, load: median(loads), full: median(fulls), bytes: median(bytes), ...steady };
  } finally {
    await agent.stop();
    await cgroups.remove();
  }
}

// The peer in the same run: an empty page over the same window (what the browser costs idle).
async function idlePage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<!doctype html><title>idle</title><p>idle</p>');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const a = await task();
  const cpuA = browserCpuSeconds(browserPid);
  const start = performance.now();
  await page.waitForTimeout(seconds * 1000);
  const wall = (performance.now() - start) / 1000;
  const busy = (((await task()) - a) / wall) * 100;
  const cpu = ((browserCpuSeconds(browserPid) - cpuA) / wall) * 100;
  await context.close();
  return { busy, cpu };
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
const idle = await idlePage();
const rows = [];
for (const count of [10, 100, 500]) rows.push(await measure(count));
await browser.close();
table([
  [
    'containers',
    'load event ms',
    'full data ms',
    'KiB fetched',
    'script ms / update',
    'task ms / update',
    'main thread busy %',
    'browser CPU % of a core',
    'idle page CPU %',
    'updates',
  ],
  ...rows.map((r) => [
    r.count,
    r.load.toFixed(0),
    r.full.toFixed(0),
    (r.bytes / 1024).toFixed(0),
    r.scriptMs.toFixed(2),
    r.taskMs.toFixed(2),
    r.busy.toFixed(1),
    r.cpu.toFixed(2),
    idle.cpu.toFixed(2),
    r.updates,
  ]),
]);
console.log(
  `\nidle page (peer, same browser, same length of window): ${idle.cpu.toFixed(2)} % of a core (main thread busy ${idle.busy.toFixed(2)} %)`,
);
console.log(
  `\nmedian of 3 page loads each; steady state over ${seconds} s at 1 Hz. Goals: full data <= 1000 ms at 100 containers; browser CPU < 2 % of a core.`,
);
