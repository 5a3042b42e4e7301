// 24 h at 1 Hz of system + 100 containers in the default store (1 s for 1 h, 1 min for 24 h,
// 1 h for 30 days). Goals: < 128 MB resident for the whole process, <= 8 bytes per stored value.
// The same loop with a store that keeps nothing runs in a second process, to show what the
// load generator itself costs. Run: node bench/memory.bench.mjs (it re-runs itself with --expose-gc).
import { execFileSync } from 'node:child_process';
import { createHistoryStore } from '../dist/index.js';
import { printTable } from './constructed-load.js';
import { fillDay } from './fill-day.js';

const self = new URL(import.meta.url).pathname;
const mode = process.argv[2];
if (typeof globalThis.gc !== 'function') {
  execFileSync(process.execPath, ['--expose-gc', self, 'store'], { stdio: 'inherit' });
  process.exit(0);
}
const mb = (b) => (b / 2 ** 20).toFixed(1);
gc();
const before = process.memoryUsage();
const store = mode === 'noop' ? { appendSample() {} } : createHistoryStore();
const started = performance.now();
fillDay(store);
const fillMs = performance.now() - started;
gc();
const after = process.memoryUsage();
if (mode === 'noop') {
  process.stdout.write(JSON.stringify({ rss: after.rss }));
  process.exit(0);
}
const noop = JSON.parse(
  execFileSync(process.execPath, ['--expose-gc', self, 'noop'], { encoding: 'utf8' }),
);
const stats = store.stats();
const values = stats.storedValues;
const rawValues = store.series().reduce((n, s) => n + s.rawRows * (s.fields.length + 1), 0);
const ok = after.rss < 128 * 2 ** 20 && stats.bytes / values <= 8;
printTable([
  { measure: 'samples appended (1 Hz, 24 h)', value: 86_400, goal: '' },
  { measure: 'series', value: stats.series, goal: '' },
  { measure: 'stored values (raw + 4 per bucket field + times)', value: values, goal: '' },
  { measure: '  of which raw', value: rawValues, goal: '' },
  { measure: 'typed-array bytes (MB)', value: mb(stats.bytes), goal: '' },
  {
    measure: 'bytes per stored value (typed arrays)',
    value: (stats.bytes / values).toFixed(2),
    goal: '<= 8',
  },
  {
    measure: 'RSS growth per stored value (bytes)',
    value: ((after.rss - before.rss) / values).toFixed(2),
    goal: '',
  },
  { measure: 'RSS at start (MB)', value: mb(before.rss), goal: '' },
  { measure: 'RSS, same loop with a no-op store (MB)', value: mb(noop.rss), goal: '' },
  { measure: 'RSS whole process after 24 h (MB)', value: mb(after.rss), goal: '< 128' },
  { measure: 'ok', value: ok ? 'yes' : 'NO', goal: '' },
  { measure: 'fill time (s)', value: (fillMs / 1000).toFixed(1), goal: '' },
]);
