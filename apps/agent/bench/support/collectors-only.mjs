// Peer row of the footprint benchmark: the same sources the agent builds (through @arcbox/perf,
// as the agent does), read at 1 Hz in a bare Node process (no monitor, history, rules or server),
// to show what the agent adds on top.
import { createPlatformSources, resolveSources } from '@arcbox/perf';

const paths = JSON.parse(process.argv[2] ?? '[]');
const sources = await createPlatformSources(
  resolveSources({
    sources: {
      containers: { discover: false, paths },
      docker: { enabled: false },
      vms: { enabled: false },
      filesystems: { enabled: false },
    },
  }),
);
const { system, containers, processes } = sources.collectors;
const signal = new AbortController().signal;
setInterval(async () => {
  await Promise.all([
    system.collect({ signal }),
    containers?.collect({ signal }),
    processes?.collect({ signal }),
  ]);
}, 1000);
