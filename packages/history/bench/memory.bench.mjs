// 24 h at 1 Hz of system + 100 containers in the default store (1 s for 1 h, 1 min for 24 h,
// 1 h for 30 days). Goals: < 128 MB resident for the whole process, <= 8 bytes per stored value.
// Each figure comes from a fresh process: the store with Node's default flags, the store with
// V8's young generation capped (--max-semi-space-size=2), and the same load with a store that
// keeps nothing (what the load generator itself costs). Run: node bench/memory.bench.mjs
import { execFileSync } from 'node:child_process';
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
  const capped = run(['--max-semi-space-size=2'], 'store');
  const noop = run([], 'noop');
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
      measure: 'RSS whole process, --max-semi-space-size=2 (MB)',
      value: mb(capped.rss),
      goal: '< 128',
    },
    { measure: 'fill time (s)', value: (store.fillMs / 1000).toFixed(1), goal: '' },
  ]);
} else {
  const store = mode === 'noop' ? { appendSample() {} } : createHistoryStore();
  const started = performance.now();
  fillDay(store);
  const fillMs = performance.now() - started;
  gc();
  const m = process.memoryUsage();
  const stats = mode === 'noop' ? { series: 0, bytes: 0, storedValues: 0 } : store.stats();
  process.stdout.write(JSON.stringify({ ...stats, rss: m.rss, heapTotal: m.heapTotal, fillMs }));
}
