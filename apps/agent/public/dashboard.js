// The agent's dashboard: plain browser JavaScript, served by the agent with uPlot (no CDN).
// History comes from /api/v1/history, live samples from the /api/v1/stream Server-Sent Events,
// both through api-client.js (the token, when the agent has one, goes in a header).
/* global uPlot */
(() => {
  const api = window.arcboxApi;
  const $ = (id) => document.getElementById(id);

  const bytes = (v) => {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let n = Math.abs(v);
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i += 1;
    }
    return `${(Math.sign(v) * n).toFixed(n >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
  };
  const rate = (v) => (v === null || v === undefined ? '–' : `${bytes(v)}/s`);
  const pct = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} %`);

  const count = (v) =>
    v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(1);
  const dashed = { dash: [6, 4], width: 1.5 };
  // From 0 to a bit above the highest value (or `floor`): a limit line is always in sight.
  const fromZero =
    (floor = 0) =>
    (_u, _min, max) => [0, Math.max(floor, Number.isFinite(max) ? max * 1.1 : floor, 1)];

  // Each chart: [field, label, colour, options]; `live: true` fields are not in history (the
  // page draws the latest sample's value across the range); `stream: true` fields are not in
  // history either (they are drawn from the samples that come while the page is open).
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
    disk: {
      series: [
        ['diskReadBps', 'read', '#16a34a'],
        ['diskWriteBps', 'write', '#dc2626'],
      ],
      fmt: rate,
    },
    net: {
      series: [
        ['netRxBps', 'rx', '#2563eb'],
        ['netTxBps', 'tx', '#ea580c'],
      ],
      fmt: rate,
    },
  };
  const containerCharts = {
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
    block: {
      series: [
        ['blockReadBps', 'read', '#16a34a'],
        ['blockWriteBps', 'write', '#dc2626'],
      ],
      fmt: rate,
      range: fromZero(1024),
    },
    net: {
      series: [
        ['netRxBps', 'rx', '#2563eb'],
        ['netTxBps', 'tx', '#ea580c'],
      ],
      fmt: rate,
      range: fromZero(1024),
    },
    pids: {
      series: [
        ['pids', 'PIDs', '#7c3aed'],
        ['pidsLimit', 'limit', '#dc2626', dashed],
      ],
      fmt: count,
      range: fromZero(),
    },
  };

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
      disk: {
        series: [
          ['virtioBlkReadBps', 'read', '#16a34a'],
          ['virtioBlkWriteBps', 'write', '#dc2626'],
        ],
        fmt: rate,
        range: fromZero(1024),
      },
      net: {
        series: [
          ['virtioNetRxBps', 'rx', '#2563eb'],
          ['virtioNetTxBps', 'tx', '#ea580c'],
        ],
        fmt: rate,
        range: fromZero(1024),
      },
    };
  }

  const state = {
    rangeMs: Number($('range').value),
    sparks: new Map(),
    samples: 0,
    unauthorised: false,
    alerts: [],
    /** The newest sample from the stream. */
    latest: null,
    /** What is on screen: { page: 'overview' } or { page: 'container', id }. */
    view: { page: 'overview' },
    processTimer: null,
    /** The VM page's charts: { id, vcpus, group }. */
    vm: null,
  };

  // Hover time with seconds: "2026-12-05 23:04:07".
  const two = (n) => String(n).padStart(2, '0');
  const hoverTime = (_u, t) => {
    if (t === null || t === undefined) return '–';
    const d = new Date(t * 1000);
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  };

  /** Charts over one series (`system`, `container:<id>`), drawn into #<prefix>-<key>. */
  function chartGroup(prefix, specs) {
    const group = { prefix, specs, plots: {}, data: {}, live: {} };
    reset(group);
    return group;
  }

  function reset(group) {
    for (const [key, spec] of Object.entries(group.specs))
      group.data[key] = [[], ...spec.series.map(() => [])];
    group.live = {};
  }

  const chartWidth = (el) => Math.max(200, el.clientWidth);

  /** Makes the uPlot instances once their elements are on screen (a hidden one has no width). */
  function ensurePlots(group) {
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

  function redraw(group) {
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

  function trim(group) {
    const from = Date.now() / 1000 - state.rangeMs / 1000;
    for (const key of Object.keys(group.specs)) {
      const d = group.data[key];
      let drop = 0;
      while (drop < d[0].length && d[0][drop] < from) drop += 1;
      if (drop > 0) for (const col of d) col.splice(0, drop);
    }
  }

  function appendRow(group, row) {
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

  async function loadHistory(group, series) {
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
    const step = Math.max(1, Math.ceil(state.rangeMs / 600 / resolution)) * resolution;
    const query = new URLSearchParams({
      series,
      fields: fields.join(','),
      from: String(Date.now() - state.rangeMs),
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

  function spark(id, value) {
    let s = state.sparks.get(id);
    if (!s) {
      s = [];
      state.sparks.set(id, s);
    }
    s.push(value ?? Number.NaN);
    if (s.length > 60) s.shift();
    return s;
  }

  function drawSpark(canvas, points) {
    const ctx = canvas.getContext('2d');
    const w = canvas.width;
    const h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const finite = points.filter((p) => Number.isFinite(p));
    const max = Math.max(1, ...finite);
    ctx.strokeStyle = '#2563eb';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    points.forEach((p, i) => {
      if (!Number.isFinite(p)) return;
      const x = (i / 59) * (w - 2) + 1;
      const y = h - 1 - (p / max) * (h - 2);
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y);
      started = true;
    });
    ctx.stroke();
  }

  function cell(text, num) {
    const td = document.createElement('td');
    td.textContent = text;
    if (num) td.className = 'num';
    return td;
  }

  function linkCell(text, href) {
    const td = document.createElement('td');
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    td.append(a);
    return td;
  }

  function sparkCell(id, value) {
    const td = document.createElement('td');
    const canvas = document.createElement('canvas');
    canvas.className = 'spark';
    canvas.width = 120;
    canvas.height = 24;
    canvas.dataset.points = String(spark(id, value).length);
    drawSpark(canvas, state.sparks.get(id));
    td.append(canvas);
    return td;
  }

  function fillTable(tableId, countId, rows, empty, columns) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    $(countId).textContent = rows.length > 0 ? `(${rows.length})` : '';
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'none';
      const td = document.createElement('td');
      td.colSpan = $(tableId).tHead.rows[0].cells.length;
      td.textContent = empty;
      tr.append(td);
      body.append(tr);
      return;
    }
    for (const row of rows) {
      const tr = document.createElement('tr');
      tr.dataset.id = row.id;
      tr.append(...columns(row));
      body.append(tr);
    }
  }

  function renderTables(sample) {
    const containers = [...sample.containers].sort(
      (a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1),
    );
    fillTable('containers', 'container-count', containers, 'No containers', (c) => [
      linkCell(c.name, containerHref(c.id)),
      cell(c.id.length > 24 ? `${c.id.slice(0, 24)}…` : c.id),
      cell(pct(c.cpuPercent), true),
      sparkCell(`c:${c.id}`, c.cpuPercent),
      cell(bytes(c.memoryUsed), true),
      cell(c.memoryLimit === null ? 'none' : bytes(c.memoryLimit), true),
      cell(`${rate(c.netRxBps)} / ${rate(c.netTxBps)}`, true),
      cell(`${rate(c.blockReadBps)} / ${rate(c.blockWriteBps)}`, true),
      cell(c.pids ?? '–', true),
    ]);
    renderFilesystems(sample.filesystems);
    renderProcesses(sample.processes);
    fillTable('vms', 'vm-count', sample.vms, 'No VMs', (v) => [
      linkCell(v.name, vmHref(v.id)),
      cell(v.vmm),
      cell(pct(v.cpuPercent), true),
      sparkCell(`v:${v.id}`, v.cpuPercent),
      cell(`${bytes(v.memoryUsed)} / ${bytes(v.memoryTotal)}`, true),
      cell(`${rate(v.virtioBlkReadBps)} / ${rate(v.virtioBlkWriteBps)}`, true),
      cell(`${rate(v.virtioNetRxBps)} / ${rate(v.virtioNetTxBps)}`, true),
    ]);
  }

  // Optional panel: shown when the agent samples filesystems.
  function renderFilesystems(filesystems) {
    const section = $('filesystems-section');
    section.hidden = filesystems === undefined;
    if (filesystems === undefined) return;
    const rows = [...filesystems].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint));
    fillTable('filesystems', 'filesystem-count', rows, 'No filesystems', (f) => [
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
    ]);
  }

  // Optional panel: the processes the agent keeps (top N by CPU, memory and I/O), busiest first.
  function renderProcesses(processes) {
    const section = $('processes-section');
    section.hidden = processes === undefined;
    if (processes === undefined) return;
    const rows = [...processes].sort(
      (a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || a.pid - b.pid,
    );
    fillTable('processes', 'process-count', rows, 'No processes', (p) => [
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
      cell(p.container === null ? 'host' : p.container.slice(0, 12)),
      cell(
        p.command === null
          ? `[${p.comm}]`
          : p.command.length > 60
            ? `${p.command.slice(0, 60)}…`
            : p.command,
      ),
    ]);
  }

  const age = (ms) => {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min`;
    const h = Math.floor(m / 60);
    return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
  };

  const span = (className, text) => {
    const el = document.createElement('span');
    el.className = className;
    el.textContent = text;
    return el;
  };

  // One alert as people read it, from the alert's own fields (units from the kind's field):
  // severity · rule · series · field · value (unit) · comparison thresholds · how long; the
  // rule's description under it.
  function alertItem(a) {
    const li = document.createElement('li');
    li.className = `${a.severity} ${a.state}`;
    li.dataset.rule = a.rule;
    li.dataset.severity = a.severity;
    li.dataset.state = a.state;
    li.dataset.series = a.series;
    const levels = [
      a.text.warn === null ? null : `warn ${a.text.warn}`,
      a.text.crit === null ? null : `crit ${a.text.crit}`,
    ]
      .filter((x) => x !== null)
      .join(' / ');
    const when =
      a.state === 'resolved'
        ? `resolved ${age(Date.now() - a.since)} ago`
        : `${a.state} for ${age(Date.now() - a.since)}`;
    const line = document.createElement('div');
    line.className = 'alert-line';
    line.append(
      span('alert-severity', a.severity),
      span('alert-rule', a.rule),
      span('alert-series', a.name),
      span('alert-field', a.field),
      span('alert-value', a.text.value),
      span('alert-threshold', `${a.comparison} ${levels}`),
      span('alert-age', when),
    );
    li.append(line);
    if (a.description) li.append(span('alert-description', a.description));
    li.title = `${a.message} (since ${new Date(a.since).toLocaleString()})`;
    return li;
  }

  function renderAlerts(list, alerts, empty) {
    list.replaceChildren();
    if (alerts.length === 0) {
      const li = document.createElement('li');
      li.className = 'none';
      li.textContent = empty;
      list.append(li);
      return;
    }
    list.append(...alerts.map(alertItem));
  }

  async function loadAlerts() {
    const res = await api.get('/api/v1/alerts').catch(() => null);
    if (!res?.ok) return;
    const { alerts } = await res.json();
    state.alerts = alerts;
    renderAlerts($('alerts'), alerts, 'No alerts');
    if (state.view.page === 'container' && state.view.id) renderContainerAlerts(state.view.id);
    if (state.view.page === 'vm' && state.view.id) renderVmAlerts(state.view.id);
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
    api.stream('/api/v1/stream', {
      open() {
        $('status').textContent = 'live';
        $('status').className = 'status live';
      },
      error() {
        $('status').textContent = 'reconnecting…';
        $('status').className = 'status';
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
    appendRow(host, sample.system);
    trim(host);
    if (state.view.page === 'overview') redraw(host);
    renderTables(sample);
    if (state.view.page === 'container' && state.view.id) updateContainer(sample);
    if (state.view.page === 'vm' && state.view.id) updateVm(sample);
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

  // ---- The container page: #/container/<id> ----

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
  const containerHref = (id) => `#/container/${encodeURIComponent(id)}`;
  const vmHref = (id) => `#/vm/${encodeURIComponent(id)}`;

  function containerRow(c) {
    if (!c) return null;
    return { ...c, cpuLimitPercent: c.cpuLimitCores === null ? null : c.cpuLimitCores * 100 };
  }

  function renderFacts(dl, facts) {
    dl.replaceChildren();
    for (const [k, v] of facts) {
      const div = document.createElement('div');
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dd.dataset.fact = k;
      div.append(dt, dd);
      dl.append(div);
    }
  }

  function describeContainer(id, c) {
    $('container-title').textContent = c ? c.name : id;
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
    $('container-missing').hidden = c !== undefined || state.latest === null;
  }

  function renderContainerAlerts(id) {
    const mine = state.alerts.filter(
      (a) => a.kind === 'container' && (a.series === `container:${id}` || a.series === id),
    );
    renderAlerts($('container-alerts'), mine, 'No alerts for this container');
  }

  async function loadContainerProcesses(id) {
    if (state.unauthorised) return;
    const query = new URLSearchParams({ container: id, limit: '50' });
    const res = await api.get(`/api/v1/processes?${query}`).catch(() => null);
    if (state.view.id !== id || !res) return;
    const table = $('container-processes');
    if (res.status === 404) {
      $('container-process-note').textContent = 'The agent does not read processes.';
      return;
    }
    if (!res.ok) return;
    $('container-process-note').textContent = '';
    const { processes } = await res.json();
    const rows = processes.map((p) => ({ ...p, id: String(p.pid) }));
    fillTable(table.id, 'container-process-count', rows, 'No processes', (p) => [
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
      cell(
        p.command === null
          ? `[${p.comm}]`
          : p.command.length > 80
            ? `${p.command.slice(0, 80)}…`
            : p.command,
      ),
    ]);
  }

  function updateContainer(sample) {
    const { id } = state.view;
    const c = containerRow(sample.containers.find((x) => x.id === id));
    describeContainer(id, c ?? undefined);
    if (!c) return;
    container.live.cpuLimitPercent = c.cpuLimitPercent;
    appendRow(container, c);
    trim(container);
    redraw(container);
  }

  // ---- The VM page: #/vm/<id> ----

  function describeVm(id, v) {
    $('vm-title').textContent = v ? v.name : id;
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
    $('vm-missing').hidden = v !== undefined || state.latest === null;
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
    fillTable('vm-devices', 'vm-device-count', devices, 'No virtio devices', (d) => [
      cell(d.kind),
      cell(d.device),
      cell(rate(d.in), true),
      cell(rate(d.out), true),
    ]);
  }

  function renderVmAlerts(id) {
    const mine = state.alerts.filter(
      (a) => a.kind === 'vm' && (a.series === `vm:${id}` || a.series === id),
    );
    renderAlerts($('vm-alerts'), mine, 'No alerts for this VM');
  }

  function vmRow(v) {
    const row = { ...v };
    v.vcpuPercent.forEach((p, i) => {
      row[`vcpu${i}`] = p;
    });
    return row;
  }

  /** (Re)builds the VM charts for `vcpuCount` vCPUs and loads their history. */
  function buildVmCharts(id, vcpuCount) {
    if (state.vm && state.vm.id === id && state.vm.vcpus === vcpuCount) return;
    if (state.vm) for (const plot of Object.values(state.vm.group.plots)) plot.destroy();
    const group = chartGroup('vm-chart', vmCharts(vcpuCount));
    state.vm = { id, vcpus: vcpuCount, group };
    ensurePlots(group);
    loadHistory(group, `vm:${id}`);
  }

  function updateVm(sample) {
    const { id } = state.view;
    const v = sample.vms.find((x) => x.id === id);
    describeVm(id, v);
    if (!v) return;
    buildVmCharts(id, v.vcpuPercent.length);
    const { group } = state.vm;
    appendRow(group, vmRow(v));
    trim(group);
    redraw(group);
  }

  function showVm(id) {
    $('vm-bad-id').hidden = id !== null;
    $('vm-body').hidden = id === null;
    if (id === null) return;
    document.title = `${id.slice(0, 64)} · arcbox-perf agent`;
    const v = state.latest?.vms.find((x) => x.id === id);
    describeVm(id, v);
    renderVmAlerts(id);
    if (state.vm?.id !== id && state.vm) {
      for (const plot of Object.values(state.vm.group.plots)) plot.destroy();
      state.vm = null;
    }
    if (v) buildVmCharts(id, v.vcpuPercent.length);
    else if (state.vm) resizePlots(state.vm.group);
  }

  function showOverview() {
    clearInterval(state.processTimer);
    state.view = { page: 'overview' };
    $('container-view').hidden = true;
    $('vm-view').hidden = true;
    $('overview').hidden = false;
    document.title = 'arcbox-perf agent';
    ensurePlots(host);
    resizePlots(host);
    redraw(host);
  }

  function showContainer(id) {
    clearInterval(state.processTimer);
    state.view = { page: 'container', id };
    $('overview').hidden = true;
    $('vm-view').hidden = true;
    $('container-view').hidden = false;
    $('container-bad-id').hidden = id !== null;
    $('container-body').hidden = id === null;
    window.scrollTo(0, 0);
    if (id === null) return;
    document.title = `${id.slice(0, 64)} · arcbox-perf agent`;
    reset(container);
    ensurePlots(container);
    resizePlots(container);
    const c = containerRow(state.latest?.containers.find((x) => x.id === id));
    describeContainer(id, c ?? undefined);
    if (c) container.live.cpuLimitPercent = c.cpuLimitPercent;
    redraw(container);
    renderContainerAlerts(id);
    loadHistory(container, `container:${id}`);
    loadContainerProcesses(id);
    state.processTimer = setInterval(() => loadContainerProcesses(id), 3000);
  }

  function route() {
    if (state.unauthorised) return;
    const target = pageOf(location.hash);
    if (target.page === 'container') showContainer(target.id);
    else if (target.page === 'vm') {
      clearInterval(state.processTimer);
      state.view = { page: 'vm', id: target.id };
      $('overview').hidden = true;
      $('container-view').hidden = true;
      $('vm-view').hidden = false;
      window.scrollTo(0, 0);
      showVm(target.id);
    } else showOverview();
  }

  function resizePlots(group) {
    for (const [key, plot] of Object.entries(group.plots)) {
      const el = $(`${group.prefix}-${key}`);
      plot.setSize({ width: chartWidth(el), height: 220 });
    }
  }

  const host = chartGroup('chart', hostCharts);
  const container = chartGroup('container-chart', containerCharts);

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
  $('range').addEventListener('change', () => {
    state.rangeMs = Number($('range').value);
    if (state.view.page === 'container' && state.view.id) {
      reset(container);
      loadHistory(container, `container:${state.view.id}`);
    } else if (state.view.page === 'vm' && state.vm) {
      reset(state.vm.group);
      loadHistory(state.vm.group, `vm:${state.vm.id}`);
    } else loadHistory(host, 'system');
  });
  // The charts of a page: the host's, the container page's, or the VM page's (once built).
  const groupOf = (page) =>
    page === 'container' ? container : page === 'vm' ? (state.vm?.group ?? null) : host;
  window.addEventListener('resize', () => {
    const group = groupOf(state.view.page);
    if (group) resizePlots(group);
  });
  const columns = (group, key) =>
    Object.fromEntries(
      group.specs[key].series.map(([field], i) => [field, group.data[key][i + 1].slice()]),
    );
  // Read by the browser tests: how many points each chart holds, and what each chart draws.
  window.arcboxDashboard = {
    points: () =>
      Object.fromEntries(Object.keys(hostCharts).map((k) => [k, host.data[k][0].length])),
    samples: () => state.samples,
    view: () => ({ ...state.view }),
    /** The columns of a chart, by field: `chart('container', 'memory').memoryLimit`. */
    chart: (page, key) => {
      const group = groupOf(page);
      return group?.specs[key] ? columns(group, key) : null;
    },
    /** The labels of a chart's lines, as uPlot draws them. */
    labels: (page, key) =>
      groupOf(page)
        ?.plots[key]?.series.slice(1)
        .map((s) => s.label) ?? null,
  };
  route();
  loadHistory(host, 'system').finally(connect);
  loadAlerts();
  loadEvents();
  setInterval(() => {
    if (!state.unauthorised) loadAlerts();
  }, 2000);
  // Keeps the "2 min ago" current.
  setInterval(renderEvents, 30_000);
})();
