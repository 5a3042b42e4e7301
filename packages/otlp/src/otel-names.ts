import type { Labels, MetricFamily } from '@arcbox/perf-export';

/** How an OpenTelemetry instrument reports: a monotonic sum, a sum that goes both ways, a gauge. */
export type OtelInstrument = 'counter' | 'updowncounter' | 'gauge';

export interface OtelName {
  /** The OpenTelemetry metric name. */
  name: string;
  /** UCUM unit. */
  unit: string;
  instrument: OtelInstrument;
  description: string;
  /** The sample's attributes from its labels (and this row's fixed ones). */
  attributes(labels: Labels): Record<string, string | number>;
}

const rename =
  (map: Record<string, string>, fixed: Record<string, string> = {}) =>
  (labels: Labels) => {
    const out: Record<string, string | number> = { ...fixed };
    for (const [k, v] of Object.entries(labels)) out[map[k] ?? k] = v;
    return out;
  };

const P = 'arcbox_perf_';
const sys = (
  name: string,
  unit: string,
  instrument: OtelInstrument,
  description: string,
  attributes: OtelName['attributes'],
): OtelName => ({ name, unit, instrument, description, attributes });

const CPU = (l: Labels) => ({ 'cpu.mode': l.mode ?? '', 'cpu.logical_number': Number(l.cpu) });
const memory = (state: string) =>
  sys(
    'system.memory.usage',
    'By',
    'updowncounter',
    'Reports memory in use by state.',
    rename({}, { 'system.memory.state': state }),
  );
const paging = (state: string) =>
  sys(
    'system.paging.usage',
    'By',
    'updowncounter',
    'Unix swap usage.',
    rename({}, { 'system.paging.state': state }),
  );
const disk = (name: string, direction: string, unit: string, description: string) =>
  sys(
    name,
    unit,
    'counter',
    description,
    rename({ device: 'system.device' }, { 'disk.io.direction': direction }),
  );
const net = (name: string, direction: string, unit: string, description: string) =>
  sys(
    name,
    unit,
    'counter',
    description,
    rename({ interface: 'network.interface.name' }, { 'network.io.direction': direction }),
  );
const fs = (state: string) =>
  sys(
    'system.filesystem.usage',
    'By',
    'updowncounter',
    'Filesystem bytes by state.',
    rename(
      {
        device: 'system.device',
        mountpoint: 'system.filesystem.mountpoint',
        fstype: 'system.filesystem.type',
      },
      { 'system.filesystem.state': state },
    ),
  );
const CONTAINER = { id: 'container.id', name: 'container.name' };
const container = (
  name: string,
  unit: string,
  instrument: OtelInstrument,
  description: string,
  fixed: Record<string, string> = {},
) => sys(name, unit, instrument, description, rename(CONTAINER, fixed));
const PROCESS = { pid: 'process.pid', comm: 'process.executable.name', container: 'container.id' };
const proc = (
  name: string,
  unit: string,
  instrument: OtelInstrument,
  description: string,
  fixed: Record<string, string> = {},
) =>
  sys(name, unit, instrument, description, (l) => {
    const out = rename(PROCESS, fixed)(l);
    out['process.pid'] = Number(l.pid);
    if (l.container === '') delete out['container.id'];
    return out;
  });

/**
 * Our series under the OpenTelemetry semantic conventions' names (semconv 1.27, `system.*`,
 * `container.*`, `process.*`), by the name `/metrics` prints them under. Several of ours may
 * become one OpenTelemetry metric told apart by an attribute (memory used, free, cached and
 * buffers are `system.memory.usage` by `system.memory.state`). Series not listed keep our name.
 */
export const OTEL_NAMES: Readonly<Record<string, OtelName>> = {
  [`${P}cpu_seconds_total`]: sys(
    'system.cpu.time',
    's',
    'counter',
    'Seconds each logical CPU spent on each mode.',
    CPU,
  ),
  [`${P}cpus`]: sys(
    'system.cpu.logical.count',
    '{cpu}',
    'updowncounter',
    'Logical CPUs online.',
    rename({}),
  ),
  [`${P}memory_used_bytes`]: memory('used'),
  [`${P}memory_free_bytes`]: memory('free'),
  [`${P}memory_cached_bytes`]: memory('cached'),
  [`${P}memory_buffers_bytes`]: memory('buffers'),
  [`${P}memory_total_bytes`]: sys(
    'system.memory.limit',
    'By',
    'updowncounter',
    'Total memory available in the system.',
    rename({}),
  ),
  [`${P}memory_shared_bytes`]: sys(
    'system.memory.shared',
    'By',
    'updowncounter',
    'Shared memory used (mostly by tmpfs).',
    rename({}),
  ),
  [`${P}memory_available_bytes`]: sys(
    'system.linux.memory.available',
    'By',
    'updowncounter',
    'An estimate of how much memory is available for starting new applications, without swapping.',
    rename({}),
  ),
  [`${P}swap_used_bytes`]: paging('used'),
  [`${P}swap_free_bytes`]: paging('free'),
  [`${P}disk_read_bytes_total`]: disk('system.disk.io', 'read', 'By', 'Disk bytes transferred.'),
  [`${P}disk_written_bytes_total`]: disk(
    'system.disk.io',
    'write',
    'By',
    'Disk bytes transferred.',
  ),
  [`${P}disk_reads_completed_total`]: disk(
    'system.disk.operations',
    'read',
    '{operation}',
    'Disk operations count.',
  ),
  [`${P}disk_writes_completed_total`]: disk(
    'system.disk.operations',
    'write',
    '{operation}',
    'Disk operations count.',
  ),
  [`${P}network_receive_bytes_total`]: net(
    'system.network.io',
    'receive',
    'By',
    'Network bytes transferred.',
  ),
  [`${P}network_transmit_bytes_total`]: net(
    'system.network.io',
    'transmit',
    'By',
    'Network bytes transferred.',
  ),
  [`${P}network_receive_errs_total`]: net(
    'system.network.errors',
    'receive',
    '{error}',
    'Count of network errors detected.',
  ),
  [`${P}network_transmit_errs_total`]: net(
    'system.network.errors',
    'transmit',
    '{error}',
    'Count of network errors detected.',
  ),
  [`${P}network_receive_drop_total`]: net(
    'system.network.dropped',
    'receive',
    '{packet}',
    'Count of packets dropped without an error.',
  ),
  [`${P}network_transmit_drop_total`]: net(
    'system.network.dropped',
    'transmit',
    '{packet}',
    'Count of packets dropped without an error.',
  ),
  [`${P}filesystem_used_bytes`]: fs('used'),
  [`${P}filesystem_avail_bytes`]: fs('free'),
  [`${P}container_cpu_seconds_total`]: container(
    'container.cpu.time',
    's',
    'counter',
    'Total CPU time consumed.',
  ),
  [`${P}container_memory_usage_bytes`]: container(
    'container.memory.usage',
    'By',
    'counter',
    'Memory usage of the container.',
  ),
  [`${P}container_block_read_bytes_total`]: container(
    'container.disk.io',
    'By',
    'counter',
    'Disk bytes for the container.',
    { 'disk.io.direction': 'read' },
  ),
  [`${P}container_block_written_bytes_total`]: container(
    'container.disk.io',
    'By',
    'counter',
    'Disk bytes for the container.',
    { 'disk.io.direction': 'write' },
  ),
  [`${P}container_network_receive_bytes_total`]: container(
    'container.network.io',
    'By',
    'counter',
    'Network bytes for the container.',
    { 'network.io.direction': 'receive' },
  ),
  [`${P}container_network_transmit_bytes_total`]: container(
    'container.network.io',
    'By',
    'counter',
    'Network bytes for the container.',
    { 'network.io.direction': 'transmit' },
  ),
  [`${P}process_cpu_seconds_total`]: proc('process.cpu.time', 's', 'counter', 'Total CPU seconds.'),
  [`${P}process_resident_memory_bytes`]: proc(
    'process.memory.usage',
    'By',
    'updowncounter',
    'The amount of physical memory in use.',
  ),
  [`${P}process_threads`]: proc(
    'process.thread.count',
    '{thread}',
    'updowncounter',
    'Process threads count.',
  ),
  [`${P}process_io_read_bytes_total`]: proc(
    'process.disk.io',
    'By',
    'counter',
    'Disk bytes transferred.',
    { 'disk.io.direction': 'read' },
  ),
  [`${P}process_io_write_bytes_total`]: proc(
    'process.disk.io',
    'By',
    'counter',
    'Disk bytes transferred.',
    { 'disk.io.direction': 'write' },
  ),
};

const UNITS: Record<string, string> = { bytes: 'By', seconds: 's', ratio: '1' };

/** The OpenTelemetry name of a family's samples: the semantic convention's, else ours. */
export function otelNameOf(family: MetricFamily, sampleName: string): OtelName {
  const mapped = OTEL_NAMES[sampleName];
  if (mapped) return mapped;
  return {
    // Ours: the family's name (a counter without `_total`, as OpenTelemetry names sums).
    name: family.type === 'info' ? sampleName : family.name,
    unit: family.unit ? (UNITS[family.unit] ?? family.unit) : '',
    instrument: family.type === 'counter' ? 'counter' : 'gauge',
    description: family.help,
    attributes: (labels) => ({ ...labels }),
  };
}
