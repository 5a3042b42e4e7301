// The VM page, #/vm/<id>: a line per vCPU (from the live stream: history keeps the VM's totals),
// CPU of the vCPUs and of the VMM process, guest memory against its total, virtio-blk and
// virtio-net (totals from history, and a table per device), its alerts.
import {
  chartGroup,
  dashed,
  ensurePlots,
  fromZero,
  loadHistory,
  reset,
  resizePlots,
} from './charts.js';
import { $, cell, renderFacts } from './dom.js';
import { bytes, pct, rate } from './format.js';
import {
  describeSubject,
  follow,
  ioChart,
  netColours,
  openPage,
  renderOwnAlerts,
} from './page-parts.js';
import { createTableView } from './table-view.js';

export const vmHref = (id) => `#/vm/${encodeURIComponent(id)}`;

const vcpuColours = ['#2563eb', '#16a34a', '#dc2626', '#ca8a04', '#7c3aed', '#0891b2', '#db2777'];
/** The VM page's charts: one line per vCPU (`vcpus` of the stream), so built per VM. */
function vmCharts(vcpuCount) {
  return {
    vcpus: {
      series: Array.from({ length: vcpuCount }, (_, i) => [
        `vcpu${i}`,
        `vCPU ${i}`,
        vcpuColours[i % vcpuColours.length],
        { stream: true },
      ]),
      fmt: pct,
      range: fromZero(100),
    },
    cpu: {
      series: [
        ['cpuPercent', 'vCPUs', '#2563eb'],
        ['processCpuPercent', 'VMM process', '#6b7280'],
      ],
      fmt: pct,
      range: fromZero(100),
    },
    memory: {
      series: [
        ['memoryUsed', 'used', '#7c3aed'],
        ['memoryTotal', 'total', '#dc2626', dashed],
      ],
      fmt: bytes,
      range: fromZero(),
    },
    disk: ioChart(['virtioBlkReadBps', 'read'], ['virtioBlkWriteBps', 'write']),
    net: ioChart(['virtioNetRxBps', 'rx'], ['virtioNetTxBps', 'tx'], netColours),
  };
}
function vmRow(v) {
  const row = { ...v };
  v.vcpuPercent.forEach((p, i) => {
    row[`vcpu${i}`] = p;
  });
  return row;
}
/** The page's behaviour over the dashboard's shared `state`, as the container page's. */
export function createVmPage(state) {
  // Sortable by any column, as the overview's tables.
  const deviceTable = createTableView('vm-devices', {
    countId: 'vm-device-count',
    empty: 'No virtio devices',
    sort: { column: 1, descending: false },
    sortKeys: [(d) => d.kind, (d) => d.device, (d) => d.in, (d) => d.out],
    cells: (d) => [cell(d.kind), cell(d.device), cell(rate(d.in), true), cell(rate(d.out), true)],
  });
  /** The charts of the VM shown: { id, vcpus, group }, rebuilt when the vCPU count changes. */
  let shown = null;

  function drop() {
    if (shown) for (const plot of Object.values(shown.group.plots)) plot.destroy();
    shown = null;
  }

  /** (Re)builds the VM charts for `vcpuCount` vCPUs and loads their history. */
  function build(id, vcpuCount) {
    if (shown && shown.id === id && shown.vcpus === vcpuCount) return;
    drop();
    const group = chartGroup('vm-chart', vmCharts(vcpuCount));
    group.onZoom = state.zoomTo;
    shown = { id, vcpus: vcpuCount, group };
    ensurePlots(group);
    loadHistory(group, `vm:${id}`, state.window());
  }

  function describeVm(id, v) {
    describeSubject('vm', id, v, state);
    const facts = v
      ? [
          ['Id', v.id],
          ['VMM', v.vmm],
          ['PID', v.pid === null ? '–' : String(v.pid)],
          ['vCPUs', String(v.vcpuPercent.length)],
          ['CPU (vCPUs)', pct(v.cpuPercent)],
          ['Memory', `${bytes(v.memoryUsed)} / ${bytes(v.memoryTotal)}`],
          ['Memory from', v.memorySource ?? '–'],
        ]
      : [['Id', id]];
    renderFacts($('vm-facts'), facts);
    const devices = v
      ? [
          ...(v.blockDevices ?? []).map((d) => ({
            id: `blk:${d.device}`,
            kind: 'virtio-blk',
            device: d.device,
            in: d.readBps,
            out: d.writeBps,
          })),
          ...(v.netDevices ?? []).map((d) => ({
            id: `net:${d.device}`,
            kind: 'virtio-net',
            device: d.device,
            in: d.rxBps,
            out: d.txBps,
          })),
        ]
      : [];
    deviceTable.set(devices);
  }
  const renderVmAlerts = (id) =>
    renderOwnAlerts(state, 'vm', id, 'vm-alerts', 'No alerts for this VM');
  return {
    group: () => shown?.group ?? null,
    show(id) {
      if (!openPage('vm', id)) return;
      const v = state.latest?.vms.find((x) => x.id === id);
      describeVm(id, v);
      renderVmAlerts(id);
      if (shown?.id !== id) drop();
      if (v) build(id, v.vcpuPercent.length);
      else if (shown) resizePlots(shown.group);
    },
    hide() {},
    update(sample) {
      const { id } = state.view;
      const v = sample.vms.find((x) => x.id === id);
      describeVm(id, v);
      if (!v) return;
      build(id, v.vcpuPercent.length);
      follow(shown.group, vmRow(v), state);
    },
    alertsChanged: () => renderVmAlerts(state.view.id),
    reload() {
      if (!shown) return;
      reset(shown.group);
      loadHistory(shown.group, `vm:${shown.id}`, state.window());
    },
  };
}
