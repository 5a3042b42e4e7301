import { computeProcessMetrics, processKey } from '../compute-process-metrics.js';
import type { ProcessMetrics } from '../process-metrics.js';
import type { ProcessReading } from '../process-reading.js';
import { createProcessSelection } from '../select-processes.js';
import { field, type KindDescriptor } from './kind-descriptor.js';

const f = field<ProcessMetrics>;

/**
 * One series per process, `process:<pid>@<start time>`: a pid reused by a new process is a new
 * series. Its `name` is the command name and its labels hold `comm`, `pid`, `container` and
 * `user`, so a rule targets `java` with `match: { name: java }` or `{ labels: { comm: java } }`.
 * A round reads every process; `select` keeps the top 10 by CPU, memory and I/O for samples,
 * history, alerts and export (a monitor may be given another selection).
 */
export const processKind: KindDescriptor<ProcessReading, ProcessMetrics> = {
  name: 'process',
  sampleKey: 'processes',
  title: 'Processes',
  singleton: false,
  keyOf: processKey,
  compute: computeProcessMetrics,
  identity: (m) => m,
  fields: [
    f('cpuPercent', 'percent', 'CPU busy, 100 = one core (as top shows it).'),
    f('cpuPercentOfHost', 'percent', 'CPU busy, share of the host’s online CPUs.'),
    f('cpuSeconds', 'seconds', 'CPU time (user + system) used since the process started.'),
    f('residentBytes', 'bytes', 'Resident memory (VmRSS).'),
    f('swapBytes', 'bytes', 'Memory swapped out (VmSwap; null where not given).'),
    f('threads', 'count', 'Threads of the process.'),
    f('ioReadBytes', 'bytes', 'Bytes read from storage (null where io cannot be read).'),
    f('ioWriteBytes', 'bytes', 'Bytes written to storage (null where io cannot be read).'),
    f('ioReadBps', 'bytes/s', 'Storage read throughput.'),
    f('ioWriteBps', 'bytes/s', 'Storage write throughput.'),
  ],
  facts: {
    inContainer: (m) => m.container !== null,
    kernelThread: (m) => m.kernelThread,
  },
  defaultRules: [],
  select: createProcessSelection(),
};
