// The container page, #/container/<id>: CPU against its quota, memory against its limit, block
// and network I/O, PIDs (history, then the live stream), its processes and its alerts.
import { api } from './api-client.js';
import {
  chartGroup,
  dashed,
  ensurePlots,
  fromZero,
  loadHistory,
  redraw,
  reset,
  resizePlots,
} from './charts.js';
import { $, renderFacts } from './dom.js';
import { bytes, count, pct } from './format.js';
import {
  describeSubject,
  follow,
  ioChart,
  netColours,
  openPage,
  processCells,
  processSortKeys,
  renderOwnAlerts,
} from './page-parts.js';
import { createTableView } from './table-view.js';

export const containerHref = (id) => `#/container/${encodeURIComponent(id)}`;

export const containerCharts = {
  cpu: {
    series: [
      ['cpuPercent', 'CPU', '#2563eb'],
      // The quota in force now (cpu.max / cfs_quota), 100 = one core, as cpuPercent.
      ['cpuLimitPercent', 'quota', '#dc2626', { ...dashed, live: true }],
    ],
    fmt: pct,
    range: fromZero(100),
  },
  memory: {
    series: [
      ['memoryUsed', 'working set', '#7c3aed'],
      ['memoryUsage', 'usage', '#0891b2'],
      ['memoryLimit', 'limit', '#dc2626', dashed],
    ],
    fmt: bytes,
    range: fromZero(),
  },
  block: ioChart(['blockReadBps', 'read'], ['blockWriteBps', 'write']),
  net: ioChart(['netRxBps', 'rx'], ['netTxBps', 'tx'], netColours),
  pids: {
    series: [
      ['pids', 'PIDs', '#7c3aed'],
      ['pidsLimit', 'limit', '#dc2626', dashed],
    ],
    fmt: count,
    range: fromZero(),
  },
};

function containerRow(c) {
  if (!c) return null;
  return { ...c, cpuLimitPercent: c.cpuLimitCores === null ? null : c.cpuLimitCores * 100 };
}

/**
 * The page's behaviour over the dashboard's shared `state` (latest sample, alerts, range, view):
 * `show(id)` when the address names a container (id null: not a valid id), `update(sample)` on
 * each sample while shown, `hide()` when the address moves on.
 */
export function createContainerPage(state) {
  // Sortable by any column, as the overview's tables.
  const processTable = createTableView('container-processes', {
    countId: 'container-process-count',
    empty: 'No processes',
    sort: { column: 3, descending: true },
    sortKeys: processSortKeys({ container: false }),
    cells: (p) => processCells(p, { container: false, commandWidth: 80 }),
  });
  const group = chartGroup('container-chart', containerCharts);
  group.onZoom = state.zoomTo;
  let processTimer = null;

  function describeContainer(id, c) {
    describeSubject('container', id, c, state);
    const facts = c
      ? [
          ['Id', c.id],
          ['Runtime', c.runtime],
          ['CPU', pct(c.cpuPercent)],
          ['CPU quota', c.cpuLimitCores === null ? 'none' : `${c.cpuLimitCores} cores`],
          ['Memory', bytes(c.memoryUsed)],
          ['Memory limit', c.memoryLimit === null ? 'none' : bytes(c.memoryLimit)],
          [
            'PIDs',
            c.pids === null ? '–' : `${c.pids}${c.pidsLimit === null ? '' : ` / ${c.pidsLimit}`}`,
          ],
        ]
      : [['Id', id]];
    renderFacts($('container-facts'), facts);
  }

  const renderContainerAlerts = (id) =>
    renderOwnAlerts(state, 'container', id, 'container-alerts', 'No alerts for this container');

  async function loadContainerProcesses(id) {
    if (state.unauthorised) return;
    const query = new URLSearchParams({ container: id, limit: '50' });
    const res = await api.get(`/api/v1/processes?${query}`).catch(() => null);
    if (state.view.id !== id || !res) return;
    if (res.status === 404) {
      $('container-process-note').textContent = 'The agent does not read processes.';
      return;
    }
    if (!res.ok) return;
    $('container-process-note').textContent = '';
    const { processes } = await res.json();
    const rows = processes.map((p) => ({ ...p, id: String(p.pid) }));
    processTable.set(rows);
  }

  return {
    group: () => group,
    show(id) {
      if (!openPage('container', id)) return;
      reset(group);
      ensurePlots(group);
      resizePlots(group);
      const c = containerRow(state.latest?.containers.find((x) => x.id === id));
      describeContainer(id, c ?? undefined);
      if (c) group.live.cpuLimitPercent = c.cpuLimitPercent;
      redraw(group);
      renderContainerAlerts(id);
      loadHistory(group, `container:${id}`, state.window());
      loadContainerProcesses(id);
      processTimer = setInterval(() => loadContainerProcesses(id), 3000);
    },
    hide() {
      clearInterval(processTimer);
      processTimer = null;
    },
    update(sample) {
      const { id } = state.view;
      const c = containerRow(sample.containers.find((x) => x.id === id));
      describeContainer(id, c ?? undefined);
      if (!c) return;
      group.live.cpuLimitPercent = c.cpuLimitPercent;
      follow(group, c, state);
    },
    alertsChanged: () => renderContainerAlerts(state.view.id),
    reload() {
      reset(group);
      loadHistory(group, `container:${state.view.id}`, state.window());
    },
  };
}
