// What the overview, the container page and the VM page share: I/O chart specs, a series' own
// alerts, the processes table's cells, and following a chart group with the live stream.
import { renderAlerts } from './alerts.js';
import { appendRow, fromZero, redraw, trim } from './charts.js';
import { $, cell } from './dom.js';
import { bytes, pct, rate } from './format.js';

/** A chart of two byte rates (read/write, rx/tx) from zero, 1 KiB/s at least. */
export const ioChart = ([inField, inLabel], [outField, outLabel], colours) => ({
  series: [
    [inField, inLabel, colours?.[0] ?? '#16a34a'],
    [outField, outLabel, colours?.[1] ?? '#dc2626'],
  ],
  fmt: rate,
  range: fromZero(1024),
});
export const netColours = ['#2563eb', '#ea580c'];

/** Renders into #<listId> the alerts of series `<kind>:<id>` (or named by the bare id). */
export function renderOwnAlerts(state, kind, id, listId, empty) {
  const mine = state.alerts.filter(
    (a) => a.kind === kind && (a.series === `${kind}:${id}` || a.series === id),
  );
  renderAlerts($(listId), mine, empty);
}

/** A row's new sample on a page's charts: appended, trimmed to the range, drawn; not when zoomed. */
export function follow(group, row, state) {
  if (state.zoom) return;
  appendRow(group, row);
  trim(group, state.rangeMs);
  redraw(group);
}

/** The sum of rates (read + write), null when none of them was measured. */
export const total = (...values) =>
  values.every((v) => v === null || v === undefined)
    ? null
    : values.reduce((sum, v) => sum + (v ?? 0), 0);

/** A process table's sort keys, by column: PID, command, user, CPU, resident, I/O[, container]. */
export const processSortKeys = ({ container }) => [
  (p) => p.pid,
  (p) => p.comm,
  (p) => p.user,
  (p) => p.cpuPercent,
  (p) => p.residentBytes,
  (p) => total(p.ioReadBps, p.ioWriteBps),
  ...(container ? [(p) => p.container ?? ''] : []),
  (p) => p.command ?? p.comm,
];

const clip = (text, n) => (text.length > n ? `${text.slice(0, n)}…` : text);

/** One process's cells: PID, command, user, CPU, resident, I/O, [container,] command line. */
export function processCells(p, { container, commandWidth }) {
  return [
    cell(p.pid, true),
    cell(p.comm),
    cell(p.user ?? '–'),
    cell(pct(p.cpuPercent), true),
    cell(bytes(p.residentBytes), true),
    cell(
      p.ioReadBps === null && p.ioWriteBps === null
        ? '–'
        : `${rate(p.ioReadBps)} / ${rate(p.ioWriteBps)}`,
      true,
    ),
    ...(container ? [cell(p.container === null ? 'host' : p.container.slice(0, 12))] : []),
    cell(p.command === null ? `[${p.comm}]` : clip(p.command, commandWidth)),
  ];
}

/** The page's title, and whether "not in the latest sample" is shown. */
export function describeSubject(prefix, id, subject, state) {
  $(`${prefix}-title`).textContent = subject ? subject.name : id;
  $(`${prefix}-missing`).hidden = subject !== undefined || state.latest === null;
}

/** Shows the page's body for a valid id (else its notice); false when there is nothing to show. */
export function openPage(prefix, id) {
  $(`${prefix}-bad-id`).hidden = id !== null;
  $(`${prefix}-body`).hidden = id === null;
  if (id === null) return false;
  document.title = `${id.slice(0, 64)} · arcbox-perf agent`;
  return true;
}
