// Child process of the SIGKILL test: appends batches of constructed samples and flushes each
// in one transaction, printing "flushing <t>" before and "flushed <t>" after, until killed.
import { fieldsOf } from '../../dist/index.js';
import { openSqliteHistory } from '../../dist/sqlite.js';

const [path, batchArg, containersArg] = process.argv.slice(2);
const batch = Number(batchArg);
const containers = Number(containersArg);
const history = await openSqliteHistory({
  path,
  flushIntervalMs: 0,
  // The database keeps everything (age limit of a year); memory keeps the newest 4000 rows.
  config: { maxSamples: 4000, maxAgeMs: 365 * 86_400_000 },
});
const { store } = history;
let t = Number.isNaN(store.newest()) ? Date.UTC(2026, 0, 1) : store.newest();
const sys = fieldsOf('system').length;
const ctr = fieldsOf('container').length;
process.stdout.write(`start ${t}\n`);
for (;;) {
  for (let i = 0; i < batch; i++) {
    t += 1000;
    store.appendValues(
      'system',
      t,
      Array.from({ length: sys }, (_, f) => f + (t % 977)),
    );
    for (let c = 0; c < containers; c++) {
      store.appendValues(
        `container:c${c}`,
        t,
        Array.from({ length: ctr }, (_, f) => c * f + (t % 311)),
      );
    }
  }
  process.stdout.write(`flushing ${t}\n`);
  await history.flush();
  process.stdout.write(`flushed ${t}\n`);
}
