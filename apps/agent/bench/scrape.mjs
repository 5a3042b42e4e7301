// One /metrics scrape of the agent (100 containers made here) against one scrape of node_exporter
// on this machine: CPU of the serving process per scrape, wall time and response size.
// CPU per scrape = CPU used during N back-to-back scrapes, minus what the agent spends sampling
// over the same wall time (measured just before, without scrapes), divided by N.
// Run: pnpm bench -- scrape (as root).
import {
  canMakeCgroups,
  cpuSeconds,
  makeCgroups,
  median,
  startAgent,
  startNodeExporter,
  table,
} from './support/bench-support.mjs';

const scrapes = 50;
if (!canMakeCgroups) {
  console.log('skipped: needs root and a cgroup tree to make 100 cgroups');
  process.exit(0);
}
const prefix = `arcbox-scrape-${process.pid}`;
const cgroups = await makeCgroups(prefix, 100);
const agent = await startAgent(
  `interval: 1s\nsources:\n  containers: { discover: false, paths: ["/${prefix}-*"] }\n`,
);
const exporter = await startNodeExporter();

async function measure(url, pid, background) {
  const walls = [];
  let size = 0;
  // Warm-up scrapes.
  for (let i = 0; i < 5; i += 1) await (await fetch(`${url}/metrics`)).text();
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < scrapes; i += 1) {
    const t = performance.now();
    const body = await (await fetch(`${url}/metrics`)).text();
    walls.push(performance.now() - t);
    size = Buffer.byteLength(body);
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - c0 - background * wall;
  return { cpuMs: (1000 * Math.max(0, cpu)) / scrapes, wallMs: median(walls), size };
}

try {
  await new Promise((r) => setTimeout(r, 3000));
  // The agent's own sampling cost per second, to subtract.
  const b0 = cpuSeconds(agent.child.pid);
  await new Promise((r) => setTimeout(r, 10_000));
  const background = (cpuSeconds(agent.child.pid) - b0) / 10;
  const ours = await measure(agent.url, agent.child.pid, background);
  const rows = [
    ['server', 'CPU per scrape (ms)', 'wall median (ms)', 'response (KB)', 'CPU vs node_exporter'],
  ];
  const theirs = exporter ? await measure(exporter.url, exporter.child.pid, 0) : null;
  rows.push([
    'arcbox-perf-agent (system + 100 containers)',
    ours.cpuMs.toFixed(2),
    ours.wallMs.toFixed(2),
    (ours.size / 1024).toFixed(1),
    theirs ? `${(ours.cpuMs / theirs.cpuMs).toFixed(2)}x` : 'n/a',
  ]);
  if (theirs) {
    rows.push([
      'node_exporter (default collectors)',
      theirs.cpuMs.toFixed(2),
      theirs.wallMs.toFixed(2),
      (theirs.size / 1024).toFixed(1),
      '1.00x',
    ]);
  }
  console.log(
    `${scrapes} scrapes each; agent sampling background ${(background * 100).toFixed(2)} % of a core subtracted`,
  );
  table(rows);
} finally {
  await exporter?.stop();
  await agent.stop();
  await cgroups.remove();
}
