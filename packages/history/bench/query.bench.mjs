// Query 24 h of one field at 1-min step from a store holding 24 h of system + 100 containers.
// Goal: < 5 ms.
import { createHistoryStore } from '../dist/index.js';
import { fillDay, T0 } from './fill-day.js';
import { median, printTable } from './constructed-load.js';

const store = createHistoryStore();
fillDay(store);
const to = store.newest();
const rows = [];
for (const [label, query] of [
  [
    'container 24 h, 1-min step, avg',
    { series: 'container:c42', fields: ['cpuPercent'], from: to - 86_400_000, to, step: 60_000 },
  ],
  [
    'system 24 h, 1-min step, max',
    {
      series: 'system',
      fields: ['cpuPercent'],
      from: to - 86_400_000,
      to,
      step: 60_000,
      aggregation: 'max',
    },
  ],
  [
    'system 1 h raw, 10-s step',
    { series: 'system', fields: ['cpuPercent'], from: to - 3_600_000, to, step: 10_000 },
  ],
]) {
  const times = [];
  let points = 0;
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    const r = store.query(query);
    times.push(performance.now() - t0);
    points = r.timestamps.length;
  }
  const m = median(times.slice(50));
  rows.push({
    query: label,
    points,
    'median ms': m.toFixed(3),
    goal: '< 5 ms',
    ok: m < 5 ? 'yes' : 'NO',
  });
}
printTable(rows);
void T0;
