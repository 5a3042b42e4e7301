import type { ProcessMetrics } from '@arcbox/perf-core';
import { collectFamilies } from './collect-families.js';
import { type FamilySpec, uniqueBy, writeTable } from './family-table.js';
import type { SampleWriter } from './sample-writer.js';
import type { MetricFamily } from './metric-family.js';
import { METRIC_PREFIX } from './system-families.js';

const p = (name: string) => `${METRIC_PREFIX}_process_${name}`;

/**
 * Counters as counters (`rate()` does the maths, SEMANTICS.md); node_exporter's process peers
 * are process-exporter's `namedprocess_namegroup_*` and the `process_*` of client libraries.
 */
const processSpecs: ReadonlyArray<FamilySpec<ProcessMetrics>> = [
  {
    name: p('cpu_seconds'),
    type: 'counter',
    unit: 'seconds',
    help: 'CPU time (user + system) the process used, seconds.',
    value: (m) => m.cpuSeconds,
  },
  {
    name: p('resident_memory_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Resident memory of the process, bytes.',
    value: (m) => m.residentBytes,
  },
  {
    name: p('swap_bytes'),
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory of the process swapped out, bytes.',
    value: (m) => m.swapBytes,
  },
  {
    name: p('io_read_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes the process read from storage (absent where io cannot be read).',
    value: (m) => m.ioReadBytes,
  },
  {
    name: p('io_write_bytes'),
    type: 'counter',
    unit: 'bytes',
    help: 'Bytes the process wrote to storage (absent where io cannot be read).',
    value: (m) => m.ioWriteBytes,
  },
  {
    name: p('threads'),
    type: 'gauge',
    help: 'Threads of the process.',
    value: (m) => m.threads,
  },
];

/**
 * Per-process families labelled {pid, comm, container} (container empty for the host). Only the
 * processes the monitor kept are given here (top N by CPU, memory and I/O): each is a series.
 */
export function processFamilies(processes: ReadonlyArray<ProcessMetrics>): MetricFamily[] {
  return collectFamilies((writer) => writeProcesses(writer, processes));
}

/** `processFamilies` through a writer. */
export function writeProcesses(
  writer: SampleWriter,
  processes: ReadonlyArray<ProcessMetrics>,
): void {
  writeTable(
    writer,
    processSpecs,
    uniqueBy(processes, (m) => m.id),
    (m) => ({ pid: String(m.pid), comm: m.comm, container: m.container ?? '' }),
  );
}
