// Charts over one series of the agent (`system`, `container:<id>`, `vm:<id>`): a group of uPlot
// instances, one per chart, with their columns by field; history from /api/v1/history, then
// rows from the live stream. Each chart's spec: { series: [[field, label, colour, options]],
// fmt, range }; `live: true` fields are not in history (the latest sample's value is drawn across
// the range), `stream: true` fields are not either (drawn from the samples since the page opened).
/* global uPlot */
import { api } from './api-client.js';
import { $ } from './dom.js';
import { hoverTime } from './format.js';

export const dashed = { dash: [6, 4], width: 1.5 };

// From 0 to a bit above the highest value (or `floor`): a limit line is always in sight.
export const fromZero =
  (floor = 0) =>
  (_u, _min, max) => [0, Math.max(floor, Number.isFinite(max) ? max * 1.1 : floor, 1)];

/** Charts over one series (`system`, `container:<id>`), drawn into #<prefix>-<key>. */
export function chartGroup(prefix, specs) {
  const group = { prefix, specs, plots: {}, data: {}, live: {} };
  reset(group);
  return group;
}

export function reset(group) {
  for (const [key, spec] of Object.entries(group.specs))
    group.data[key] = [[], ...spec.series.map(() => [])];
  group.live = {};
}

export const chartWidth = (el) => Math.max(200, el.clientWidth);

/** Makes the uPlot instances once their elements are on screen (a hidden one has no width). */
export function ensurePlots(group) {
  for (const [key, spec] of Object.entries(group.specs)) {
    if (group.plots[key]) continue;
    const el = $(`${group.prefix}-${key}`);
    const opts = {
      width: chartWidth(el),
      height: 220,
      scales: { x: { time: true }, y: spec.range ? { range: spec.range } : { auto: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(spec.fmt), size: 80 }],
      // Off the chart, the legend shows the newest values rather than "–".
      hooks: { setCursor: [showNewest] },
      series: [
        { value: hoverTime },
        ...spec.series.map(([, label, stroke, options]) => ({
          label,
          stroke,
          width: options?.width ?? 1.5,
          ...(options?.dash ? { dash: options.dash } : {}),
          value: (_u, v) => spec.fmt(v),
          spanGaps: false,
        })),
      ],
    };
    group.plots[key] = new uPlot(opts, group.data[key], el);
  }
}

function showNewest(plot) {
  const n = plot.data[0].length;
  if (n > 0 && (plot.cursor.left ?? -1) < 0) plot.setLegend({ idx: n - 1 }, false);
}

export function redraw(group) {
  for (const key of Object.keys(group.specs)) {
    fillLive(group, key);
    const plot = group.plots[key];
    if (plot) {
      plot.setData(group.data[key]);
      showNewest(plot);
    }
    // What the page shows, for people and tests: each limit line's value as an attribute.
    const el = $(`${group.prefix}-${key}`);
    group.specs[key].series.forEach(([field], i) => {
      if (!/Limit/.test(field)) return;
      const col = group.data[key][i + 1];
      const last = col.findLast((v) => v !== null && v !== undefined);
      if (last === undefined) delete el.dataset.limit;
      else el.dataset.limit = String(last);
    });
  }
}

// A live-only field is drawn as its latest value across the range.
function fillLive(group, key) {
  const d = group.data[key];
  group.specs[key].series.forEach(([field, , , options], i) => {
    if (!options?.live) return;
    const v = group.live[field] ?? null;
    d[i + 1] = d[0].map(() => v);
  });
}

/** Drops points older than `rangeMs`. */
export function trim(group, rangeMs) {
  const from = Date.now() / 1000 - rangeMs / 1000;
  for (const key of Object.keys(group.specs)) {
    const d = group.data[key];
    let drop = 0;
    while (drop < d[0].length && d[0][drop] < from) drop += 1;
    if (drop > 0) for (const col of d) col.splice(0, drop);
  }
}

export function appendRow(group, row) {
  if (!row) return;
  const t = row.timestamp / 1000;
  for (const [key, spec] of Object.entries(group.specs)) {
    const d = group.data[key];
    if (d[0].length > 0 && d[0][d[0].length - 1] >= t) continue;
    d[0].push(t);
    spec.series.forEach(([field], i) => {
      d[i + 1].push(row[field] ?? null);
    });
  }
}

// The finest step history keeps (the agent's sample interval): a finer one is refused.
let resolutionMs = null;

async function historyResolution() {
  if (resolutionMs === null) {
    const res = await api.get('/api/v1/series');
    if (res.status === 401) return null;
    resolutionMs = res.ok ? (await res.json()).resolutionMs : 1000;
  }
  return resolutionMs;
}

/** Fills `group` with `series`' history over the last `rangeMs` (about 600 points). */
export async function loadHistory(group, series, rangeMs) {
  const fields = [
    ...new Set(
      Object.values(group.specs).flatMap((c) =>
        c.series.filter(([, , , o]) => !o?.live && !o?.stream).map(([f]) => f),
      ),
    ),
  ];
  // About 600 points across the range whatever its length, in whole sample intervals.
  const resolution = await historyResolution();
  if (resolution === null) return;
  const step = Math.max(1, Math.ceil(rangeMs / 600 / resolution)) * resolution;
  const query = new URLSearchParams({
    series,
    fields: fields.join(','),
    from: String(Date.now() - rangeMs),
    step: String(step),
  });
  const res = await api.get(`/api/v1/history?${query}`);
  // A series history has not seen yet (a container just started) draws from live samples.
  if (!res.ok) return;
  const h = await res.json();
  const times = h.timestamps.map((t) => t / 1000);
  for (const [key, spec] of Object.entries(group.specs)) {
    group.data[key] = [
      times.slice(),
      ...spec.series.map(([f]) => (h.values[f] ?? times.map(() => null)).slice()),
    ];
  }
  redraw(group);
}

export function resizePlots(group) {
  for (const [key, plot] of Object.entries(group.plots)) {
    const el = $(`${group.prefix}-${key}`);
    plot.setSize({ width: chartWidth(el), height: 220 });
  }
}

export const columns = (group, key) =>
  Object.fromEntries(
    group.specs[key].series.map(([field], i) => [field, group.data[key][i + 1].slice()]),
  );
