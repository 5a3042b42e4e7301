// Peer row of the footprint benchmark: the same Linux collectors the agent uses, read at 1 Hz in a
// bare Node process (no monitor, history, rules or server), to show what the agent adds on top.
import { createCgroupContainerCollector, createLinuxSystemCollector } from '@arcbox/perf-linux';

const paths = JSON.parse(process.argv[2] ?? '[]');
const system = createLinuxSystemCollector({ root: '/' });
const containers = createCgroupContainerCollector({
  root: '/',
  discover: false,
  cgroupPaths: paths,
});
const signal = new AbortController().signal;
setInterval(async () => {
  await Promise.all([system.collect({ signal }), containers.collect({ signal })]);
}, 1000);
