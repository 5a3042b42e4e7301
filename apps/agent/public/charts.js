// Charts over one series of the agent (`system`, `container:<id>`, `vm:<id>`): a group of uPlot
// instances, one per chart, with their columns by field; history from /api/v1/history, then
// rows from the live stream. Each chart's spec: { series: [[field, label, colour, options]],
// fmt, range }; `live: true` fields are not in history (the latest sample's value is drawn across
// the range), `stream: true` fields are not either (drawn from the samples since the page opened).
// When history answers in bins of several samples (a long range, or a rollup tier), the average
// hides a short burst or dip: each measured field then gets `<field>Max` and `<field>Min` lines
// from the same query with aggregation=max and =min, and a band between the two. Dragging across a chart zooms the group to that
// window (`group.onZoom(from, to)`, in ms).
/* global uPlot */
import { api } from './api-client.js';
import { $ } from './dom.js';
import { drawWhenSeen } from './draw-when-seen.js';
import { hoverTime } from './format.js';

export const dashed = { dash: [6, 4], width: 1.5 };

// From 0 to a bit above the highest value (or `floor`): a limit line is always in sight.
export const fromZero =
  (floor = 0) =>
  (_u, _min, max) => [0, Math.max(floor, Number.isFinite(max) ? max * 1.1 : floor, 1)];

/** Charts over one series (`system`, `container:<id>`), drawn into #<prefix>-<key>. */
export function chartGroup(prefix, specs) {
  const group = {
    prefix,
    specs,
    plots: {},
    data: {},
    live: {},
    binned: false,
    onZoom: null,
    /** A zoomed window { from, to } in s: the x axis shows it, whatever the data reach. */
    xWindow: null,
  };
  reset(group);
  return group;
}

// A field whose peaks matter: measured, in history, and not a limit or a total.
const hasMax = ([field, , , options]) =>
  !options?.live && !options?.stream && !/Limit|Total|Count/.test(field);

/** The lines a chart draws: its spec's, plus a max and a min line per measured field when binned. */
export function layout(group, key) {
  const { series } = group.specs[key];
  if (!group.binned) return series;
  return [
    ...series,
    ...series.filter(hasMax).flatMap(([field, label, colour]) => [
      [`${field}Max`, `${label} max`, colour, { peak: 'max', of: field, width: 1, dash: [3, 3] }],
      [`${field}Min`, `${label} min`, colour, { peak: 'min', of: field, width: 1, dash: [1, 3] }],
    ]),
  ];
}

export function reset(group) {
  for (const key of Object.keys(group.specs)) {
    group.data[key] = [[], ...layout(group, key).map(() => [])];
    touch(group, key);
  }
  group.live = {};
  group.recent = [];
}

/** Switches the max lines on or off; the plots are made again with the lines they now draw. */
function setBinned(group, binned) {
  if (group.binned === binned) return;
  group.binned = binned;
  const had = Object.keys(group.plots).length > 0;
  for (const plot of Object.values(group.plots)) plot.destroy();
  group.plots = {};
  const { recent } = group;
  reset(group);
  group.recent = recent;
  if (had) ensurePlots(group);
}

export const chartWidth = (el) => Math.max(200, el.clientWidth);

/** Makes the uPlot instances once their elements are on screen (a hidden one has no width). */
export function ensurePlots(group) {
  for (const [key, spec] of Object.entries(group.specs)) {
    if (group.plots[key]) continue;
    const el = $(`${group.prefix}-${key}`);
    const lines = layout(group, key);
    const opts = {
      width: chartWidth(el),
      height: 220,
      scales: { x: { time: true }, y: spec.range ? { range: spec.range } : { auto: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(spec.fmt), size: 80 }],
      // Dragging selects a window; the group zooms to it (history at a finer step), not uPlot.
      cursor: { drag: { x: true, y: false, setScale: false } },
      // Off the chart, the legend shows the newest values rather than "–".
      hooks: { setCursor: [showNewest], setSelect: [(u) => zoomTo(group, u)] },
      series: [
        { value: hoverTime },
        ...lines.map(([, label, stroke, options]) => ({
          label,
          stroke,
          width: options?.width ?? 1.5,
          ...(options?.dash ? { dash: options.dash } : {}),
          value: (_u, v) => spec.fmt(v),
          spanGaps: false,
        })),
      ],
      // The band between a field's min and its max (1-based series indexes).
      bands: lines.flatMap(([, , colour, options], i) =>
        options?.peak === 'max'
          ? [
              {
                series: [i + 1, lines.findIndex(([f]) => f === `${options.of}Min`) + 1],
                fill: `${colour}33`,
              },
            ]
          : [],
      ),
    };
    group.plots[key] = new uPlot(opts, group.data[key], el);
    // Drawn with what it holds: the next redraw has nothing new to give it.
    drawn.set(group.plots[key], `${versionOf(group, key)}|`);
  }
}

function zoomTo(group, u) {
  const { left, width } = u.select;
  if (width < 4) return;
  const from = u.posToVal(left, 'x') * 1000;
  const to = u.posToVal(left + width, 'x') * 1000;
  u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  if (to > from) group.onZoom?.(from, to);
}

function showNewest(plot) {
  const n = plot.data[0].length;
  if (n > 0 && (plot.cursor.left ?? -1) < 0) plot.setLegend({ idx: n - 1 }, false);
}

/**
 * What each plot last drew: its data's version (bumped by every change of a chart's columns,
 * see `touch`) and its x window. A redraw with neither changed draws nothing.
 */
const drawn = new WeakMap();

const versionOf = (group, key) => group.versions?.[key] ?? 0;

/** Marks chart `key`'s columns changed: its next redraw draws. */
function touch(group, key) {
  group.versions ??= {};
  group.versions[key] = versionOf(group, key) + 1;
}

/**
 * Draws each chart of `group` with what it holds, in the next animation frame it is seen in
 * (draw-when-seen.js): off screen or in a hidden tab, when it comes into sight; several updates
 * before a frame are one draw.
 */
export function redraw(group) {
  for (const key of Object.keys(group.specs)) {
    fillLive(group, key);
    const plot = group.plots[key];
    const el = $(`${group.prefix}-${key}`);
    if (plot) {
      drawWhenSeen(el, () => {
        // A plot made again since (max lines on or off, another VM) draws itself.
        if (group.plots[key] !== plot) return;
        const win = group.xWindow ? `${group.xWindow.from}-${group.xWindow.to}` : '';
        const version = `${versionOf(group, key)}|${win}`;
        if (drawn.get(plot) === version) return;
        drawn.set(plot, version);
        plot.setData(group.data[key]);
        if (group.xWindow) plot.setScale('x', { min: group.xWindow.from, max: group.xWindow.to });
        showNewest(plot);
      });
    }
    // What the page shows, for people and tests: each limit line's value as an attribute.
    setData(el, 'binned', String(group.binned));
    group.specs[key].series.forEach(([field], i) => {
      if (!/Limit/.test(field)) return;
      const col = group.data[key][i + 1];
      const last = col.findLast((v) => v !== null && v !== undefined);
      setData(el, 'limit', last === undefined ? undefined : String(last));
    });
  }
}

// Writes an attribute only when it changes (each write invalidates style).
function setData(el, name, value) {
  if (el.dataset[name] === value) return;
  if (value === undefined) delete el.dataset[name];
  else el.dataset[name] = value;
}

// A live-only field is drawn as its latest value across the range.
function fillLive(group, key) {
  const d = group.data[key];
  group.specs[key].series.forEach(([field, , , options], i) => {
    if (!options?.live) return;
    const v = group.live[field] ?? null;
    const col = d[i + 1];
    if (col.length === d[0].length && col.every((x) => x === v)) return;
    d[i + 1] = d[0].map(() => v);
    touch(group, key);
  });
}

/** Drops points older than `rangeMs`. */
export function trim(group, rangeMs) {
  const from = Date.now() / 1000 - rangeMs / 1000;
  for (const key of Object.keys(group.specs)) {
    const d = group.data[key];
    let drop = 0;
    while (drop < d[0].length && d[0][drop] < from) drop += 1;
    if (drop === 0) continue;
    for (const col of d) col.splice(0, drop);
    touch(group, key);
  }
}

/** Live rows kept for a history answer to be followed by (`loadHistory`): 10 min at 1 Hz. */
const RECENT_ROWS = 600;

/** Appends a live row (a sample's) to every chart of `group`, once (older rows are skipped). */
export function appendRow(group, row, keep = true) {
  if (!row) return;
  if (keep) {
    group.recent ??= [];
    group.recent.push(row);
    if (group.recent.length > RECENT_ROWS) group.recent.shift();
  }
  const t = row.timestamp / 1000;
  for (const key of Object.keys(group.specs)) {
    const d = group.data[key];
    if (d[0].length > 0 && d[0][d[0].length - 1] >= t) continue;
    d[0].push(t);
    // A live sample is its own max and min.
    layout(group, key).forEach(([field, , , options], i) => {
      d[i + 1].push(row[options?.of ?? field] ?? null);
    });
    touch(group, key);
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

// A window this short is asked without a step while the sample interval is not known: the answer
// is the finest tier's own rows (600 at 1 s) and says the interval, so the first chart does not
// wait for a round trip to /api/v1/series (a list of every series: 90 KiB at 100 containers).
const UNSTEPPED_MS = 10 * 60 * 1000;

/** The window a page shows: the last `rangeMs`, or a zoomed { from, to } (ms). */
export const windowOf = (rangeMs, zoom) =>
  zoom
    ? { from: zoom.from, to: zoom.to, span: zoom.to - zoom.from }
    : { from: Date.now() - rangeMs, to: null, span: rangeMs };

/** `step` null: the chosen tier's own rows. */
async function historyColumns(series, fields, win, step, aggregation) {
  const query = new URLSearchParams({
    series,
    fields: fields.join(','),
    from: String(Math.round(win.from)),
    ...(win.to === null ? {} : { to: String(Math.round(win.to)) }),
    ...(step === null ? {} : { step: String(step) }),
    ...(aggregation ? { aggregation } : {}),
  });
  const res = await api.get(`/api/v1/history?${query}`);
  return res.ok ? res.json() : null;
}

/** The average answer over `win`, at about 600 points, and the sample interval; null: refused. */
async function averages(series, fields, win) {
  if (resolutionMs === null && win.span <= UNSTEPPED_MS) {
    const h = await historyColumns(series, fields, win, null);
    if (h?.tier === 'raw') resolutionMs = h.resolutionMs;
    if (h && resolutionMs !== null) return { h, resolution: resolutionMs };
  }
  // About 600 points across the window whatever its length, in whole sample intervals.
  const resolution = await historyResolution();
  if (resolution === null) return null;
  const step = Math.max(1, Math.ceil(win.span / 600 / resolution)) * resolution;
  return { h: await historyColumns(series, fields, win, step), resolution };
}

/**
 * Fills `group` with `series`' history over `win` (about 600 points), and its max per bin when
 * a point is more than one sample. Live rows the group was given meanwhile (the stream runs
 * while history loads) that are newer than history's last point follow it, so the charts have
 * no gap where history meets the stream. Resolves false when there is nothing (yet) to draw.
 */
export async function loadHistory(group, series, win) {
  const specs = Object.values(group.specs);
  const inHistory = specs.flatMap((c) => c.series.filter(([, , , o]) => !o?.live && !o?.stream));
  const fields = [...new Set(inHistory.map(([f]) => f))];
  const answer = await averages(series, fields, win);
  if (answer === null) return false;
  const { h, resolution } = answer;
  group.xWindow = win.to === null ? null : { from: win.from / 1000, to: win.to / 1000 };
  // A series history has not seen yet (a container just started) draws from live samples; a
  // zoomed window history has nothing of keeps what was drawn, narrowed to it.
  if (!h || h.timestamps.length === 0) {
    redraw(group);
    return false;
  }
  const binned = (h.step ?? h.resolutionMs) > resolution || h.resolutionMs > resolution;
  const maxFields = [...new Set(inHistory.filter(hasMax).map(([f]) => f))];
  const [highs, lows] =
    binned && maxFields.length > 0
      ? await Promise.all(
          ['max', 'min'].map((a) => historyColumns(series, maxFields, win, h.step, a)),
        )
      : [null, null];
  setBinned(group, binned);
  const times = h.timestamps.map((t) => t / 1000);
  const none = () => times.map(() => null);
  for (const key of Object.keys(group.specs)) {
    group.data[key] = [
      times.slice(),
      ...layout(group, key).map(([f, , , o]) =>
        o?.peak
          ? (alignTo(h.timestamps, o.peak === 'max' ? highs : lows, o.of) ?? none())
          : (h.values[f] ?? none()).slice(),
      ),
    ];
    touch(group, key);
  }
  if (win.to === null) for (const row of group.recent ?? []) appendRow(group, row, false);
  redraw(group);
  return true;
}

// The max or min answer's column on the average answer's timestamps (the same bins, asked apart).
function alignTo(timestamps, answer, field) {
  if (!answer?.values[field]) return null;
  const at = new Map(answer.timestamps.map((t, i) => [t, answer.values[field][i]]));
  return timestamps.map((t) => at.get(t) ?? null);
}

export function resizePlots(group) {
  for (const [key, plot] of Object.entries(group.plots)) {
    const el = $(`${group.prefix}-${key}`);
    plot.setSize({ width: chartWidth(el), height: 220 });
  }
}

export const columns = (group, key) =>
  Object.fromEntries(
    layout(group, key).map(([field], i) => [field, group.data[key][i + 1].slice()]),
  );
