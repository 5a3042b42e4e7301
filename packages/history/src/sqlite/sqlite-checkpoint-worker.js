// Checkpoint worker (a worker_threads entry, plain JavaScript so the same file runs from src/ in
// the tests and from dist/ once built). It opens its own connection to the history file with the
// module the writer's driver came from (the same SQLite library: two copies of SQLite in one
// process on one file would not see each other's POSIX locks) and moves the WAL into the database
// file on request, so the write and fsync of the file never run on the writer's event loop.
//
// workerData: { path, module, maxWalBytes, busyTimeoutMs }
// in:  { type: 'checkpoint', id } | { type: 'close' }
// out: { type: 'done', id } | { type: 'failed', message }
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { path, module, maxWalBytes, busyTimeoutMs } = workerData;
const { DatabaseSync } = await import(module);
const db = new DatabaseSync(path, { readOnly: false });
// Only a TRUNCATE waits (for readers to leave the WAL); PASSIVE never waits for anyone.
db.exec(`PRAGMA busy_timeout = ${Number(busyTimeoutMs)}`);

function walBytes() {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
}

/** Runs to the end and finalizes (a statement left open would keep this connection alive at close). */
function checkpoint(mode) {
  db.exec(`PRAGMA wal_checkpoint(${mode})`);
}

let open = true;
parentPort.on('message', (message) => {
  if (!open) return;
  if (message.type === 'close') {
    open = false;
    db.close();
    parentPort.close();
    return;
  }
  try {
    // PASSIVE copies what no reader still needs; the writer then restarts the WAL from its start.
    // A WAL past the bound (readers kept earlier checkpoints from finishing) is truncated: that
    // waits for readers and holds the write lock, so the writer waits for this reply first.
    checkpoint('PASSIVE');
    if (walBytes() > maxWalBytes) checkpoint('TRUNCATE');
    parentPort.postMessage({ type: 'done', id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) });
  }
});
