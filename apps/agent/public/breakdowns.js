// Breakdowns drawn from the live stream (history keeps totals only): a line per disk and per
// network interface, and the per-core CPU heat strip (a row per core, a column per sample).
import { appendRow, chartGroup, ensurePlots, fromZero, redraw, trim } from './charts.js';
import { $ } from './dom.js';
import { drawWhenSeen } from './draw-when-seen.js';
import { rate } from './format.js';

const colours = ['#2563eb', '#16a34a', '#dc2626', '#ca8a04', '#7c3aed', '#0891b2', '#db2777'];
/** Lines per chart at the most: the busiest devices, so a host with 200 veths stays readable. */
const MAX_LINES = 8;

/**
 * A chart of one line per device, `pick(sample)` giving [{ name, value }]; rebuilt when the set
 * of devices changes. `update(sample, state)` on each sample while the overview is shown.
 */
export function createBreakdown(elementKey, pick, zoomTo, fmt = rate) {
  let shown = null; // { names, group }

  function build(names) {
    if (shown) for (const plot of Object.values(shown.group.plots)) plot.destroy();
    const specs = {
      [elementKey]: {
        series: names.map((n, i) => [`d${i}`, n, colours[i % colours.length], { stream: true }]),
        fmt,
        range: fromZero(fmt === rate ? 1024 : 1),
      },
    };
    const group = chartGroup('chart', specs);
    group.onZoom = zoomTo;
    shown = { names, group };
    $(`chart-${elementKey}`).dataset.devices = names.join(',');
  }

  return {
    group: () => shown?.group ?? null,
    update(sample, state, visible) {
      const devices = pick(sample)
        .sort((a, b) => (b.value ?? -1) - (a.value ?? -1))
        .slice(0, MAX_LINES)
        .sort((a, b) => a.name.localeCompare(b.name));
      const names = devices.map((d) => d.name);
      if (!shown || shown.names.join('\n') !== names.join('\n')) build(names);
      const row = { timestamp: sample.system.timestamp };
      devices.forEach((d, i) => {
        row[`d${i}`] = d.value;
      });
      if (visible) ensurePlots(shown.group);
      // No history to reload for a zoomed window: the rows keep coming, the axis shows the window.
      appendRow(shown.group, row);
      trim(shown.group, state.rangeMs);
      showWindow(state.zoom);
    },
    /** The x axis over the zoomed window { from, to } (ms), or following the data (null). */
    zoomed(zoom) {
      if (shown) showWindow(zoom);
    },
  };

  function showWindow(zoom) {
    shown.group.xWindow = zoom ? { from: zoom.from / 1000, to: zoom.to / 1000 } : null;
    redraw(shown.group);
  }
}

/** GPUs (a MIG instance is a line of its own): `field` of each. */
export const gpuLines = (field) => (sample) =>
  (sample.gpus ?? []).map((g) => ({
    name: g.name === g.id ? g.id : `${g.name} (${g.index ?? g.id.slice(0, 12)})`,
    value: g[field] ?? null,
  }));

/** Disks counted in the host's total (no loops, no partitions): read + write per second. */
export const diskLines = (sample) =>
  (sample.system?.disks ?? [])
    .filter((d) => d.countedInTotal)
    .map((d) => ({ name: d.name, value: d.totalBps ?? null }));

/** Interfaces but loopback: receive + send per second. */
export const interfaceLines = (sample) =>
  (sample.system?.interfaces ?? [])
    .filter((i) => !i.loopback)
    .map((i) => ({
      name: i.name,
      value: i.rxBps === null && i.txBps === null ? null : (i.rxBps ?? 0) + (i.txBps ?? 0),
    }));

const HEAT_COLUMNS = 120;

/** The per-core heat strip: a row per core, the last 120 samples, darker = busier. */
export function createHeatStrip(canvasId) {
  const columns = [];
  return {
    update(sample) {
      const cores = sample.system?.cpuPerCore;
      if (!cores) return;
      columns.push(cores.map((c) => c.percent));
      if (columns.length > HEAT_COLUMNS) columns.shift();
    },
    /** Its attributes now; its pixels in the next frame it is seen in (draw-when-seen.js). */
    draw() {
      const canvas = $(canvasId);
      const last = columns.at(-1) ?? [];
      const attrs = {
        cores: String(Math.max(1, ...columns.map((c) => c.length))),
        columns: String(columns.length),
        last: last.map((p) => (p === null ? '' : p.toFixed(0))).join(','),
      };
      for (const [k, v] of Object.entries(attrs))
        if (canvas.dataset[k] !== v) canvas.dataset[k] = v;
      const title = last
        .map((p, i) => `core ${i}: ${p === null ? '–' : p.toFixed(0)} %`)
        .join('\n');
      if (canvas.title !== title) canvas.title = title;
      drawWhenSeen(canvas, () => paint(canvas));
    },
  };

  function paint(canvas) {
    const rows = Math.max(1, ...columns.map((c) => c.length));
    const cell = Math.max(4, Math.min(14, Math.floor(160 / rows)));
    // Resized only when its box changes: setting the size reallocates the canvas.
    const width = canvas.clientWidth || 600;
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== rows * cell) canvas.height = rows * cell;
    const ctx = canvas.getContext('2d');
    const w = canvas.width / HEAT_COLUMNS;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    columns.forEach((col, x) => {
      const left = (HEAT_COLUMNS - columns.length + x) * w;
      col.forEach((p, y) => {
        // Blue-ish at idle, red at 100 %; a core not measured this round stays blank.
        if (p === null || p === undefined) return;
        const v = Math.max(0, Math.min(100, p));
        ctx.fillStyle = `hsl(${220 - v * 2.2} 80% ${92 - v * 0.45}%)`;
        ctx.fillRect(left, y * cell, Math.ceil(w), cell - 1);
      });
    });
  }
}
