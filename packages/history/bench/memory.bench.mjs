// 24 h at 1 Hz of system + 100 containers in the default store (1 s for 1 h, 1 min for 24 h,
// 1 h for 30 days). Goals: < 128 MB resident for the whole process, <= 8 bytes per stored value.
// Run: node --expose-gc bench/memory.bench.mjs (pnpm bench passes the flag itself).
import { createHistoryStore } from '../dist/index.js';
import { fillDay } from './fill-day.js';
import { printTable } from './constructed-load.js';

if (typeof globalThis.gc !== 'function') {
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname], {
    stdio: 'inherit',
  });
  process.exit(0);
}
const mb = (b) => (b / 2 ** 20).toFixed(1);
gc();
const before = process.memoryUsage();
const store = createHistoryStore();
const started = performance.now();
fillDay(store);
const fillMs = performance.now() - started;
gc();
const after = process.memoryUsage();
const stats = store.stats();
const values = stats.storedValues;
const rawValues = store.series().reduce((n, s) => n + s.rawRows * (s.fields.length + 1), 0);
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
    goal: '<= 8',
  },
  { measure: 'RSS before store (MB)', value: mb(before.rss), goal: '' },
  { measure: 'RSS whole process after 24 h (MB)', value: mb(after.rss), goal: '< 128' },
  {
    measure: 'ok',
    value: after.rss < 128 * 2 ** 20 && (after.rss - before.rss) / values <= 8 ? 'yes' : 'NO',
    goal: '',
  },
  { measure: 'fill time (s)', value: (fillMs / 1000).toFixed(1), goal: '' },
]);
