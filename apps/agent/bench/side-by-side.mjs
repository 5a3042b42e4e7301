// Agents of different builds or Node flags side by side on the same N cgroups (made here) for a
// long run: each one's CPU over each minute and, each minute, its resident memory split into
// glibc's main heap ([heap] in /proc/<pid>/smaps: the store's buffers, SQLite, native parts) and
// V8's heap pages (its anonymous 256 KiB mappings), so a growth shows where it is. Issue 15's
// hour-long memory figures at 1,000 containers come from it.
// ARCBOX_BENCH_VARIANTS='name|main.js|flags;...' (main.js empty: this checkout's build; flags
// space-separated Node flags), ARCBOX_BENCH_SIZE=1000, ARCBOX_BENCH_MINUTES=60.
// Run: ARCBOX_BENCH_VARIANTS='before|/path/to/other/checkout/apps/agent/dist/main.js|;after||'
// node apps/agent/bench/side-by-side.mjs (as root, after pnpm build).
import { readFileSync } from 'node:fs';
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  rssBytes,
  startAgent,
} from './support/bench-support.mjs';

const n = Number(process.env.ARCBOX_BENCH_SIZE ?? 1000);
const minutes = Number(process.env.ARCBOX_BENCH_MINUTES ?? 60);
const variants = (process.env.ARCBOX_BENCH_VARIANTS ?? 'this||').split(';').map((v) => {
  const [name, main, flags] = v.split('|');
  return { name, main: main || undefined, flags: flags ? flags.split(' ') : [] };
});
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make cgroups');
  process.exit(0);
}

/** MB resident in glibc's main heap and in V8's 256 KiB heap pages. */
function split(pid) {
  let heap = 0;
  let v8 = 0;
  let kind = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (m) {
      const kb = (Number.parseInt(m[2], 16) - Number.parseInt(m[1], 16)) / 1024;
      kind = m[3] === '[heap]' ? 'heap' : m[3] === '' && kb === 256 ? 'v8' : '';
    } else if (kind && line.startsWith('Rss:')) {
      const kb = Number(line.split(/\s+/)[1]);
      if (kind === 'heap') heap += kb;
      else v8 += kb;
    }
  }
  return { heap: heap / 1024, v8: v8 / 1024 };
}

const prefix = `arcbox-side-${process.pid}`;
const groups = await makeCgroups(prefix, n);
const config = `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n  processes: { enabled: false }\nhistory: { flushInterval: 10s }\n`;
const agents = [];
// Ctrl-C ends the run early; the agents are still stopped and the cgroups removed.
let interrupted = false;
let wake = () => {};
process.once('SIGINT', () => {
  interrupted = true;
  wake();
});
try {
  for (const v of variants)
    agents.push({ v, a: await startAgent(config, { main: v.main, nodeArgs: v.flags }) });
  console.log(
    `${n} cgroups, 1 Hz, history, default rules, processes off; per agent: CPU % of a core over the minute, RSS MB (main heap MB + V8 pages MB)`,
  );
  let last = agents.map(({ a }) => cpuSeconds(a.child.pid));
  for (let m = 1; m <= minutes && !interrupted; m++) {
    await new Promise((r) => {
      const t = setTimeout(r, 60_000);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
    if (interrupted) break;
    const now = agents.map(({ a }) => cpuSeconds(a.child.pid));
    const cells = agents.map(({ v, a }, i) => {
      const { heap, v8 } = split(a.child.pid);
      const cpu = ((now[i] - last[i]) / 60) * 100;
      return `${v.name}: ${cpu.toFixed(2)} % ${(rssBytes(a.child.pid) / 1048576).toFixed(1)} MB (${heap.toFixed(1)} + ${v8.toFixed(1)})`;
    });
    console.log(`${new Date().toISOString().slice(11, 19)} minute ${m} | ${cells.join(' | ')}`);
    last = now;
  }
} finally {
  for (const { a } of agents) await a.stop();
  await groups.remove();
}
