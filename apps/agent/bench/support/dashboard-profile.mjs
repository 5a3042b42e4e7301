// Where the dashboard's browser CPU goes, to pick what to cut next (dashboard-page.mjs says how
// much there is): the agent at 1 Hz with ARCBOX_BENCH_COUNT containers (100), the page open in
// headless Chromium as the bench opens it, then over ARCBOX_BENCH_SECONDS (20) the CPU of every
// Chromium thread from /proc (renderer main thread, compositor, raster workers, the browser and
// GPU processes), and with ARCBOX_BENCH_JS=1 the renderer's JavaScript self time by function
// (CDP Profiler). ARCBOX_BENCH_EVAL=<script> runs in the page before the window. ARCBOX_BENCH_HIDE=1 hides the page's body first (no drawing at all): what is
// left is reading the stream and the page's script. ARCBOX_BENCH_TRACE=1 adds a Chrome trace's
// self time by thread and event, and frames a second (ARCBOX_BENCH_TIMELINE=<event names,...>
// lists those events of the renderer's main thread in order); ARCBOX_BENCH_SHOT=<file.png> saves
// what the viewport shows. ARCBOX_BENCH_MAIN picks another build. Tracing and profiling cost
// CPU themselves: compare runs made the same way.
// Run: node apps/agent/bench/support/dashboard-profile.mjs (as root, Debian chromium).
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { agentMain, startAgentOnCgroups } from './bench-support.mjs';

const count = Number(process.env.ARCBOX_BENCH_COUNT ?? 100);
const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 20);
const main = process.env.ARCBOX_BENCH_MAIN ?? agentMain;
const ticks = 100;

const statOf = (path) => {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / ticks };
};

/** CPU seconds of every thread of every process under `root`, keyed "<process type>/<thread>". */
function threadSeconds(root) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parents.set(Number(name), statOf(`/proc/${name}/stat`).ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents)
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  const out = new Map();
  for (const pid of tree) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      const extra = /--utility-sub-type=([\w.]+)/.exec(cmd)?.[1];
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const key = `${type}${extra ? `(${extra.split('.').pop()})` : ''}[${pid}]/${comm.replace(/\d+$/, '#')}`;
        out.set(key, (out.get(key) ?? 0) + statOf(`/proc/${pid}/task/${tid}/stat`).cpu);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const browserPid = Number(
  readdirSync('/proc').find((n) => {
    try {
      return (
        /^\d+$/.test(n) &&
        statOf(`/proc/${n}/stat`).ppid === process.pid &&
        /chrom/.test(readFileSync(`/proc/${n}/comm`, 'utf8'))
      );
    } catch {
      return false;
    }
  }),
);
const prefix = `arcbox-bench-prof-${process.pid}`;
const { cgroups, agent } = await startAgentOnCgroups(prefix, count, main);
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${agent.url}/`);
  await page.waitForFunction(
    (n) => Number(document.getElementById('containers')?.dataset.rows) >= n,
    count,
    { timeout: 30_000 },
  );
  if (process.env.ARCBOX_BENCH_HIDE) await page.evaluate(() => (document.body.hidden = true));
  // Any other change to try on the open page (hide a part of it, say).
  if (process.env.ARCBOX_BENCH_EVAL) await page.evaluate(process.env.ARCBOX_BENCH_EVAL);
  await page.waitForTimeout(8000);
  if (process.env.ARCBOX_BENCH_SHOT) await page.screenshot({ path: process.env.ARCBOX_BENCH_SHOT });
  const cdp = await context.newCDPSession(page);
  if (process.env.ARCBOX_BENCH_JS) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  if (process.env.ARCBOX_BENCH_TRACE)
    await browser.startTracing(page, {
      categories: [
        'devtools.timeline',
        'blink',
        'cc',
        'gpu',
        'v8',
        'toplevel',
        'disabled-by-default-devtools.timeline',
      ],
    });
  const before = threadSeconds(browserPid);
  const t0 = performance.now();
  await page.waitForTimeout(seconds * 1000);
  const after = threadSeconds(browserPid);
  const wall = (performance.now() - t0) / 1000;
  console.log(`agent: ${main}; ${count} containers; ${wall.toFixed(1)} s; load ${loadavg()}`);
  const rows = [...after]
    .map(([k, v]) => [k, ((v - (before.get(k) ?? 0)) / wall) * 100])
    .filter(([, v]) => v > 0.01)
    .sort((a, b) => b[1] - a[1]);
  let sum = 0;
  for (const [k, v] of rows) {
    sum += v;
    console.log(`${v.toFixed(2).padStart(6)} %  ${k}`);
  }
  console.log(`${sum.toFixed(2).padStart(6)} %  every Chromium thread`);
  if (process.env.ARCBOX_BENCH_TRACE) summariseTrace(JSON.parse(await browser.stopTracing()), wall);
  if (process.env.ARCBOX_BENCH_JS) {
    const { profile } = await cdp.send('Profiler.stop');
    const self = new Map();
    const dt = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i += 1) {
      const n = dt.get(profile.samples[i]);
      const f = n.callFrame;
      const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    }
    const total = [...self].filter(([k]) => !k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
    console.log(
      `\nrenderer main thread, profiled (not idle): ${((total / 1000 / wall) * 100).toFixed(2)} % of a core`,
    );
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
      console.log(`${((v / 1000 / wall) * 100).toFixed(3).padStart(7)} %  ${k}`);
  }
  await context.close();
} finally {
  await browser.close();
  await agent.stop();
  await cgroups.remove();
}

/** Self time of the trace's complete events by thread and name (nested events subtracted). */
function summariseTrace(trace, wall) {
  const events = trace.traceEvents ?? trace;
  const names = new Map();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number') continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const self = new Map();
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = [];
    const add = (e, d) => {
      const k = `${names.get(key) ?? key} ${e.name}`;
      self.set(k, (self.get(k) ?? 0) + d);
    };
    for (const e of list) {
      while (stack.length > 0 && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent) add(parent, -Math.min(e.dur, parent.ts + parent.dur - e.ts));
      add(e, e.dur);
      stack.push(e);
    }
  }
  const counted = [
    'ProxyMain::BeginMainFrame::commit',
    'Paint',
    'LocalFrameView::performLayout',
    'Canvas2DResourceProvider::ProduceCanvasResource',
  ];
  for (const name of counted)
    console.log(
      `${name}: ${(events.filter((e) => e.name === name).length / wall).toFixed(2)} a second`,
    );
  if (process.env.ARCBOX_BENCH_TIMELINE) {
    const wanted = new Set(process.env.ARCBOX_BENCH_TIMELINE.split(','));
    const main = events.filter(
      (e) => wanted.has(e.name) && names.get(`${e.pid}:${e.tid}`) === 'CrRendererMain',
    );
    const t0 = main[0]?.ts ?? 0;
    for (const e of main.sort((a, b) => a.ts - b.ts).slice(0, 80))
      console.log(
        `${((e.ts - t0) / 1000).toFixed(1).padStart(9)} ms ${((e.dur ?? 0) / 1000).toFixed(2).padStart(6)} ms  ${e.name} ${JSON.stringify(e.args?.data ?? {}).slice(0, 100)}`,
      );
  }
  console.log('\ntrace, self time by thread and event (% of a core, wall clock):');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`${((v / 1e6 / wall) * 100).toFixed(3).padStart(7)} %  ${k}`);
}
