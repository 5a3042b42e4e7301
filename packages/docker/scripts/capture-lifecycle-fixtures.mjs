// Captures the real engine replies the lifecycle replay test reads: podman's Docker-compatible
// service (the lab the Docker-client tests use) answering inspect and /events for a container
// that exits with code 3 and one its restart policy restarts twice. Writes
// __fixtures__/podman-lifecycle/ (bodies as the engine sent them). Needs root, Debian podman and
// busybox-static. Run: node packages/docker/scripts/capture-lifecycle-fixtures.mjs (after build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { unixHttpGet } from '../dist/index.js';
import { podmanLabMissing, startPodmanLab } from '../test-support/podman-lab.mjs';

const why = podmanLabMissing();
if (why) {
  console.error(`cannot capture: ${why}`);
  process.exit(1);
}
const out = new URL('../__fixtures__/podman-lifecycle/', import.meta.url);
mkdirSync(out, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lab = await startPodmanLab({
  prefix: 'arcbox-capture-',
  image: 'localhost/arcbox-busybox:test',
  applets: ['sh', 'sleep'],
});
const get = (path) => unixHttpGet(lab.socket, path, { timeoutMs: 15_000 });
try {
  for (let i = 0; i < 100; i++) {
    if ((await get('/version').catch(() => null))?.status === 200) break;
    await sleep(100);
  }
  // The live stream, as a watcher sees it: opened before the containers run, its bytes kept
  // as they came (podman's since/until replay of its event file answered nothing here).
  let streamed = '';
  const stream = request(
    { socketPath: lab.socket, path: '/events', headers: { Host: 'docker' } },
    (res) => {
      res.setEncoding('utf8');
      res.on('data', (c) => {
        if (streamed.length < 1_000_000) streamed += c;
      });
    },
  );
  stream.on('error', () => undefined);
  stream.end();
  await sleep(500);
  await lab
    .podman([
      'run',
      '--name',
      'exit3',
      '--network',
      'none',
      'localhost/arcbox-busybox:test',
      'sh',
      '-c',
      'exit 3',
    ])
    .catch(() => undefined);
  const script =
    'n=0; [ -f /n ] && read n < /n; n=$((n+1)); echo $n > /n; [ $n -le 2 ] && { sleep 1; exit 1; }; exec sleep 600';
  await lab.podman([
    'run',
    '-d',
    '--name',
    'twice',
    '--network',
    'none',
    '--restart',
    'on-failure:5',
    'localhost/arcbox-busybox:test',
    'sh',
    '-c',
    script,
  ]);
  let twice = null;
  for (let i = 0; i < 200; i++) {
    twice = JSON.parse((await get('/containers/twice/json')).body);
    if (twice.RestartCount === 2 && twice.State?.Status === 'running') break;
    await sleep(100);
  }
  const exit3 = await get('/containers/exit3/json');
  await sleep(1000);
  stream.destroy();
  const events = { body: streamed };
  const version = await get('/version');
  writeFileSync(new URL('inspect_exit3.json', out), exit3.body);
  writeFileSync(new URL('inspect_twice.json', out), (await get('/containers/twice/json')).body);
  writeFileSync(new URL('events.jsonl', out), events.body);
  writeFileSync(new URL('version.json', out), version.body);
  console.log(
    `captured ${new Date().toISOString()}: events ${events.body.split('\n').length - 1} lines, restart count ${twice?.RestartCount}`,
  );
} finally {
  await lab.podman(['rm', '-f', '-t', '0', 'exit3', 'twice']).catch(() => undefined);
  await lab.stop();
}
