// The agent's dashboard: plain browser JavaScript modules, served by the agent with uPlot (no CDN).
// History comes from /api/v1/history, live samples from the /api/v1/stream Server-Sent Events,
// both through api-client.js (the token, when the agent has one, goes in a header). This file is
// the overview (host charts, alerts, events, tables), the stream, the token form and the routes;
// container-page.js and vm-page.js are the pages a row opens.
import { renderAlerts } from './alerts.js';
import { api } from './api-client.js';
import {
  appendRow,
  chartGroup,
  columns,
  dashed,
  ensurePlots,
  fromZero,
  loadHistory,
  redraw,
  resizePlots,
  trim,
  windowOf,
} from './charts.js';
import { containerHref, createContainerPage } from './container-page.js';
import { $, cell, linkCell } from './dom.js';
import {
  createBreakdown,
  createHeatStrip,
  diskLines,
  gpuLines,
  interfaceLines,
} from './breakdowns.js';
import { age, bytes, count, pct, rate } from './format.js';
import { keepSparks, recordSpark, sparkCell } from './sparkline.js';
import { createTableView } from './table-view.js';
import { ioChart, netColours, processCells, processSortKeys, total } from './page-parts.js';
import { createVmPage, vmHref } from './vm-page.js';

// The host's charts (specs as charts.js describes them).
const hostCharts = {
  cpu: {
    series: [
      ['cpuPercent', 'busy', '#2563eb'],
      ['cpuUser', 'user', '#16a34a'],
      ['cpuSystem', 'system', '#dc2626'],
      ['cpuIowait', 'iowait', '#ca8a04'],
    ],
    fmt: pct,
    range: [0, 100],
  },
  memory: {
    series: [
      ['memoryUsed', 'used', '#7c3aed'],
      ['memoryCached', 'cached', '#0891b2'],
      ['memoryTotal', 'total', '#6b7280'],
    ],
    fmt: bytes,
  },
  disk: ioChart(['diskReadBps', 'read'], ['diskWriteBps', 'write']),
  net: ioChart(['netRxBps', 'rx'], ['netTxBps', 'tx'], netColours),
  load: {
    series: [
      ['load1', '1 min', '#2563eb'],
      ['load5', '5 min', '#16a34a'],
      ['load15', '15 min', '#ca8a04'],
      ['cpuCount', 'cores', '#6b7280', dashed],
    ],
    fmt: count,
    range: fromZero(1),
  },
  pressure: {
    series: [
      ['cpuPressure', 'CPU', '#2563eb'],
      ['memoryPressure', 'memory', '#7c3aed'],
      ['ioPressure', 'I/O', '#ca8a04'],
    ],
    fmt: pct,
    range: fromZero(5),
  },
  swap: {
    series: [
      ['swapUsed', 'used', '#7c3aed'],
      ['swapTotal', 'total', '#6b7280', dashed],
    ],
    fmt: bytes,
    range: fromZero(1024 * 1024),
  },
};
// Of each container and process, only what the tables and the container page show: a container
// has some 60 fields, and at 500 containers the whole of them is most of what the page reads
// every second.
const streamFields = new URLSearchParams({
  containers: [
    'name',
    'runtime',
    'timestamp',
    'cpuPercent',
    'cpuLimitCores',
    'memoryUsed',
    'memoryUsage',
    'memoryLimit',
    'netRxBps',
    'netTxBps',
    'blockReadBps',
    'blockWriteBps',
    'pids',
    'pidsLimit',
  ].join(','),
  // The processes table's columns: 9 of a process's 30 fields, half its bytes (the bench's
  // sample with 100 containers goes from 53 to 45 KB).
  processes: [
    'pid',
    'comm',
    'command',
    'user',
    'container',
    'cpuPercent',
    'residentBytes',
    'ioReadBps',
    'ioWriteBps',
  ].join(','),
}).toString();

const state = {
  rangeMs: Number($('range').value),
  /** A window dragged on a chart, { from, to } in ms, or null: the last `rangeMs`. */
  zoom: null,
  window: () => windowOf(state.rangeMs, state.zoom),
  zoomTo: (from, to) => zoomTo(from, to),
  samples: 0,
  historyLoaded: false,
  /** The tables skipped samples while the tab was hidden. */
  tablesBehind: false,
  unauthorised: false,
  alerts: [],
  /** The newest sample from the stream. */
  latest: null,
  /** What is on screen: { page: 'overview' }, or { page: 'container' | 'vm', id }. */
  view: { page: 'overview' },
};

const host = chartGroup('chart', hostCharts);
host.onZoom = state.zoomTo;
// The data is asked for first, all at once, before the page builds its charts and tables (the
// answers are handled once this module has run): the stream's first sample fills the tables
// while history loads, and the rows it brings meanwhile follow history's last point
// (loadHistory), so nothing is lost between them.
connect();
loadHistory(host, 'system', state.window()).finally(() => {
  state.historyLoaded = true;
});
loadEvents();
// From the stream only: a line per disk and per interface, and the per-core heat strip.
const breakdowns = {
  disks: createBreakdown('disks', diskLines, state.zoomTo),
  ifaces: createBreakdown('ifaces', interfaceLines, state.zoomTo),
  gpuBusy: createBreakdown('gpuBusy', gpuLines('utilizationPercent'), state.zoomTo, pct),
  gpuMemory: createBreakdown('gpuMemory', gpuLines('memoryUsedBytes'), state.zoomTo, bytes),
};
const cores = createHeatStrip('cpu-cores');
const pages = { container: createContainerPage(state), vm: createVmPage(state) };

// The overview's tables: sortable by any column, a filter box each; containers virtualise.
const tables = {
  containers: createTableView('containers', {
    countId: 'container-count',
    empty: 'No containers',
    filterId: 'containers-filter',
    filterText: (c) => `${c.name} ${c.id}`,
    sort: { column: 2, descending: true },
    virtualFrom: 100,
    sortKeys: [
      (c) => c.name,
      (c) => c.id,
      (c) => c.cpuPercent,
      (c) => c.cpuPercent,
      (c) => c.memoryUsed,
      (c) => c.memoryLimit,
      (c) => total(c.netRxBps, c.netTxBps),
      (c) => total(c.blockReadBps, c.blockWriteBps),
      (c) => c.pids,
    ],
    cells: (c) => [
      linkCell(c.name, containerHref(c.id)),
      cell(c.id.length > 24 ? `${c.id.slice(0, 24)}…` : c.id),
      cell(pct(c.cpuPercent), true),
      sparkCell(`c:${c.id}`),
      cell(bytes(c.memoryUsed), true),
      cell(c.memoryLimit === null ? 'none' : bytes(c.memoryLimit), true),
      cell(`${rate(c.netRxBps)} / ${rate(c.netTxBps)}`, true),
      cell(`${rate(c.blockReadBps)} / ${rate(c.blockWriteBps)}`, true),
      cell(c.pids ?? '–', true),
    ],
  }),
  vms: createTableView('vms', {
    countId: 'vm-count',
    empty: 'No VMs',
    filterId: 'vms-filter',
    filterText: (v) => `${v.name} ${v.id} ${v.vmm}`,
    sortKeys: [
      (v) => v.name,
      (v) => v.vmm,
      (v) => v.cpuPercent,
      (v) => v.cpuPercent,
      (v) => v.memoryUsed,
      (v) => total(v.virtioBlkReadBps, v.virtioBlkWriteBps),
      (v) => total(v.virtioNetRxBps, v.virtioNetTxBps),
    ],
    cells: (v) => [
      linkCell(v.name, vmHref(v.id)),
      cell(v.vmm),
      cell(pct(v.cpuPercent), true),
      sparkCell(`v:${v.id}`),
      cell(`${bytes(v.memoryUsed)} / ${bytes(v.memoryTotal)}`, true),
      cell(`${rate(v.virtioBlkReadBps)} / ${rate(v.virtioBlkWriteBps)}`, true),
      cell(`${rate(v.virtioNetRxBps)} / ${rate(v.virtioNetTxBps)}`, true),
    ],
  }),
  filesystems: createTableView('filesystems', {
    countId: 'filesystem-count',
    empty: 'No filesystems',
    filterId: 'filesystems-filter',
    filterText: (f) => `${f.mountPoint} ${f.device} ${f.fsType}`,
    sort: { column: 0, descending: false },
    sortKeys: [
      (f) => f.mountPoint,
      (f) => f.device,
      (f) => f.fsType,
      (f) => f.sizeBytes,
      (f) => f.usedBytes,
      (f) => f.availableBytes,
      (f) => f.usedPercent,
      (f) => f.inodesUsed,
      (f) => (f.readOnly ? 1 : 0),
    ],
    cells: (f) => [
      cell(f.mountPoint),
      cell(f.device),
      cell(f.fsType),
      cell(bytes(f.sizeBytes), true),
      cell(bytes(f.usedBytes), true),
      cell(bytes(f.availableBytes), true),
      cell(pct(f.usedPercent), true),
      cell(
        f.inodesTotal === null || f.inodesTotal === undefined
          ? '–'
          : `${f.inodesUsed} / ${f.inodesTotal}`,
        true,
      ),
      cell(f.readOnly ? 'ro' : ''),
    ],
  }),
  gpus: createTableView('gpus', {
    countId: 'gpu-count',
    empty: 'No GPUs',
    sortKeys: [
      (g) => g.name,
      (g) => g.id,
      (g) => g.utilizationPercent,
      (g) => g.memoryUsedBytes,
      (g) => g.temperatureCelsius,
      (g) => g.powerWatts,
      (g) => g.performanceState,
    ],
    cells: (g) => [
      cell(g.name),
      cell(g.id.length > 24 ? `${g.id.slice(0, 24)}…` : g.id),
      cell(pct(g.utilizationPercent), true),
      cell(`${bytes(g.memoryUsedBytes)} / ${bytes(g.memoryTotalBytes)}`, true),
      cell(g.temperatureCelsius === null ? '–' : `${g.temperatureCelsius} °C`, true),
      cell(
        g.powerWatts === null
          ? '–'
          : `${g.powerWatts.toFixed(1)} W${g.powerLimitWatts === null ? '' : ` / ${g.powerLimitWatts.toFixed(0)} W`}`,
        true,
      ),
      cell(g.performanceState === null ? '–' : `P${g.performanceState}`, true),
    ],
  }),
  processes: createTableView('processes', {
    countId: 'process-count',
    empty: 'No processes',
    filterId: 'processes-filter',
    filterText: (p) =>
      `${p.pid} ${p.comm} ${p.user ?? ''} ${p.container ?? 'host'} ${p.command ?? ''}`,
    sort: { column: 3, descending: true },
    sortKeys: processSortKeys({ container: true }),
    cells: (p) => processCells(p, { container: true, commandWidth: 60 }),
  }),
};

function renderTables(sample) {
  // Every row's sparkline takes this sample's point, in sight or not, hidden tab or not.
  const ids = new Set();
  for (const c of sample.containers) ids.add(recordSparkOf(`c:${c.id}`, c.cpuPercent));
  for (const v of sample.vms) ids.add(recordSparkOf(`v:${v.id}`, v.cpuPercent));
  keepSparks(ids);
  // A hidden tab fills its tables once it is shown again, from the newest sample.
  state.tablesBehind = document.hidden;
  if (document.hidden) return;
  tables.containers.set(sample.containers);
  tables.vms.set(sample.vms);
  if (sample.gpus?.length) tables.gpus.set(sample.gpus);
  // Optional panels: shown when the agent samples filesystems and processes.
  for (const key of ['filesystems', 'processes']) {
    $(`${key}-section`).hidden = sample[key] === undefined;
    if (sample[key] !== undefined) tables[key].set(byPid(key, sample[key]));
  }
}

const recordSparkOf = (id, value) => {
  recordSpark(id, value);
  return id;
};

// Processes of equal CPU keep PID order; filesystems have their mount point as id.
const byPid = (key, rows) =>
  key === 'processes'
    ? [...rows].sort((a, b) => a.pid - b.pid)
    : rows.map((f) => ({ ...f, id: f.mountPoint }));

// The stream sends the alerts as it connects and whenever they change (no polling: every fetch
// costs the browser's network and IPC work); the same list /api/v1/alerts answers.
function showAlerts() {
  if (!document.hidden) renderAlerts($('alerts'), state.alerts, 'No alerts');
  if (state.view.page !== 'overview' && state.view.id) pages[state.view.page].alertsChanged();
}

// Lifecycle events (OOM kills, restarts), newest first: "web-1 OOM-killed, limit 256.0 MiB · 2 min ago".
const events = [];

function renderEvents() {
  const list = $('events');
  list.replaceChildren();
  if (events.length === 0) {
    const li = document.createElement('li');
    li.className = 'none';
    li.textContent = 'No events';
    list.append(li);
    return;
  }
  for (const e of events.slice(0, 20)) {
    const li = document.createElement('li');
    li.className = e.type === 'oom-kill' ? 'critical firing' : 'warning firing';
    li.dataset.type = e.type;
    li.textContent = `${e.message} · ${age(Date.now() - e.time)} ago`;
    list.append(li);
  }
}

async function loadEvents() {
  const since = Date.now() - 24 * 3600 * 1000;
  const res = await api.get(`/api/v1/events?since=${since}&limit=20`).catch(() => null);
  if (!res?.ok) return;
  const body = await res.json();
  events.splice(0, events.length, ...body.events.reverse());
  renderEvents();
}

function connect() {
  if (state.unauthorised) return;
  api.stream(`/api/v1/stream?${streamFields}`, {
    open() {
      $('status').textContent = 'live';
      $('status').className = 'status live';
    },
    error() {
      $('status').textContent = 'reconnecting…';
      $('status').className = 'status';
    },
    alerts(data) {
      state.alerts = JSON.parse(data).alerts;
      showAlerts();
    },
    lifecycle(data) {
      events.unshift(JSON.parse(data));
      events.length = Math.min(events.length, 20);
      renderEvents();
    },
    sample: onSample,
  });
}

function onSample(data) {
  const sample = JSON.parse(data);
  state.samples += 1;
  state.latest = sample;
  const overview = state.view.page === 'overview';
  if (!state.zoom) {
    appendRow(host, sample.system);
    trim(host, state.rangeMs);
    if (overview) redraw(host);
  }
  // The GPU panel is there when the gpu kind has series.
  const gpus = sample.gpus ?? [];
  $('gpus-section').hidden = gpus.length === 0;
  for (const [key, breakdown] of Object.entries(breakdowns))
    if (gpus.length > 0 || !key.startsWith('gpu')) breakdown.update(sample, state, overview);
  cores.update(sample);
  if (overview) cores.draw();
  renderTables(sample);
  if (state.view.page !== 'overview' && state.view.id) pages[state.view.page].update(sample);
  if (sample.system)
    $('status').textContent = `live · ${new Date(sample.time).toLocaleTimeString()}`;
}

// Every API call answered 401: say so, ask for the token, and show no empty "healthy" lists.
function showUnauthorised({ tokenRefused }) {
  if (state.unauthorised) return;
  state.unauthorised = true;
  document.body.dataset.auth = 'unauthorised';
  $('status').textContent = 'unauthorised';
  $('status').className = 'status unauthorised';
  $('auth-message').textContent = tokenRefused
    ? 'The agent refused the token given: enter it again.'
    : 'This agent asks for its token (authToken or --token-file in its config).';
  $('auth').hidden = false;
  for (const view of document.querySelectorAll('main.view')) view.hidden = true;
  $('auth-token').focus();
}
api.onUnauthorised(showUnauthorised);
$('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const value = $('auth-token').value.trim();
  if (value === '') return;
  api.setToken(value);
  // Everything starts again with the token: history, alerts, events and the stream.
  location.reload();
});

/**
 * The page an address names: `#/container/<id>`, `#/vm/<id>`, else the overview. Ids are
 * untrusted (they come from the address bar): decoded and bounded, else null.
 */
function pageOf(hash) {
  const m = /^#\/(container|vm)\/(.+)$/.exec(hash);
  if (!m) return { page: 'overview' };
  try {
    const id = decodeURIComponent(m[2]);
    return { page: m[1], id: id.length > 0 && id.length <= 256 ? id : null };
  } catch {
    return { page: m[1], id: null };
  }
}

function route() {
  if (state.unauthorised) return;
  // A zoomed window belongs to the page it was dragged on.
  if (state.zoom) setZoom(null, false);
  for (const page of Object.values(pages)) page.hide();
  const target = pageOf(location.hash);
  state.view = target;
  $('overview').hidden = target.page !== 'overview';
  $('container-view').hidden = target.page !== 'container';
  $('vm-view').hidden = target.page !== 'vm';
  if (target.page === 'overview') {
    document.title = 'arcbox-perf agent';
    ensurePlots(host);
    resizePlots(host);
    redraw(host);
    return;
  }
  window.scrollTo(0, 0);
  pages[target.page].show(target.id);
}

// A click anywhere on a container's or VM's row opens its page (the name is a link too).
for (const [table, href] of [
  ['containers', containerHref],
  ['vms', vmHref],
]) {
  $(table).tBodies[0].addEventListener('click', (event) => {
    const tr = event.target.closest('tr[data-id]');
    if (!tr || event.target.closest('a')) return;
    location.hash = href(tr.dataset.id);
  });
}
window.addEventListener('hashchange', route);
/** Loads the shown page's history again for the window in force. */
function reloadView() {
  if (state.view.page !== 'overview' && state.view.id) pages[state.view.page].reload();
  else loadHistory(host, 'system', state.window());
}

const clock = (ms) => new Date(ms).toLocaleTimeString();

function setZoom(zoom, reload = true) {
  state.zoom = zoom;
  $('zoom-reset').hidden = zoom === null;
  $('zoom-window').textContent = zoom ? `(${clock(zoom.from)} – ${clock(zoom.to)})` : '';
  // The stream-only charts have no history to reload: their axes move to the window.
  for (const b of Object.values(breakdowns)) b.zoomed(zoom);
  if (reload) reloadView();
}

// Dragged on a chart: that window, at the finest step that fits it (one sample at the least).
function zoomTo(from, to) {
  setZoom({ from, to: Math.max(to, from + 2000) });
}
$('zoom-reset').addEventListener('click', () => setZoom(null));

// "All kept": from the oldest point history holds of any series (its retention), 5 min at least.
async function keptRangeMs() {
  const res = await api.get('/api/v1/series').catch(() => null);
  if (!res?.ok) return 24 * 3600 * 1000;
  const { series } = await res.json();
  const oldest = Math.min(Date.now(), ...series.map((s) => s.firstTime));
  return Math.max(5 * 60 * 1000, Date.now() - oldest);
}

$('range').addEventListener('change', async () => {
  const value = $('range').value;
  state.rangeMs = value === 'all' ? await keptRangeMs() : Number(value);
  setZoom(null);
});

// The charts of a page: the host's, or a page's (the VM page's once built).
const groupOf = (page) => (page === 'overview' ? host : (pages[page]?.group() ?? null));
// A chart by page and key: the overview's breakdowns are groups of their own.
const groupFor = (page, key) =>
  page === 'host' || page === 'overview'
    ? (breakdowns[key]?.group() ?? host)
    : (pages[page]?.group() ?? null);
window.addEventListener('resize', () => {
  const group = groupOf(state.view.page);
  if (group) resizePlots(group);
  if (state.view.page === 'overview') {
    for (const b of Object.values(breakdowns)) if (b.group()) resizePlots(b.group());
    cores.draw();
  }
});

// Read by the browser tests: how many points each chart holds, and what each chart draws.
window.arcboxDashboard = {
  points: () => Object.fromEntries(Object.keys(hostCharts).map((k) => [k, host.data[k][0].length])),
  samples: () => state.samples,
  /** Whether the overview's first history answer is in (drawn or found empty). */
  historyLoaded: () => state.historyLoaded,
  view: () => ({ ...state.view }),
  /** The columns of a chart, by field: `chart('container', 'memory').memoryLimit`. */
  chart: (page, key) => {
    const group = groupFor(page, key);
    return group?.specs[key] ? columns(group, key) : null;
  },
  /** A chart's x scale (s) and the x axis' tick labels as drawn. */
  xAxis: (page, key) => {
    const plot = groupFor(page, key)?.plots[key];
    return plot
      ? { min: plot.scales.x.min, max: plot.scales.x.max, ticks: plot.axes[0]._values ?? [] }
      : null;
  },
  zoom: () => (state.zoom ? { ...state.zoom } : null),
  /** A chart's timestamps (ms). */
  times: (page, key) => groupFor(page, key)?.data[key]?.[0].map((t) => t * 1000) ?? null,
  /** The labels of a chart's lines, as uPlot draws them. */
  labels: (page, key) =>
    groupFor(page, key)
      ?.plots[key]?.series.slice(1)
      .map((s) => s.label) ?? null,
};
// Back in a hidden tab: its tables and alerts as they are now (charts draw themselves).
document.addEventListener('visibilitychange', () => {
  if (document.hidden) return;
  if (state.tablesBehind && state.latest) renderTables(state.latest);
  renderAlerts($('alerts'), state.alerts, 'No alerts');
});

route();
// Keeps each alert's "firing for 2 min" current (renderAlerts writes only what changed).
setInterval(() => {
  if (state.alerts.length > 0) showAlerts();
}, 2000);

// Keeps the "2 min ago" current.
setInterval(renderEvents, 30_000);
