// What V8's young generation size costs the agent in garbage collection: one agent per
// semi-space size (ARCBOX_BENCH_SEMI, MiB, default 4,2,1) at once on the same N cgroups (made
// here; ARCBOX_BENCH_SIZE, default 100), 1 Hz, history and default rules, each with --trace-gc;
// the collections after ARCBOX_BENCH_WARMUP s (default 30) are counted and their times summed
// over ARCBOX_BENCH_SECONDS (default 150 in all). The resident memory the sizes save is what
// day-of-history.mjs and side-by-side.mjs measure with the same flags (their VARIANTS).
// Run: node apps/agent/bench/young-generation.mjs (as root, after pnpm build).
import { canMakeCgroups, makeCgroups, startAgent, table } from './support/bench-support.mjs';

const n = Number(process.env.ARCBOX_BENCH_SIZE ?? 100);
const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 150);
const warmup = Number(process.env.ARCBOX_BENCH_WARMUP ?? 30);
const sizes = (process.env.ARCBOX_BENCH_SEMI ?? '4,2,1').split(',').map(Number);
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make cgroups');
  process.exit(0);
}

// "[pid:0x..]   9384 ms: Scavenge 11.1 (14.4) -> 10.3 (15.4) MB, 1.62 / 0.00 ms  (...)"
const GC_LINE =
  /: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Compact)[^,]*, ([\d.]+) \/ [\d.]+ ms/;

const prefix = `arcbox-young-${process.pid}`;
const groups = await makeCgroups(prefix, n);
const agents = [];
try {
  for (const mib of sizes) {
    const flags = [`--min-semi-space-size=${mib}`, `--max-semi-space-size=${mib}`, '--trace-gc'];
    const { child, stop } = await startAgent(
      `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n`,
      { nodeArgs: flags, stdout: true },
    );
    const start = performance.now();
    const agent = { mib, stop, young: [0, 0], full: [0, 0] };
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      // Each agent's own window: the agents start one after another.
      const at = performance.now() - start;
      if (at < warmup * 1000 || at > seconds * 1000) return;
      for (const line of lines) {
        const m = GC_LINE.exec(line);
        if (!m) continue;
        const kind = m[1] === 'Scavenge' || m[1] === 'Minor Mark-Compact' ? 'young' : 'full';
        agent[kind][0] += 1;
        agent[kind][1] += Number(m[2]);
      }
    });
    agents.push(agent);
  }
  // The last agent started last: its window ends last.
  await new Promise((r) => setTimeout(r, seconds * 1000 + 500));
  const span = seconds - warmup;
  console.log(
    `${n} cgroups, 1 Hz, history, default rules; garbage collections of each agent over ${span} s after ${warmup} s (--trace-gc)`,
  );
  table([
    [
      'semi-space',
      'young collections',
      'their ms a second',
      'full collections',
      'their ms a second',
      'all, ms a second',
    ],
    ...agents.map((a) => [
      `${a.mib} MiB`,
      String(a.young[0]),
      (a.young[1] / span).toFixed(2),
      String(a.full[0]),
      (a.full[1] / span).toFixed(2),
      ((a.young[1] + a.full[1]) / span).toFixed(2),
    ]),
  ]);
} finally {
  for (const a of agents) await a.stop();
  await groups.remove();
}
