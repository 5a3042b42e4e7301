import {
  type ContainerMetrics,
  describeLifecycleEvent,
  formatAgo,
  type LifecycleEvent,
  filesystemKind,
  formatBytes,
  formatPercent,
  formatRate,
  type GpuMetrics,
  gpuKind,
  metricsOf,
  type ProcessMetrics,
  processKind,
  type VmMetrics,
} from '@arcbox/perf-core';
import type { Colors } from '../cli-context.js';
import { formatTable } from '../render/format-table.js';
import { bar, sparkline } from '../render/sparkline.js';
import type { Sample } from '../sampling/create-sampler.js';
import { type FitColumn, fitColumns } from './fit-columns.js';
import { orderRows } from './order-rows.js';
import { fitLine, fitParts, type OptionalPart, type Segment } from './styled-line.js';
import type { SystemHistory } from './system-history.js';
import {
  markSorted,
  topContainerColumns,
  topFilesystemColumns,
  topProcessColumns,
  topVmColumns,
} from './top-columns.js';
import type { SortKey, TopState } from './top-state.js';

/** A firing alert as the live view shows it; `subject` names the container or VM, if any. */
export interface FiringAlert {
  name: string;
  severity: 'warn' | 'crit';
  subject?: string;
  message: string;
}

export interface TopView {
  sample: Sample | null;
  history: SystemHistory;
  alerts: FiringAlert[];
  state: TopState;
  /**
   * Every process of the focused container (`state.focus`) in the last reading, not only the
   * kept top N; filled by the sampling loop.
   */
  focused?: readonly ProcessMetrics[];
  /** Lifecycle events of the last minutes (OOM kills, restarts), oldest first. */
  events?: readonly LifecycleEvent[];
}

const sortLabels: Record<SortKey, string> = {
  cpu: 'CPU',
  memory: 'memory',
  disk: 'disk',
  net: 'network',
};

/** The fullest filesystems the panel shows: the live view is about what runs, not about disks. */
const FILESYSTEM_ROWS = 4;
/** The newest lifecycle events shown under the alerts. */
const EVENT_ROWS = 3;
/** GPU lines under the host's: one per whole device (MIG instances are part of theirs). */
const GPU_ROWS = 4;
/** Container rows the filesystems panel never takes away. */
const MIN_CONTAINER_ROWS = 3;

const helpLines = [
  'Keys',
  '  c m d n       sort by CPU, memory, disk, network (the same key again: reverse)',
  '  r             reverse the sort (the sorted column is marked ▼ largest first, ▲ smallest)',
  '  p             processes instead of containers (the kept top N; d sorts by I/O)',
  '  Enter         every process of the container under the cursor (Esc or p: back)',
  '  /             filter by name or id (Enter keeps it, Esc clears it)',
  '  ↑ ↓ PgUp PgDn move the cursor (Home: back to the top)',
  '  space         pause and resume sampling',
  '  + -           refresh less or more often',
  '  ? h           this help (any key closes it)',
  '  q Ctrl-C      quit',
  '',
  'Marks',
  '  ▼ ▲           the sorted column, largest or smallest first',
  '  MEM % *       of host memory: the container has no memory limit',
];

/**
 * One full frame of `arcbox-perf top`: exactly `height` lines of exactly `width` cells. Pure, so
 * what a person sees is tested without a terminal; the screen only diffs and writes it. On a
 * narrow terminal the summary lines leave out their least useful parts and the tables their
 * least useful columns (see fitColumns), so the figures and sparklines stay.
 */
export function renderTopFrame(
  view: TopView,
  size: { width: number; height: number },
  c: Colors,
): string[] {
  const { width, height } = size;
  const { state } = view;
  const lines: string[] = [];
  const put = (...segments: Segment[]) => lines.push(fitLine(segments, width, c));
  const m = view.sample?.system ?? null;
  // Sparklines sit in one right-hand column: wide on a wide terminal, still there at 80 cells.
  const spark =
    width >= 110 ? Math.min(60, width - 92) : width >= 70 ? Math.min(18, width - 62) : 0;
  const summary = (
    values: (number | null)[],
    max: number | undefined,
    required: Segment[],
    parts: OptionalPart[],
  ) => {
    const room = spark === 0 ? width : width - spark - 1;
    const left = fitLine(fitParts(required, parts, room), room, c);
    lines.push(spark === 0 ? left : `${left} ${c.cyan(sparkline(values, spark, max))}`);
  };
  const time = m
    ? new Date(m.timestamp).toLocaleTimeString('en-GB', { hour12: false })
    : '--:--:--';
  const load = m
    ? `  load ${m.load1?.toFixed(2) ?? '-'} ${m.load5?.toFixed(2) ?? '-'} ${m.load15?.toFixed(2) ?? '-'}`
    : '';

  put(
    ['arcbox-perf top', 'bold'],
    `  ${time}  every ${intervalText(state.intervalMs)}`,
    ...(state.paused ? ['  ', [' PAUSED ', 'inverse'] as const] : []),
    load,
  );
  summary(
    view.history.cpu,
    100,
    [['CPU ', 'bold'], pct(m?.cpuPercent ?? null).padStart(8)],
    [
      { priority: 55, segments: [`  usr ${pct(m?.cpuUser ?? null)}`] },
      { priority: 50, segments: [`  sys ${pct(m?.cpuSystem ?? null)}`] },
      {
        priority: 70,
        segments: [
          '  ',
          [`iowait ${pct(m?.cpuIowait ?? null)}`, (m?.cpuIowait ?? 0) >= 20 ? 'yellow' : 'dim'],
        ],
      },
      {
        priority: 60,
        segments: [
          '  ',
          [`steal ${pct(m?.cpuSteal ?? null)}`, (m?.cpuSteal ?? 0) >= 10 ? 'yellow' : 'dim'],
        ],
      },
      { priority: 10, segments: [`  irq ${pct(m?.cpuIrq ?? null)}`] },
    ],
  );
  // Per-core bars, as many per line as fit.
  const cores = m?.cpuPerCore ?? [];
  const cell = 26;
  const perLine = Math.max(1, Math.floor((width - 2) / cell));
  for (let i = 0; i < cores.length && lines.length < Math.floor(height / 3); i += perLine) {
    const segs: Segment[] = ['  '];
    for (const core of cores.slice(i, i + perLine)) {
      const label = `cpu${core.id}`.padEnd(6);
      segs.push(
        label,
        [bar(core.percent, 10), core.percent !== null && core.percent >= 90 ? 'red' : 'green'],
        ` ${pct(core.percent).padStart(6)}  `,
      );
    }
    put(...segs);
  }
  summary(
    view.history.memory,
    100,
    [
      ['MEM ', 'bold'],
      `${formatBytes(m?.memoryUsed ?? null).padStart(10)} / ${formatBytes(m?.memoryTotal ?? null)} ${pct(m?.memoryPercent ?? null)}`,
    ],
    [
      { priority: 50, segments: [`  avail ${formatBytes(m?.memoryAvailable ?? null)}`] },
      { priority: 20, segments: [`  cache ${formatBytes(m?.memoryCached ?? null)}`] },
      {
        priority: 40,
        segments: [
          `  swap ${formatBytes(m?.swapUsed ?? null)}/${formatBytes(m?.swapTotal ?? null)}`,
        ],
      },
      {
        priority: 60,
        segments: [m?.memoryPressure == null ? '' : `  psi ${pct(m.memoryPressure)}`],
      },
    ],
  );
  summary(
    view.history.disk,
    undefined,
    [
      ['DISK', 'bold'],
      ` read ${formatRate(m?.diskReadBps ?? null).padStart(12)}  write ${formatRate(m?.diskWriteBps ?? null).padStart(12)}`,
    ],
    [
      {
        priority: 40,
        segments: [`  iops ${num(m?.diskReadIops ?? null)} / ${num(m?.diskWriteIops ?? null)}`],
      },
    ],
  );
  summary(
    view.history.net,
    undefined,
    [
      ['NET ', 'bold'],
      ` rx   ${formatRate(m?.netRxBps ?? null).padStart(12)}  tx    ${formatRate(m?.netTxBps ?? null).padStart(12)}`,
    ],
    [
      {
        priority: 40,
        segments: [`  pkts ${num(m?.netRxPps ?? null)} / ${num(m?.netTxPps ?? null)}`],
      },
    ],
  );
  const gpus = ((view.sample && metricsOf(gpuKind, view.sample)) ?? []).filter(
    (g) => g.parentId === null,
  );
  for (const g of gpus.slice(0, GPU_ROWS)) lines.push(gpuLine(g, width, c));
  for (const alert of view.alerts.slice(0, 3)) {
    put(
      [` ${alert.severity.toUpperCase()} `, alert.severity === 'crit' ? 'redInverse' : 'inverse'],
      ` ${alert.name}: ${alert.message}`,
    );
  }
  // The newest events first: an OOM kill explains a sawtooth in a memory column.
  const now = m?.timestamp ?? Date.now();
  for (const e of [...(view.events ?? [])].reverse().slice(0, EVENT_ROWS)) {
    const oom = e.type === 'oom-kill' || e.type === 'oom';
    put(
      [oom ? ' OOM ' : ' EVENT ', oom ? 'redInverse' : 'inverse'],
      ` ${describeLifecycleEvent(e)}`,
      [`  ${formatAgo(now - e.time)}`, 'dim'],
    );
  }
  // A source that failed this round (no cgroup mount, a VM socket refusing) says so, once a line.
  for (const failed of (view.sample?.collectors ?? []).filter((r) => !r.ok)) {
    put([`${failed.name}: ${failed.error ?? 'failed'}`, 'yellow']);
  }

  const footer = 2;
  if (state.help) {
    put('');
    for (const line of helpLines) put(/^[A-Z]/.test(line) ? [line, 'bold'] : line);
  } else {
    tables(view, width, height - footer, lines, put);
  }

  while (lines.length < height - 1) put('');
  const filter = state.editingFilter
    ? [[`filter: ${state.filter}_`, 'inverse'] as const]
    : state.filter
      ? [[`filter: ${state.filter}`, 'yellow'] as const, '  esc clears  ']
      : state.focus
        ? [[`processes of ${state.focus.name}`, 'yellow'] as const, '  esc back  ']
        : [];
  put(...filter, [
    'q quit  ? help  c/m/d/n sort  r reverse  p processes  enter container  / filter  space pause  +/- interval',
    'dim',
  ]);
  return lines.slice(0, height);
}

/** The containers table, then VMs and the fullest filesystems when there are any and room. */
function tables(
  view: TopView,
  width: number,
  bottom: number,
  lines: string[],
  put: (...segments: Segment[]) => void,
) {
  const { state } = view;
  const alerted = new Set(
    view.alerts.map((a) => a.subject).filter((s): s is string => s !== undefined),
  );
  const order = <R extends ContainerMetrics | VmMetrics>(rows: readonly R[]) =>
    orderRows(rows, state.sort, state.filter, state.descending);
  if (state.processes) return processPane(view, width, bottom, lines, put);
  const containers = order(view.sample?.containers ?? []);
  const vms = order(view.sample?.vms ?? []);
  const allFilesystems = (view.sample && metricsOf(filesystemKind, view.sample)) ?? [];
  const filesystems = [...allFilesystems]
    .sort((a, b) => (b.usedPercent ?? -1) - (a.usedPercent ?? -1))
    .slice(0, FILESYSTEM_ROWS);
  const vmRows = vms.length === 0 ? 0 : Math.min(vms.length, 5) + 3;
  const fsWanted = filesystems.length === 0 ? 0 : filesystems.length + 3;
  const roomWith = (fs: number) => bottom - lines.length - vmRows - fs - 2;
  const fsRows = roomWith(fsWanted) >= MIN_CONTAINER_ROWS ? fsWanted : 0;
  const room = Math.max(1, roomWith(fsRows));
  const scroll = Math.min(state.scroll, Math.max(0, containers.length - room));

  const totalContainers = view.sample?.containers.length ?? 0;
  const shownNote =
    containers.length === totalContainers
      ? `${totalContainers}`
      : `${containers.length} of ${totalContainers}`;
  put('');
  put(
    ['CONTAINERS', 'bold'],
    ` (${shownNote})  sorted by ${sortLabels[state.sort]} ${state.descending ? '▼' : '▲'}`,
    scroll > 0 ? `  rows ${scroll + 1}-` : '',
  );
  const sorted = <R>(columns: Parameters<typeof markSorted<R>>[0]) =>
    markSorted(columns, state.sort, state.descending);
  // The cursor (Enter opens its processes) is the row at state.scroll, always on the page.
  const cursor = Math.min(state.scroll, containers.length - 1);
  tableLines(sorted(topContainerColumns), containers, width, scroll, room, alerted, put, cursor);
  if (vms.length > 0) {
    put('');
    put(['VMS', 'bold'], ` (${vms.length})`);
    tableLines(sorted(topVmColumns), vms, width, 0, 5, alerted, put);
  }
  if (fsRows > 0) {
    const total = allFilesystems.length;
    put('');
    put(
      ['FILESYSTEMS', 'bold'],
      total > filesystems.length ? ` (${filesystems.length} fullest of ${total})` : ` (${total})`,
    );
    tableLines(topFilesystemColumns, filesystems, width, 0, FILESYSTEM_ROWS, new Set(), put);
  }
}

const processSort: Record<SortKey, (m: ProcessMetrics) => number | null> = {
  cpu: (m) => m.cpuPercent,
  memory: (m) => m.residentBytes,
  disk: (m) =>
    m.ioReadBps === null && m.ioWriteBps === null ? null : (m.ioReadBps ?? 0) + (m.ioWriteBps ?? 0),
  // Processes have no network figures: by CPU.
  net: (m) => m.cpuPercent,
};

/**
 * The processes pane (p): the processes the monitor keeps (top N by CPU, memory and I/O), or
 * every process of the focused container (Enter); sorted with the containers' keys, filtered by
 * command, container or pid.
 */
function processPane(
  view: TopView,
  width: number,
  bottom: number,
  lines: string[],
  put: (...segments: Segment[]) => void,
) {
  const { state } = view;
  const all = state.focus
    ? (view.focused ?? [])
    : ((view.sample && metricsOf(processKind, view.sample)) ?? []);
  const needle = state.filter.toLowerCase();
  const value = processSort[state.sort];
  const rows = all
    .filter(
      (m) =>
        needle === '' ||
        m.comm.toLowerCase().includes(needle) ||
        (m.container ?? '').toLowerCase().includes(needle) ||
        String(m.pid) === needle,
    )
    .sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return state.descending ? y - x : x - y;
      }
      return a.pid - b.pid;
    });
  const room = Math.max(1, bottom - lines.length - 3);
  const scroll = Math.min(state.scroll, Math.max(0, rows.length - room));
  put('');
  const count = rows.length === all.length ? `${all.length}` : `${rows.length} of ${all.length}`;
  put(
    ['PROCESSES', 'bold'],
    state.focus ? [` of ${state.focus.name}`, 'bold'] : '',
    ` (${count}${state.focus ? '' : ' kept'})  sorted by ${
      state.sort === 'net' ? 'CPU' : sortLabels[state.sort]
    } ${state.descending ? '▼' : '▲'}`,
  );
  tableLines(
    markSorted(topProcessColumns, state.sort === 'net' ? 'cpu' : state.sort, state.descending),
    rows,
    width,
    scroll,
    room,
    new Set(),
    put,
  );
}

function tableLines<R extends { id: string; name: string }>(
  columns: readonly FitColumn<R>[],
  rows: readonly R[],
  width: number,
  scroll: number,
  room: number,
  alerted: ReadonlySet<string>,
  put: (...segments: Segment[]) => void,
  cursor = -1,
) {
  const [header, ...body] = formatTable(fitColumns(columns, rows, width), rows);
  put([header ?? '', 'inverse']);
  body.slice(scroll, scroll + room).forEach((line, i) => {
    const row = rows[scroll + i];
    const hot = row !== undefined && (alerted.has(row.id) || alerted.has(row.name));
    if (scroll + i === cursor) put([line, hot ? 'redInverse' : 'inverse']);
    else put(hot ? [line, 'red'] : line);
  });
}

/** One GPU: utilisation and memory always; temperature, power and throttling as room allows. */
function gpuLine(g: GpuMetrics, width: number, c: Colors): string {
  const label = `GPU${g.index ?? ''}`.padEnd(4);
  const reasons = (g.throttleReasons ?? []).filter((r) => r !== 'gpu_idle');
  const hot = g.slowdownMarginCelsius !== null && g.slowdownMarginCelsius <= 5;
  const parts: OptionalPart[] = [
    {
      priority: 60,
      segments: [
        '  ',
        [
          `${g.temperatureCelsius === null ? '-' : g.temperatureCelsius.toFixed(0)} °C`,
          hot ? 'red' : 'dim',
        ],
      ],
    },
    {
      priority: 50,
      segments: [
        `  ${g.powerWatts === null ? '-' : g.powerWatts.toFixed(0)} W / ${g.powerLimitWatts === null ? '-' : g.powerLimitWatts.toFixed(0)} W`,
      ],
    },
    { priority: 30, segments: [`  ${g.name}`] },
    {
      priority: 55,
      segments: reasons.length === 0 ? [] : ['  ', [`throttled: ${reasons.join(',')}`, 'yellow']],
    },
  ];
  const required: Segment[] = [
    [label, 'bold'],
    pct(g.utilizationPercent).padStart(8),
    `  mem ${formatBytes(g.memoryUsedBytes)} / ${formatBytes(g.memoryTotalBytes)} ${pct(g.memoryUsedPercent)}`,
  ];
  return fitLine(fitParts(required, parts, width), width, c);
}

/** `250 ms`, `1.0 s`: the refresh interval as + and - change it. */
function intervalText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function pct(v: number | null): string {
  return formatPercent(v);
}

function num(v: number | null): string {
  return v === null ? '-' : v.toFixed(0);
}
