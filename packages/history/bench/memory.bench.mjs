// 24 h at 1 Hz of system + 100 containers in the default store (1 s for 1 h, 1 min for 24 h,
// 1 h for 30 days). Goals: < 128 MB resident for the whole process, <= 8 bytes per stored value.
// Each figure comes from a fresh process: the store with Node's default flags, the store with
// V8's young generation stopped at 2 MiB semi-spaces as the agent does (apps/agent
// src/runtime/young-generation.ts: --semi-space-growth-factor=1 once it is that big), and the
// same load with a store that
// keeps nothing (what the load generator itself costs), and the original's way (a plain queue of
// the last 3600 metrics objects per series, which is all it kept: one hour at 1 Hz).
// Run: node bench/memory.bench.mjs
import { execFileSync } from 'node:child_process';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { createHistoryStore } from '../dist/index.js';
import { printTable } from './constructed-load.js';
import { fillDay } from './fill-day.js';

const self = new URL(import.meta.url).pathname;
const mode = process.argv[2];

if (mode === undefined) {
  const run = (flags, which) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', ...flags, self, which], { encoding: 'utf8' }),
    );
  const store = run([], 'store');
  const capped = run([], 'store-capped');
  const noop = run([], 'noop');
  const queue = run([], 'queue');
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  printTable([
    { measure: 'samples appended (1 Hz, 24 h), series', value: `86400, ${store.series}`, goal: '' },
    {
      measure: 'stored values (raw + 4 per bucket field + times)',
      value: store.storedValues,
      goal: '',
    },
    { measure: 'typed-array bytes (MB)', value: mb(store.bytes), goal: '' },
    {
      measure: 'bytes per stored value (typed arrays)',
      value: (store.bytes / store.storedValues).toFixed(2),
      goal: '<= 8',
    },
    {
      measure: 'RSS growth over the no-op store, per stored value',
      value: ((store.rss - noop.rss) / store.storedValues).toFixed(2),
      goal: '<= 8',
    },
    { measure: 'RSS, load generator with a no-op store (MB)', value: mb(noop.rss), goal: '' },
    { measure: 'RSS whole process, default Node flags (MB)', value: mb(store.rss), goal: '< 128' },
    { measure: '  V8 heap total of that process (MB)', value: mb(store.heapTotal), goal: '' },
    {
      measure: 'RSS whole process, young generation capped as the agent does (MB)',
      value: mb(capped.rss),
      goal: '< 128',
    },
    {
      // Its RSS swings from 350 MB to 1 GB between runs (memory the allocator keeps), its heap does not.
      measure: "original's queue of 3600 objects per series (1 h): V8 heap (MB)",
      value: mb(queue.heapTotal),
      goal: '',
    },
    {
      measure: 'store (24 h): V8 heap + typed arrays (MB)',
      value: mb(store.heapTotal + store.bytes),
      goal: '',
    },
    { measure: 'fill time (s)', value: (store.fillMs / 1000).toFixed(1), goal: '' },
  ]);
} else {
  const inner =
    mode === 'noop'
      ? { appendSample() {} }
      : mode === 'queue'
        ? createQueue()
        : createHistoryStore();
  const store = mode === 'store-capped' ? capYoungGeneration(inner) : inner;
  const started = performance.now();
  fillDay(store);
  const fillMs = performance.now() - started;
  gc();
  const m = process.memoryUsage();
  const stats = inner.stats ? inner.stats() : { series: 0, bytes: 0, storedValues: 0 };
  process.stdout.write(JSON.stringify({ ...stats, rss: m.rss, heapTotal: m.heapTotal, fillMs }));
}

/** Appends through `store`, stopping the young generation's growth at 4 MiB as the agent does. */
function capYoungGeneration(store) {
  let stopped = false;
  let k = 0;
  return {
    appendSample(sample) {
      store.appendSample(sample);
      k += 1;
      if (stopped || k % 10 !== 0) return;
      const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
      if (young.space_size >= 4 * 2 ** 20) {
        setFlagsFromString('--semi-space-growth-factor=1');
        stopped = true;
      }
    },
  };
}

/** The seed's history: the last 3600 metrics objects of each series, nothing else. */
function createQueue() {
  const queues = new Map();
  const keep = (key, m) => {
    let q = queues.get(key);
    if (!q) {
      q = [];
      queues.set(key, q);
    }
    q.push(m);
    if (q.length > 3600) q.shift();
  };
  return {
    appendSample(s) {
      keep('system', s.system);
      for (const c of s.containers) keep(c.id, c);
    },
  };
}
