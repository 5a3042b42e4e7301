// Remote write's cost, side by side in one run: two agents at 1 Hz on the same 100 cgroups (made
// here), one pushing to a receiver every 10 s, one not. CPU is % of one core (utime + stime), over
// one window after a warm-up. The receiver (in this process) decodes each request and counts
// bytes on the wire and samples; the same rounds scraped as Prometheus text are /metrics' bytes
// per sample (uncompressed, and gzip as a scraper asking for it would get).
// Run: node apps/agent/bench/remote-write.mjs (as root; after pnpm build).
// ARCBOX_BENCH_SECONDS (60) and ARCBOX_BENCH_WARMUP (30) set the window.
// ARCBOX_BENCH_PROFILE=<dir> writes a --cpu-prof of each agent there (push-*.cpuprofile and
// plain-*.cpuprofile; profile-summary.mjs reads them); its CPU figures then include the profiler.
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  rssBytes,
  startAgent,
  table,
} from './support/bench-support.mjs';
import { startWriteReceiver } from './support/write-receiver.mjs';

const seconds = Number(process.env.ARCBOX_BENCH_SECONDS ?? 60);
const warmup = Number(process.env.ARCBOX_BENCH_WARMUP ?? 30);
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make 100 cgroups');
  process.exit(0);
}

const receiver = await startWriteReceiver();
const { wire } = receiver;
const receiverUrl = receiver.url;

const prefix = `arcbox-rw-bench-${process.pid}`;
const cgroups = await makeCgroups(prefix, 100);
const base = `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\nhistory: { flushInterval: 10s }\n`;
const profile = process.env.ARCBOX_BENCH_PROFILE;
const profiled = (name) =>
  profile
    ? {
        nodeArgs: [
          '--cpu-prof',
          `--cpu-prof-dir=${profile}`,
          `--cpu-prof-name=${name}-${process.pid}.cpuprofile`,
        ],
      }
    : {};
const pushing = await startAgent(
  `${base}export:\n  remoteWrite:\n    - { url: "${receiverUrl}", interval: 10s }\n`,
  profiled('push'),
);
const plain = await startAgent(base, profiled('plain'));
try {
  await new Promise((r) => setTimeout(r, warmup * 1000));
  const procs = [
    ['agent, remote write every 10 s', pushing.child.pid],
    ['agent, no remote write', plain.child.pid],
  ];
  const loadStart = loadavg()[0];
  const start = procs.map(([, pid]) => cpuSeconds(pid));
  const wireStart = { ...wire };
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const cpu = procs.map(([, pid], i) => (100 * (cpuSeconds(pid) - start[i])) / wall);
  const rows = [['process', 'CPU % of a core', 'RSS (MB)']];
  procs.forEach(([name, pid], i) => {
    rows.push([name, cpu[i].toFixed(2), (rssBytes(pid) / 1e6).toFixed(1)]);
  });
  console.log(
    `${seconds} s window after ${warmup} s, 100 containers, 1 sample/s; load average (1 min) ${loadStart.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end`,
  );
  table(rows);
  console.log(
    `remote write costs ${((100 * (cpu[0] - cpu[1])) / cpu[1]).toFixed(1)} % extra CPU (goal <= 20 %)`,
  );

  const text = await (await fetch(`${plain.url}/metrics`)).text();
  const textSamples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  const bytes = wire.bytes - wireStart.bytes;
  const samples = wire.samples - wireStart.samples;
  table([
    ['form', 'bytes per sample', 'samples'],
    [
      `remote write (snappy protobuf, ${wire.requests - wireStart.requests} requests)`,
      (bytes / samples).toFixed(2),
      String(samples),
    ],
    [
      'Prometheus text scrape, one round',
      (text.length / textSamples).toFixed(2),
      String(textSamples),
    ],
    ['the same, gzip', (gzipSync(text).length / textSamples).toFixed(2), String(textSamples)],
  ]);
} finally {
  await pushing.stop();
  await plain.stop();
  receiver.close();
  await cgroups.remove();
}
