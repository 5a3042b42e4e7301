import {
  type ContainerMetrics,
  formatBytes,
  formatPercent,
  formatRate,
  type VmMetrics,
} from '@arcbox/perf-core';
import type { Colors } from '../cli-context.js';
import { containerColumns, vmColumns } from '../render/container-table.js';
import { formatTable } from '../render/format-table.js';
import { bar, sparkline } from '../render/sparkline.js';
import type { Sample } from '../sampling/create-sampler.js';
import { orderRows } from './order-rows.js';
import { fitLine, type Segment } from './styled-line.js';
import type { SystemHistory } from './system-history.js';
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
  intervalMs: number;
  state: TopState;
}

const sortLabels: Record<SortKey, string> = {
  cpu: 'CPU',
  memory: 'memory',
  disk: 'disk',
  net: 'network',
};

/**
 * One full frame of `arcbox-perf top`: exactly `height` lines of exactly `width` cells. Pure, so
 * what a person sees is tested without a terminal; the screen only diffs and writes it.
 */
export function renderTopFrame(
  view: TopView,
  size: { width: number; height: number },
  c: Colors,
): string[] {
  const { width, height } = size;
  const lines: string[] = [];
  const put = (...segments: Segment[]) => lines.push(fitLine(segments, width, c));
  const m = view.sample?.system ?? null;
  // Sparklines sit in one right-hand column, when the terminal is wide enough for them.
  const spark = width >= 110 ? Math.min(60, width - 92) : 0;
  const withSpark = (
    values: (number | null)[],
    max: number | undefined,
    ...segments: Segment[]
  ) => {
    if (spark === 0) return put(...segments);
    lines.push(
      `${fitLine(segments, width - spark - 1, c)} ${c.cyan(sparkline(values, spark, max))}`,
    );
  };
  const time = m
    ? new Date(m.timestamp).toLocaleTimeString('en-GB', { hour12: false })
    : '--:--:--';
  const load = m
    ? `load ${m.load1?.toFixed(2) ?? '-'} ${m.load5?.toFixed(2) ?? '-'} ${m.load15?.toFixed(2) ?? '-'}`
    : '';

  put(
    ['arcbox-perf top', 'bold'],
    `  ${time}  every ${(view.intervalMs / 1000).toFixed(1)} s  ${load}`,
  );
  withSpark(
    view.history.cpu,
    100,
    ['CPU ', 'bold'],
    pct(m?.cpuPercent ?? null).padStart(8),
    `  usr ${pct(m?.cpuUser ?? null)}  sys ${pct(m?.cpuSystem ?? null)}  `,
    [`iowait ${pct(m?.cpuIowait ?? null)}`, (m?.cpuIowait ?? 0) >= 20 ? 'yellow' : 'dim'],
    '  ',
    [`steal ${pct(m?.cpuSteal ?? null)}`, (m?.cpuSteal ?? 0) >= 10 ? 'yellow' : 'dim'],
    `  irq ${pct(m?.cpuIrq ?? null)}`,
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
  const pressure = m?.memoryPressure === null || m === null ? '' : `  psi ${pct(m.memoryPressure)}`;
  withSpark(
    view.history.memory,
    100,
    ['MEM ', 'bold'],
    `${formatBytes(m?.memoryUsed ?? null).padStart(10)} / ${formatBytes(m?.memoryTotal ?? null)} ${pct(m?.memoryPercent ?? null)}`,
    `  avail ${formatBytes(m?.memoryAvailable ?? null)}  cache ${formatBytes(m?.memoryCached ?? null)}`,
    `  swap ${formatBytes(m?.swapUsed ?? null)}/${formatBytes(m?.swapTotal ?? null)}${pressure}`,
  );
  withSpark(
    view.history.disk,
    undefined,
    ['DISK', 'bold'],
    ` read ${formatRate(m?.diskReadBps ?? null).padStart(12)}  write ${formatRate(m?.diskWriteBps ?? null).padStart(12)}`,
    `  iops ${num(m?.diskReadIops ?? null)} / ${num(m?.diskWriteIops ?? null)}`,
  );
  withSpark(
    view.history.net,
    undefined,
    ['NET ', 'bold'],
    ` rx   ${formatRate(m?.netRxBps ?? null).padStart(12)}  tx    ${formatRate(m?.netTxBps ?? null).padStart(12)}`,
    `  pkts ${num(m?.netRxPps ?? null)} / ${num(m?.netTxPps ?? null)}`,
  );
  for (const alert of view.alerts.slice(0, 3)) {
    put(
      [` ${alert.severity.toUpperCase()} `, alert.severity === 'crit' ? 'redInverse' : 'inverse'],
      ` ${alert.name}: ${alert.message}`,
    );
  }
  // A source that failed this round (no cgroup mount, a VM socket refusing) says so, once a line.
  for (const failed of (view.sample?.collectors ?? []).filter((r) => !r.ok)) {
    put([`${failed.name}: ${failed.error ?? 'failed'}`, 'yellow']);
  }

  const alerted = new Set(
    view.alerts.map((a) => a.subject).filter((s): s is string => s !== undefined),
  );
  const containers = orderRows(view.sample?.containers ?? [], view.state.sort, view.state.filter);
  const vms = orderRows(view.sample?.vms ?? [], view.state.sort, view.state.filter);
  const footer = 2;
  const vmRows = vms.length === 0 ? 0 : Math.min(vms.length, 5) + 3;
  const room = Math.max(1, height - lines.length - footer - vmRows - 2);
  const scroll = Math.min(view.state.scroll, Math.max(0, containers.length - room));

  const totalContainers = view.sample?.containers.length ?? 0;
  const shownNote =
    containers.length === totalContainers
      ? `${totalContainers}`
      : `${containers.length} of ${totalContainers}`;
  put('');
  put(
    ['CONTAINERS', 'bold'],
    ` (${shownNote})  sorted by ${sortLabels[view.state.sort]}`,
    scroll > 0 ? `  rows ${scroll + 1}-` : '',
  );
  tableLines(containerColumns, containers, scroll, room, alerted, put);
  if (vms.length > 0) {
    put('');
    put(['VMS', 'bold'], ` (${vms.length})`);
    tableLines(vmColumns, vms, 0, 5, alerted, put);
  }

  while (lines.length < height - 1) put('');
  const filter = view.state.editingFilter
    ? [[`filter: ${view.state.filter}_`, 'inverse'] as const]
    : view.state.filter
      ? [[`filter: ${view.state.filter}`, 'yellow'] as const, '  esc clears  ']
      : [];
  put(...filter, ['q quit  c/m/d/n sort  / filter  ↑↓ PgUp PgDn scroll', 'dim']);
  return lines.slice(0, height);
}

function tableLines<R extends ContainerMetrics | VmMetrics>(
  columns: Parameters<typeof formatTable<R>>[0],
  rows: readonly R[],
  scroll: number,
  room: number,
  alerted: ReadonlySet<string>,
  put: (...segments: Segment[]) => void,
) {
  const [header, ...body] = formatTable(columns, rows);
  put([header ?? '', 'inverse']);
  body.slice(scroll, scroll + room).forEach((line, i) => {
    const row = rows[scroll + i];
    const hot = row !== undefined && (alerted.has(row.id) || alerted.has(row.name));
    put(hot ? [line, 'red'] : line);
  });
}

function pct(v: number | null): string {
  return formatPercent(v);
}

function num(v: number | null): string {
  return v === null ? '-' : v.toFixed(0);
}
