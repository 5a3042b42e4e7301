// Snappy compressors on one push's worth of remote write: 10 rounds of about 1,200 series (100
// containers, 12,000 samples), encoded by createFamiliesEncoder, as a 10 s push interval at 1 Hz
// sends them. Prints time per push (median of many) and compressed bytes per sample, and checks
// each output decodes (snappyjs) to the input.
// Run: node packages/remote-write/bench/snappy.mjs (after pnpm build). A native compressor to
// compare with (the `snappy` package, not a dependency) is tried from ARCBOX_NATIVE_SNAPPY, a path
// to its folder, when set.
import { createFamily } from '@arcbox/perf-export';
import { compress, uncompress } from 'snappyjs';
import { createFamiliesEncoder, createSnappyCompressor, snappyHeader } from '../dist/index.js';

const containers = 100;
const rounds = 10;
const hex = (i) => (i * 2654435761 + 0x9e3779b9).toString(16).padStart(8, '0').repeat(8);
const names = [
  ['arcbox_perf_container_cpu_seconds', 'counter', 'seconds'],
  ['arcbox_perf_container_cpu_user_seconds', 'counter', 'seconds'],
  ['arcbox_perf_container_cpu_system_seconds', 'counter', 'seconds'],
  ['arcbox_perf_container_cpu_throttled_seconds', 'counter', 'seconds'],
  ['arcbox_perf_container_memory_bytes', 'gauge', 'bytes'],
  ['arcbox_perf_container_memory_limit_bytes', 'gauge', 'bytes'],
  ['arcbox_perf_container_memory_cache_bytes', 'gauge', 'bytes'],
  ['arcbox_perf_container_io_read_bytes', 'counter', 'bytes'],
  ['arcbox_perf_container_io_write_bytes', 'counter', 'bytes'],
  ['arcbox_perf_container_pids', 'gauge', undefined],
  ['arcbox_perf_container_cpu_pressure_seconds', 'counter', 'seconds'],
];
function round(n) {
  const families = [];
  for (const [name, type, unit] of names) {
    const f = createFamily(name, type, 'help', unit);
    for (let c = 0; c < containers; c++) {
      const labels = { id: hex(c), name: `/arcbox-rw-bench-4242-${c}`, runtime: 'cgroup' };
      f.add(
        labels,
        type === 'counter'
          ? n * 0.0137 * (c + 1) + Math.random() / 1e3
          : Math.floor(Math.random() * 2 ** 30),
      );
    }
    families.push(f.family);
  }
  const cpu = createFamily('node_cpu_seconds', 'counter', 'help', 'seconds');
  for (let k = 0; k < 2; k++)
    for (const mode of ['user', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'nice'])
      cpu.add({ cpu: String(k), mode }, n * 0.7 + Math.random());
  families.push(cpu.family);
  const sys = createFamily('arcbox_perf_system_value', 'gauge', 'help');
  for (let k = 0; k < 84; k++) sys.add({ field: `f${k}` }, Math.random() * 1e6);
  families.push(sys.family);
  return families;
}
const encoder = createFamiliesEncoder({ instance: 'bench-host' });
const parts = [];
let samples = 0;
const built = Array.from({ length: rounds }, (_, r) => round(r));
for (let r = 0; r < rounds; r++) {
  const e = encoder.encode(built[r], 1_765_000_000_000 + r * 1000);
  parts.push(e.bytes);
  samples += e.series;
}
// Encoding a round whose series are those of the round before (the steady state).
{
  const times = [];
  for (let i = 0; i < 300; i++) {
    const families = built[i % rounds];
    const t = process.cpuUsage();
    encoder.encode(families, 1_765_000_000_000 + i * 1000);
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1e3);
  }
  times.sort((a, b) => a - b);
  console.log(
    `createFamiliesEncoder.encode, one round of ${samples / rounds} series: ${times[Math.floor(times.length / 2)].toFixed(3)} CPU ms (median), ${times[0].toFixed(3)} (least)`,
  );
}
const input = Buffer.concat(parts);

const candidates = [
  ['snappyjs 0.7.0 compress (before)', (b) => compress(b)],
  ['createSnappyCompressor (this package)', createSnappyCompressor().compress],
  [
    'the same, round by round as queued (the writer)',
    (() => {
      const snappy = createSnappyCompressor();
      const header = snappyHeader(input.length);
      return () => Buffer.concat([header, ...parts.map((p) => snappy.compressElements(p))]);
    })(),
  ],
];
if (process.env.ARCBOX_NATIVE_SNAPPY) {
  const native = await import(`${process.env.ARCBOX_NATIVE_SNAPPY}/index.js`);
  const mod = native.default ?? native;
  candidates.push(['snappy 7 (napi-rs, native) compressSync', (b) => mod.compressSync(b)]);
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [
  ['compressor', 'CPU ms per push: median', 'least', 'MB/s (median)', 'bytes per sample', 'ratio'],
];
for (const [name, fn] of candidates) {
  const out = fn(input);
  if (!Buffer.from(uncompress(out)).equals(input)) throw new Error(`${name}: does not decode`);
  for (let i = 0; i < 20; i++) fn(input);
  // CPU time, not wall time: other load on the machine stretches wall time, not this.
  const times = [];
  for (let i = 0; i < 60; i++) {
    const t = process.cpuUsage();
    fn(input);
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1e3);
  }
  const ms = median(times);
  rows.push([
    name,
    ms.toFixed(2),
    Math.min(...times).toFixed(2),
    (input.length / ms / 1e3).toFixed(0),
    (out.length / samples).toFixed(2),
    (input.length / out.length).toFixed(2),
  ]);
}
console.log(
  `${rounds} rounds, ${samples} samples, ${(input.length / 1e6).toFixed(2)} MB of protobuf; load ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
