import { METRIC_PREFIX } from './system-families.js';

/** A metric name with the rule's label matchers (and optional extra matchers) appended. */
export type Select = (metric: string, extraMatchers?: string) => string;

/**
 * How one field of a kind reads in PromQL over the series /metrics exports, in the field's own
 * unit (percentages 0..100, as rules state them):
 * - `gauge`: a sampled value (`scale` times it); windows become `<agg>_over_time(m[w])`.
 * - `expression`: computed at one instant from several gauges; windows become a subquery.
 * - `rate`: a per-interval rate of counters. `rate(counter)` is given the function to apply
 *   (`rate(c[w])` for an average over a window, `irate(c[1m])` for the last interval).
 * - `increase`: a per-interval count (`*New` fields) of one counter.
 */
export type FieldQuery =
  | { readonly type: 'gauge'; readonly metric: string; readonly scale?: number }
  | { readonly type: 'expression'; readonly expr: (select: Select) => string }
  | {
      readonly type: 'rate';
      readonly expr: (select: Select, rate: (selector: string) => string) => string;
    }
  | { readonly type: 'increase'; readonly counter: string };

/** What PromQL knows of one kind's series: which labels say who a series is, and its fields. */
export interface KindQueries {
  readonly kind: string;
  /** The label holding the series id (`match.id`); absent: ids are not exported. */
  readonly idLabel?: string;
  /** The label holding the series name (`match.name`) on the value series. */
  readonly nameLabel?: string;
  /** When the name is only on an info series: a filter keeping the series whose name matches. */
  readonly nameFilter?: (matcher: string) => string;
  /** Identity labels (`match.labels`) that are exported as labels of the same name. */
  readonly labels?: readonly string[];
  /** Per fact, a filter (`and ...`/`unless ...`) keeping series where the fact is `value`. */
  readonly facts?: Readonly<Record<string, (value: boolean, select: Select) => string>>;
  readonly fields: Readonly<Record<string, FieldQuery>>;
}

const m = (name: string) => `${METRIC_PREFIX}_${name}`;
const gauge = (metric: string, scale?: number): FieldQuery => ({
  type: 'gauge',
  metric,
  ...(scale === undefined ? {} : { scale }),
});
const expression = (expr: (select: Select) => string): FieldQuery => ({ type: 'expression', expr });
const rate = (counter: string, scale = 1): FieldQuery => ({
  type: 'rate',
  expr: (s, r) => (scale === 1 ? r(s(counter)) : `${scale} * ${r(s(counter))}`),
});
const increase = (counter: string): FieldQuery => ({ type: 'increase', counter });

/**
 * Share of CPU time in some modes, as perf-core computes it: their seconds over the seconds of
 * every mode, summed over the CPUs (guest time is inside user and nice, and not a mode here).
 */
const cpuShare = (modes: string): FieldQuery => ({
  type: 'rate',
  expr: (s, r) => {
    const matcher = modes.includes('|') ? `mode=~"${modes}"` : `mode="${modes}"`;
    return `100 * sum without(cpu, mode) (${r(s(m('cpu_seconds_total'), matcher))}) / sum without(cpu, mode) (${r(s(m('cpu_seconds_total')))})`;
  },
});

/** Host totals count whole disks and physical interfaces only (`counted_in_total` of their info). */
const counted = (info: 'disk' | 'network', expr: string): string =>
  info === 'disk'
    ? `sum without(device) (${expr} and ignoring(kind, counted_in_total) ${m('disk_info')}{counted_in_total="true"})`
    : `sum without(interface) (${expr} and ignoring(loopback, virtual, counted_in_total) ${m('network_info')}{counted_in_total="true"})`;
const hostTotal = (info: 'disk' | 'network', counter: string): FieldQuery =>
  expression((s) => counted(info, s(m(counter))));
const hostRate = (info: 'disk' | 'network', ...counters: string[]): FieldQuery => ({
  type: 'rate',
  expr: (s, r) => counters.map((c) => counted(info, r(s(m(c))))).join(' + '),
});

const host: KindQueries = {
  kind: 'system',
  fields: {
    cpuPercent: gauge(m('cpu_busy_ratio'), 100),
    cpuUser: cpuShare('user'),
    cpuNice: cpuShare('nice'),
    cpuSystem: cpuShare('system'),
    cpuIdle: cpuShare('idle'),
    cpuIowait: cpuShare('iowait'),
    cpuSteal: cpuShare('steal'),
    cpuIrq: cpuShare('irq|softirq'),
    memoryTotal: gauge(m('memory_total_bytes')),
    memoryUsed: gauge(m('memory_used_bytes')),
    memoryAvailable: gauge(m('memory_available_bytes')),
    memoryFree: gauge(m('memory_free_bytes')),
    memoryCached: gauge(m('memory_cached_bytes')),
    memoryBuffers: gauge(m('memory_buffers_bytes')),
    memoryShared: gauge(m('memory_shared_bytes')),
    memoryWired: gauge(m('memory_wired_bytes')),
    memoryCompressed: gauge(m('memory_compressed_bytes')),
    memoryPercent: expression(
      (s) => `100 * ${s(m('memory_used_bytes'))} / ${s(m('memory_total_bytes'))}`,
    ),
    swapTotal: gauge(m('swap_total_bytes')),
    swapUsed: gauge(m('swap_used_bytes')),
    swapFree: gauge(m('swap_free_bytes')),
    cpuPressure: {
      type: 'expression',
      expr: (s) => `100 * ${s(m('pressure_avg10_ratio'), 'resource="cpu", kind="some"')}`,
    },
    memoryPressure: {
      type: 'expression',
      expr: (s) => `100 * ${s(m('pressure_avg10_ratio'), 'resource="memory", kind="some"')}`,
    },
    memoryPressureFull: {
      type: 'expression',
      expr: (s) => `100 * ${s(m('pressure_avg10_ratio'), 'resource="memory", kind="full"')}`,
    },
    ioPressure: {
      type: 'expression',
      expr: (s) => `100 * ${s(m('pressure_avg10_ratio'), 'resource="io", kind="some"')}`,
    },
    diskReadBytes: hostTotal('disk', 'disk_read_bytes_total'),
    diskWriteBytes: hostTotal('disk', 'disk_written_bytes_total'),
    diskReadBps: hostRate('disk', 'disk_read_bytes_total'),
    diskWriteBps: hostRate('disk', 'disk_written_bytes_total'),
    diskTotalBps: hostRate('disk', 'disk_read_bytes_total', 'disk_written_bytes_total'),
    diskReadIops: hostRate('disk', 'disk_reads_completed_total'),
    diskWriteIops: hostRate('disk', 'disk_writes_completed_total'),
    netRxBytes: hostTotal('network', 'network_receive_bytes_total'),
    netTxBytes: hostTotal('network', 'network_transmit_bytes_total'),
    netRxBps: hostRate('network', 'network_receive_bytes_total'),
    netTxBps: hostRate('network', 'network_transmit_bytes_total'),
    netRxPps: hostRate('network', 'network_receive_packets_total'),
    netTxPps: hostRate('network', 'network_transmit_packets_total'),
    load1: gauge(m('load1')),
    load5: gauge(m('load5')),
    load15: gauge(m('load15')),
    cpuCount: gauge(m('cpus')),
    load1PerCore: expression((s) => `${s(m('load1'))} / ${s(m('cpus'))}`),
    load5PerCore: expression((s) => `${s(m('load5'))} / ${s(m('cpus'))}`),
    load15PerCore: expression((s) => `${s(m('load15'))} / ${s(m('cpus'))}`),
  },
};

const c = (name: string) => m(`container_${name}`);
const container: KindQueries = {
  kind: 'container',
  idLabel: 'id',
  nameLabel: 'name',
  facts: {
    memoryLimited: (value, s) => `${value ? 'and' : 'unless'} ${s(c('memory_limit_bytes'))}`,
  },
  fields: {
    cpuPercent: rate(c('cpu_seconds_total'), 100),
    cpuPercentOfHost: {
      type: 'rate',
      expr: (s, r) =>
        `100 * ${r(s(c('cpu_seconds_total')))} / ignoring(id, name) group_left() ${m('cpus')}`,
    },
    cpuPercentOfLimit: {
      type: 'rate',
      expr: (s, r) => `100 * ${r(s(c('cpu_seconds_total')))} / ${s(c('cpu_limit_cores'))}`,
    },
    cpuSeconds: gauge(c('cpu_seconds_total')),
    cpuThrottledPeriodsPerSecond: rate(c('cpu_throttled_periods_total')),
    cpuThrottledSecondsPerSecond: rate(c('cpu_throttled_seconds_total')),
    memoryUsed: gauge(c('memory_working_set_bytes')),
    memoryUsage: gauge(c('memory_usage_bytes')),
    memoryLimit: gauge(c('memory_limit_bytes')),
    // Share of the limit, or of host memory for a container without one (as perf-core computes it).
    memoryPercent: expression(
      (s) =>
        `100 * (${s(c('memory_working_set_bytes'))} / ${s(c('memory_limit_bytes'))} or ${s(c('memory_working_set_bytes'))} / ignoring(id, name) group_left() ${m('memory_total_bytes')})`,
    ),
    blockReadBytes: gauge(c('block_read_bytes_total')),
    blockWriteBytes: gauge(c('block_written_bytes_total')),
    blockReadBps: rate(c('block_read_bytes_total')),
    blockWriteBps: rate(c('block_written_bytes_total')),
    netRxBytes: gauge(c('network_receive_bytes_total')),
    netTxBytes: gauge(c('network_transmit_bytes_total')),
    netRxBps: rate(c('network_receive_bytes_total')),
    netTxBps: rate(c('network_transmit_bytes_total')),
    netRxPps: rate(c('network_receive_packets_total')),
    netTxPps: rate(c('network_transmit_packets_total')),
    pids: gauge(c('pids')),
    pidsLimit: gauge(c('pids_limit')),
    gpuMemoryBytes: gauge(c('gpu_memory_used_bytes')),
    memoryOomKills: gauge(c('oom_kills_total')),
    memoryOomKillsNew: increase(c('oom_kills_total')),
    memoryOomEvents: gauge(c('oom_events_total')),
    memoryLimitHits: gauge(c('memory_limit_hits_total')),
    memoryLimitHitsPerSecond: rate(c('memory_limit_hits_total')),
    memoryHighEvents: gauge(c('memory_high_events_total')),
    restarts: gauge(c('restarts_total')),
    restartsNew: increase(c('restarts_total')),
  },
};

const v = (name: string) => m(`vm_${name}`);
/** A VM's disks and NICs are series per device: the VM's figure is their sum. */
const vmDevices = (counter: string): FieldQuery =>
  expression((s) => `sum without(device) (${s(counter)})`);
const vmDeviceRate = (counter: string): FieldQuery => ({
  type: 'rate',
  expr: (s, r) => `sum without(device) (${r(s(counter))})`,
});
const vm: KindQueries = {
  kind: 'vm',
  idLabel: 'vm',
  // The VM's name is a label of arcbox_perf_vm_info only (one series per VM, not per value).
  nameFilter: (matcher) => `and ignoring(name, vmm, pid) ${v('info')}{name${matcher}}`,
  fields: {
    cpuPercent: {
      type: 'rate',
      expr: (s, r) => `100 * sum without(vcpu) (${r(s(v('vcpu_seconds_total')))})`,
    },
    processCpuPercent: rate(v('process_cpu_seconds_total'), 100),
    processCpuSeconds: gauge(v('process_cpu_seconds_total')),
    memoryTotal: gauge(v('memory_total_bytes')),
    memoryUsed: gauge(v('memory_used_bytes')),
    memoryAvailable: gauge(v('memory_available_bytes')),
    memoryPercent: expression(
      (s) => `100 * ${s(v('memory_used_bytes'))} / ${s(v('memory_total_bytes'))}`,
    ),
    virtioBlkReadBytes: vmDevices(v('block_read_bytes_total')),
    virtioBlkWriteBytes: vmDevices(v('block_written_bytes_total')),
    virtioBlkReadBps: vmDeviceRate(v('block_read_bytes_total')),
    virtioBlkWriteBps: vmDeviceRate(v('block_written_bytes_total')),
    virtioBlkReadIops: vmDeviceRate(v('block_reads_completed_total')),
    virtioBlkWriteIops: vmDeviceRate(v('block_writes_completed_total')),
    virtioNetRxBytes: vmDevices(v('network_receive_bytes_total')),
    virtioNetTxBytes: vmDevices(v('network_transmit_bytes_total')),
    virtioNetRxBps: vmDeviceRate(v('network_receive_bytes_total')),
    virtioNetTxBps: vmDeviceRate(v('network_transmit_bytes_total')),
    virtioNetRxPps: vmDeviceRate(v('network_receive_packets_total')),
    virtioNetTxPps: vmDeviceRate(v('network_transmit_packets_total')),
  },
};

const f = (name: string) => m(`filesystem_${name}`);
const filesystem: KindQueries = {
  kind: 'filesystem',
  idLabel: 'mountpoint',
  nameLabel: 'mountpoint',
  labels: ['device', 'fstype'],
  facts: {
    readOnly: (value, s) => `and ${s(f('readonly'))} == ${value ? 1 : 0}`,
  },
  fields: {
    sizeBytes: gauge(f('size_bytes')),
    usedBytes: gauge(f('used_bytes')),
    freeBytes: gauge(f('free_bytes')),
    availableBytes: gauge(f('avail_bytes')),
    // df's Use%: used / (used + available).
    usedPercent: expression(
      (s) => `100 * ${s(f('used_bytes'))} / (${s(f('used_bytes'))} + ${s(f('avail_bytes'))})`,
    ),
    inodesTotal: gauge(f('files')),
    inodesFree: gauge(f('files_free')),
    inodesUsed: expression((s) => `${s(f('files'))} - ${s(f('files_free'))}`),
    inodesUsedPercent: expression(
      (s) => `100 * (${s(f('files'))} - ${s(f('files_free'))}) / ${s(f('files'))}`,
    ),
  },
};

const g = (name: string) => m(`gpu_${name}`);
const gpu: KindQueries = {
  kind: 'gpu',
  nameLabel: 'name',
  facts: {
    mig: (value, s) => `and ${s(g('utilization_ratio'), `parent${value ? '!=' : '='}""`)}`,
  },
  fields: {
    utilizationPercent: gauge(g('utilization_ratio'), 100),
    memoryUtilizationPercent: gauge(g('memory_utilization_ratio'), 100),
    memoryUsedBytes: gauge(g('memory_used_bytes')),
    memoryTotalBytes: gauge(g('memory_total_bytes')),
    memoryUsedPercent: expression(
      (s) => `100 * ${s(g('memory_used_bytes'))} / ${s(g('memory_total_bytes'))}`,
    ),
    powerWatts: gauge(g('power_watts')),
    powerLimitWatts: gauge(g('power_limit_watts')),
    temperatureCelsius: gauge(g('temperature_celsius')),
    slowdownTemperatureCelsius: gauge(g('slowdown_temperature_celsius')),
    slowdownMarginCelsius: expression(
      (s) => `${s(g('slowdown_temperature_celsius'))} - ${s(g('temperature_celsius'))}`,
    ),
    smClockHz: gauge(g('sm_clock_hertz')),
    memoryClockHz: gauge(g('memory_clock_hertz')),
    fanPercent: gauge(g('fan_speed_ratio'), 100),
    performanceState: gauge(g('performance_state')),
    eccCorrectedErrors: gauge(g('ecc_corrected_errors_total')),
    eccUncorrectedErrors: gauge(g('ecc_uncorrected_errors_total')),
    encoderPercent: gauge(g('encoder_utilization_ratio'), 100),
    decoderPercent: gauge(g('decoder_utilization_ratio'), 100),
    rendererPercent: gauge(g('renderer_utilization_ratio'), 100),
    tilerPercent: gauge(g('tiler_utilization_ratio'), 100),
  },
};

const p = (name: string) => m(`process_${name}`);
const process: KindQueries = {
  kind: 'process',
  nameLabel: 'comm',
  labels: ['comm', 'pid', 'container'],
  facts: {
    inContainer: (value, s) => `and ${s(p('threads'), `container${value ? '!=' : '='}""`)}`,
  },
  fields: {
    cpuPercent: rate(p('cpu_seconds_total'), 100),
    cpuPercentOfHost: {
      type: 'rate',
      expr: (s, r) =>
        `100 * ${r(s(p('cpu_seconds_total')))} / ignoring(pid, comm, container) group_left() ${m('cpus')}`,
    },
    cpuSeconds: gauge(p('cpu_seconds_total')),
    residentBytes: gauge(p('resident_memory_bytes')),
    swapBytes: gauge(p('swap_bytes')),
    threads: gauge(p('threads')),
    ioReadBytes: gauge(p('io_read_bytes_total')),
    ioWriteBytes: gauge(p('io_write_bytes_total')),
    ioReadBps: rate(p('io_read_bytes_total')),
    ioWriteBps: rate(p('io_write_bytes_total')),
  },
};

/**
 * PromQL for the kinds arcbox-perf ships, over the names their exporters give (see
 * `defaultExporters`); a fresh list each call. A kind without an entry is read through the
 * gauges `fieldFamilies` names.
 */
export function defaultKindQueries(): KindQueries[] {
  return [host, container, vm, filesystem, gpu, process];
}
