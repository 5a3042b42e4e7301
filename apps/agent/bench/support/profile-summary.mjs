// Summarises a .cpuprofile (node --cpu-prof; scale.mjs's ARCBOX_BENCH_PROFILE): self time summed
// by package (from each frame's url) and by function, and each sample's self time given to its
// nearest caller named in WATCH (appendSample, evaluate, compute, collect...), so the busy time
// splits into collector, history, alerts and so on. SKIP=<seconds> leaves out the start-up;
// FOCUS=<name,...> lists the functions under each named one.
// Run: node apps/agent/bench/support/profile-summary.mjs <file.cpuprofile> [top functions]
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const self = new Map();
const skip = Number(process.env.SKIP ?? 0) * 1e6;
let clock = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  clock += p.timeDeltas[i] ?? 0;
  if (clock - p.startTime < skip) continue;
  const id = p.samples[i];
  self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const wall = p.endTime - p.startTime - skip;
const pkgOf = (url, fn) => {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  let m = url.match(/\/(packages|apps)\/([^/]+)\//);
  if (m) return `${m[1]}/${m[2]}`;
  if (url.startsWith('node:')) return url.split('/')[0].replace(/^node:/, 'node:');
  m = url.match(/node_modules\/(?:\.pnpm\/)?((?:@[^/]+\/)?[^/@]+)/);
  if (m) return `dep:${m[1]}`;
  return url;
};
const byPkg = new Map(),
  byFn = new Map();
for (const n of p.nodes) {
  const t = self.get(n.id) ?? 0;
  if (!t) continue;
  const { url, functionName, lineNumber } = n.callFrame;
  const pkg = pkgOf(url, functionName);
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
  const k = `${functionName || '(anon)'} ${pkg}:${lineNumber + 1}`;
  byFn.set(k, (byFn.get(k) ?? 0) + t);
}
const pct = (t) =>
  `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %`;
const busy = total - (byPkg.get('(idle)') ?? 0);
console.log(
  `profile ${(wall / 1e6).toFixed(1)} s, busy ${(busy / 1000).toFixed(0)} ms = ${((100 * busy) / wall).toFixed(2)} % of a core`,
);
console.log('-- by package (self)');
for (const [k, t] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(pct(t), k);
console.log('-- by function (self)');
for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 50)))
  console.log(pct(t), k);
// Inclusive: each sample's self time goes to the nearest ancestor whose name is watched.
const watch = (
  process.env.WATCH ??
  'appendSample,evaluate,compute,track,noteEvents,keep,publish,endEventRound,collect,run,serializeMetrics,renderMetrics,handle,flush,write'
).split(',');
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const incl = new Map();
for (const [id, t] of self) {
  let n = byId.get(id);
  let label = null;
  while (n) {
    const fn = n.callFrame.functionName;
    if (watch.includes(fn)) {
      label = `${fn} ${pkgOf(n.callFrame.url, fn)}:${n.callFrame.lineNumber + 1}`;
      break;
    }
    n = parent.get(n.id);
  }
  if (!label) {
    const s = byId.get(id);
    label = `(none) self in ${pkgOf(s.callFrame.url, s.callFrame.functionName)}`;
  }
  incl.set(label, (incl.get(label) ?? 0) + t);
}
console.log('-- inclusive under the nearest watched function');
for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(pct(t), k);
// Self time by function inside the subtree of one watched function (FOCUS=name).
if (process.env.FOCUS) {
  for (const focus of process.env.FOCUS.split(',')) {
    const under = new Map();
    for (const [id, t] of self) {
      let n = byId.get(id),
        hit = false;
      while (n) {
        if (n.callFrame.functionName === focus) {
          hit = true;
          break;
        }
        n = parent.get(n.id);
      }
      if (!hit) continue;
      const s = byId.get(id);
      const k = `${s.callFrame.functionName || '(anon)'} ${s.callFrame.url.split('/').slice(-3).join('/')}:${s.callFrame.lineNumber + 1}`;
      under.set(k, (under.get(k) ?? 0) + t);
    }
    console.log(`-- self time under ${focus}`);
    for (const [k, t] of [...under].sort((a, b) => b[1] - a[1]).slice(0, 20))
      console.log(pct(t), k);
  }
}
