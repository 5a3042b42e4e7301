// Append one full sample (system + 100 containers + 2 VMs) into the default store. Goal: < 50 us.
// Run: pnpm --filter @arcbox/perf-history bench (after pnpm build).
import { createHistoryStore } from '../dist/index.js';
import { makeSample, median, printTable } from './constructed-load.js';

const T0 = Date.UTC(2026, 0, 1);
const rounds = 20_000;
// Samples built before timing: the figure is the store's cost, not perf-core's maths.
const samples = Array.from({ length: 200 }, (_, i) => makeSample(i + 1, T0));
const store = createHistoryStore();
const perSample = [];
for (let k = 0; k < rounds; k++) {
  const s = samples[k % samples.length];
  const time = T0 + k * 1000;
  s.system.timestamp = time;
  for (const c of s.containers) c.timestamp = time;
  for (const v of s.vms) v.timestamp = time;
  const t0 = process.hrtime.bigint();
  store.appendSample(s);
  perSample.push(Number(process.hrtime.bigint() - t0) / 1000);
}
const warm = perSample.slice(2000);
const values = 43 + 100 * 22 + 2 * 19;
printTable([
  {
    benchmark: 'append full sample (system + 100 containers + 2 VMs)',
    'median us': median(warm).toFixed(1),
    'p99 us': [...warm].sort((a, b) => a - b)[Math.floor(warm.length * 0.99)].toFixed(1),
    'ns per value': ((median(warm) * 1000) / values).toFixed(1),
    goal: '< 50 us',
    ok: median(warm) < 50 ? 'yes' : 'NO',
  },
]);
