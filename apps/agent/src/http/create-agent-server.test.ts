import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createMonitor } from '@arcbox/perf';
import {
  type LifecycleEvent,
  createKindRegistry,
  defaultKinds,
  field,
  type KindDescriptor,
  type KindRegistry,
} from '@arcbox/perf-core';
import { createHistoryStore, fieldsOf, type HistoryStore } from '@arcbox/perf-history';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentSample } from '../sampler/agent-sample.js';
import type { AgentState, AlertView } from './agent-state.js';
import {
  type AgentServer,
  createAgentServer,
  MAX_STREAM_BACKLOG_BYTES,
} from './create-agent-server.js';
import { STREAM_REPLAY, type StreamReplayLimits } from './event-stream.js';
import { HISTORY_LIMITS, type HistoryLimits } from './history-route.js';

/** A kind the agent has never heard of: it must reach every answer all the same. */
interface Widget {
  id: string;
  name: string;
  timestamp: number;
  temperature: number;
}
const widgetKind: KindDescriptor<Widget, Widget> = {
  name: 'widget',
  sampleKey: 'widgets',
  title: 'Widgets',
  singleton: false,
  keyOf: (r) => r.id,
  compute: (_previous, current) => current,
  identity: (m) => ({ id: m.id, name: m.name, labels: {}, timestamp: m.timestamp, monotonicMs: 0 }),
  fields: [field<Widget>('temperature', 'celsius', 'How warm the widget is.')],
  facts: {},
  defaultRules: [],
};

interface Harness {
  server: AgentServer;
  url: string;
  listeners: Set<(s: AgentSample) => void>;
  publish(sample: AgentSample): void;
}

const servers: AgentServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const eventListeners = new Set<(e: LifecycleEvent) => void>();

const oomEvent = (time: number): LifecycleEvent => ({
  time,
  type: 'oom-kill',
  kind: 'container',
  id: 'abc',
  name: 'web-1',
  source: 'counter',
  count: 1,
  memoryLimit: 256 * 2 ** 20,
  exitCode: null,
});

async function serve(
  options: {
    kinds?: KindRegistry;
    history?: HistoryStore;
    latest?: AgentSample | null;
    token?: string | null;
    host?: string;
    historyLimits?: HistoryLimits;
    processes?: AgentState['processes'];
    events?: LifecycleEvent[];
    publicDir?: string | null;
    streamReplay?: StreamReplayLimits;
    alerts?: () => AlertView[];
  } = {},
): Promise<Harness> {
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  const listeners = new Set<(s: AgentSample) => void>();
  let latest = options.latest ?? null;
  const state: AgentState = {
    kinds,
    latest: () => latest,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    history: options.history ?? createHistoryStore({ kinds }),
    historyHealth: () => ({ problem: null }),
    alerts: options.alerts ?? (() => []),
    notReadyReason: () => null,
    ...(options.processes ? { processes: options.processes } : {}),
    ...(options.events
      ? {
          events: (since: number, limit: number) =>
            options.events!.filter((e) => e.time >= since).slice(0, limit),
          subscribeEvents(listener: (e: LifecycleEvent) => void) {
            eventListeners.add(listener);
            return () => eventListeners.delete(listener);
          },
        }
      : {}),
  };
  const server = createAgentServer({
    state,
    token: () => options.token ?? null,
    publicDir: options.publicDir ?? null,
    ...(options.historyLimits ? { historyLimits: options.historyLimits } : {}),
    ...(options.streamReplay ? { streamReplay: options.streamReplay } : {}),
  });
  servers.push(server);
  const address = await server.listen(options.host ?? '127.0.0.1', 0);
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    listeners,
    publish(sample) {
      latest = sample;
      for (const l of listeners) l(sample);
    },
  };
}

/**
 * Reads /api/v1/stream with `headers` until `done(text)`, calling `then` once the stream is
 * open; the connection is closed at the end.
 */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  done: (text: string) => boolean,
  then?: () => void,
  query = '',
): Promise<string> {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/v1/stream${query}`, { headers, signal: controller.signal });
  const reader = res.body!.getReader();
  let text = '';
  let called = false;
  const timeout = setTimeout(() => controller.abort(), 5000);
  try {
    while (!done(text)) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += new TextDecoder().decode(value);
      if (!called && then) {
        called = true;
        then();
      }
    }
  } finally {
    clearTimeout(timeout);
    controller.abort();
  }
  return text;
}

/** A GET with any Host header (fetch does not let a caller set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('every kind reaches the user (a real sample of this machine, plus a new kind)', () => {
  let sample: AgentSample;
  const kinds = createKindRegistry([...defaultKinds(), widgetKind]);

  beforeAll(async () => {
    await using monitor = createMonitor({ intervalMs: 1000, alerts: false });
    await monitor.collect();
    const s = await monitor.collect();
    const values: Record<string, unknown> = {};
    for (const kind of monitor.kinds.kinds) values[kind.sampleKey] = s[kind.sampleKey];
    values.widgets = [{ id: 'w1', name: 'left', timestamp: s.timestamp, temperature: 41 }];
    sample = { time: s.timestamp, values, collectors: await monitor.status() };
  });

  it('in the snapshot, the stream and /metrics, filesystems included', async () => {
    const h = await serve({ kinds, latest: sample });
    const snapshot = (await (await fetch(`${h.url}/api/v1/snapshot`)).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(snapshot)).toEqual([...kinds.kinds.map((k) => k.sampleKey), 'collectors']);
    const filesystems = snapshot.filesystems as Array<{ mountPoint: string; sizeBytes: number }>;
    expect(filesystems.length).toBeGreaterThan(0);
    expect(snapshot.widgets).toEqual([expect.objectContaining({ id: 'w1', temperature: 41 })]);

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    const root = filesystems[0]!;
    expect(metrics).toContain(`arcbox_perf_filesystem_size_bytes{device=`);
    expect(metrics).toMatch(
      new RegExp(
        `^arcbox_perf_filesystem_size_bytes\\{[^}]*mountpoint="${root.mountPoint}"\\} ${root.sizeBytes}$`,
        'm',
      ),
    );
    // A kind without an exporter of its own still gets a gauge per field.
    expect(metrics).toMatch(/^arcbox_perf_widget_temperature_celsius\{id="w1",name="left"\} 41$/m);

    const controller = new AbortController();
    const res = await fetch(`${h.url}/api/v1/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: sample\ndata: .*\n/.test(text)) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const event = JSON.parse(/^event: sample\ndata: (.*)$/m.exec(text)![1]!) as Record<
      string,
      unknown
    >;
    expect(Object.keys(event)).toEqual([
      'time',
      ...kinds.kinds.map((k) => k.sampleKey),
      'collectors',
    ]);
    expect((event.filesystems as unknown[]).length).toBe(filesystems.length);
  });
});

describe('lifecycle events', () => {
  it('/api/v1/events answers since a time with a message, bounds limit, 404s when off', async () => {
    const h = await serve({ events: [oomEvent(1000), oomEvent(5000)] });
    const res = await fetch(`${h.url}/api/v1/events?since=2000`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { events: Array<LifecycleEvent & { message: string }> };
    expect(body.events.map((e) => e.time)).toEqual([5000]);
    expect(body.events[0]?.message).toBe('web-1 OOM-killed, limit 256.0 MiB');
    for (const query of ['limit=0', 'limit=1001', 'limit=x', 'since=yesterday']) {
      const bad = await fetch(`${h.url}/api/v1/events?${query}`);
      expect(bad.status, query).toBe(400);
    }
    const off = await serve();
    expect((await fetch(`${off.url}/api/v1/events`)).status).toBe(404);
  });

  it('the SSE stream carries each event as `event: lifecycle`', async () => {
    const h = await serve({ events: [] });
    const controller = new AbortController();
    const res = await fetch(`${h.url}/api/v1/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the preamble
    for (const l of eventListeners) l(oomEvent(7000));
    let text = '';
    while (!text.includes('event: lifecycle')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toContain('event: lifecycle\ndata: {');
    expect(text).toContain('"message":"web-1 OOM-killed, limit 256.0 MiB"');
  });
});

describe('the stream', () => {
  it('sends the alerts on connecting and again only when they change, without an id', async () => {
    let alerts: AlertView[] = [];
    const h = await serve({ alerts: () => alerts });
    const sample = (time: number): AgentSample => ({ time, values: {}, collectors: [] });
    const firing = { rule: 'hot', state: 'firing', since: 5 } as AlertView;
    const text = await readEvents(
      h.url,
      {},
      (t) => t.includes('"time":3'),
      () => {
        h.publish(sample(1));
        alerts = [firing];
        h.publish(sample(2));
        h.publish(sample(3));
      },
    );
    const sent = [...text.matchAll(/^event: alerts\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(sent).toEqual([{ alerts: [] }, { alerts: [firing] }]);
    // A state, not a log: no id, so a reconnect resumes from the samples' ids.
    expect(text).not.toMatch(/^id: .*\nevent: alerts/m);
    const again = await readEvents(h.url, {}, (t) => t.includes('event: alerts'));
    expect(again).toContain(`event: alerts\ndata: ${JSON.stringify({ alerts: [firing] })}\n\n`);
  });

  it('lists processes by container, sort and a bounded limit; bad parameters are 400s naming them', async () => {
    const asked: unknown[] = [];
    const h = await serve({
      processes: async ({ signal: _signal, ...query }) => {
        asked.push(query);
        return [{ pid: 42, comm: 'java' } as never];
      },
    });
    const ok = await fetch(`${h.url}/api/v1/processes?container=abcd&sort=mem&limit=5`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ processes: [{ pid: 42, comm: 'java' }] });
    await fetch(`${h.url}/api/v1/processes`);
    expect(asked).toEqual([
      { container: 'abcd', sort: 'mem', limit: 5 },
      { sort: 'cpu', limit: 50 },
    ]);
    for (const [query, parameter] of [
      ['limit=100000', 'limit'],
      ['limit=0', 'limit'],
      ['limit=1.5', 'limit'],
      ['sort=disk', 'sort'],
      ['container=', 'container'],
    ] as const) {
      const bad = await fetch(`${h.url}/api/v1/processes?${query}`);
      expect(bad.status, query).toBe(400);
      expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe(
        parameter,
      );
    }
    const off = await serve();
    expect((await fetch(`${off.url}/api/v1/processes`)).status).toBe(404);
  });

  it('answers HEAD with its headers and subscribes nothing', async () => {
    const h = await serve();
    const res = await fetch(`${h.url}/api/v1/stream`, {
      method: 'HEAD',
      signal: AbortSignal.timeout(3000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(h.listeners.size).toBe(0);
    expect(h.server.streamClients).toBe(0);
  });

  it('drops a reader that stops reading once its backlog passes the limit', async () => {
    const h = await serve({ streamReplay: { ...STREAM_REPLAY, graceMs: 0 } });
    const socket = connect(Number(new URL(h.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await once(socket, 'data');
    socket.pause(); // reads nothing from now on
    const closed = once(socket, 'close');
    expect(h.listeners.size).toBe(1);
    const mib = 'x'.repeat(1024 * 1024);
    let sent = 0;
    // Each sample is about 1 MiB of JSON: what the kernel's buffers cannot take piles up.
    while (h.server.streamClients > 0 && sent < 200) {
      h.publish({ time: sent, values: { containers: [{ id: mib }] }, collectors: [] });
      sent += 1;
      await new Promise((r) => setImmediate(r));
    }
    expect(h.server.streamClients).toBe(0);
    // With no client left and no grace period, nothing is recorded any more.
    await new Promise((r) => setTimeout(r, 20));
    expect(h.listeners.size).toBe(0);
    // Dropped past the limit, not before: at least the limit's worth was sent.
    expect(sent * 1024 * 1024).toBeGreaterThan(MAX_STREAM_BACKLOG_BYTES);
    socket.resume();
    await closed;
  });

  it('gives each event an id and sends a reconnecting client what it missed (Last-Event-ID)', async () => {
    const h = await serve({ events: [] });
    const sample = (time: number): AgentSample => ({ time, values: {}, collectors: [] });
    h.publish(sample(1));
    const first = await readEvents(
      h.url,
      {},
      (t) => t.includes('"time":2'),
      () => h.publish(sample(2)),
    );
    const ids = [...first.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toMatch(/^[0-9a-z]+-\d+$/);
    // Away for three rounds and an OOM kill; back with the last id seen: all of them, in order.
    await new Promise((r) => setTimeout(r, 20));
    for (const t of [3, 4]) h.publish(sample(t));
    for (const l of eventListeners) l(oomEvent(4500));
    h.publish(sample(5));
    const back = await readEvents(h.url, { 'last-event-id': ids[1]! }, (t) =>
      t.includes('"time":5'),
    );
    expect([...back.matchAll(/"time":(\d+)/g)].map((m) => Number(m[1]))).toEqual([3, 4, 4500, 5]);
    expect(back).toContain('event: lifecycle');
    // Nothing missed: nothing sent until the next round.
    const idNow = [...back.matchAll(/^id: (\S+)$/gm)].at(-1)![1]!;
    const none = await readEvents(
      h.url,
      { 'last-event-id': idNow },
      (t) => t.includes('"time":6'),
      () => h.publish(sample(6)),
    );
    expect([...none.matchAll(/"time":(\d+)/g)].map((m) => Number(m[1]))).toEqual([6]);
    // An id of another run, a stranger or a huge one: the newest sample only.
    for (const bad of ['zz-1', `${idNow.split('-')[0]}-99999`, 'x'.repeat(10_000), '1-2-3']) {
      const text = await readEvents(h.url, { 'last-event-id': bad }, (t) => t.includes('"time":6'));
      expect(
        [...text.matchAll(/"time":(\d+)/g)].map((m) => Number(m[1])),
        bad.slice(0, 20),
      ).toEqual([6]);
    }
  });

  it('sends a client only the fields it selects of the kinds it names, replays included', async () => {
    const h = await serve({ events: [] });
    const sample = (time: number): AgentSample => ({
      time,
      values: {
        system: { cpuPercent: time, memoryUsed: 7 },
        containers: [
          { id: 'a', name: 'web', cpuPercent: time, memoryUsed: 10, problems: ['slow'] },
        ],
      } as never,
      collectors: [],
    });
    const data = (text: string) =>
      [...text.matchAll(/^event: sample\ndata: (.*)$/gm)].map(
        (m) => JSON.parse(m[1]!) as Record<string, unknown>,
      );
    h.publish(sample(1));
    const slim = '?containers=name,cpuPercent';
    const first = await readEvents(h.url, {}, (t) => t.includes('"time":1'), undefined, slim);
    expect(data(first)[0]!.containers).toEqual([{ id: 'a', name: 'web', cpuPercent: 1 }]);
    // Kinds not named come whole; a client asking for nothing gets everything.
    expect(data(first)[0]!.system).toEqual({ cpuPercent: 1, memoryUsed: 7 });
    const full = await readEvents(h.url, {}, (t) => t.includes('"time":1'));
    expect((data(full)[0]!.containers as unknown[])[0]).toMatchObject({ problems: ['slow'] });
    // Back after two rounds with the last id: the missed rounds, in the same selection.
    const id = /^id: (\S+)$/m.exec(first)![1]!;
    h.publish(sample(2));
    h.publish(sample(3));
    const back = await readEvents(
      h.url,
      { 'last-event-id': id },
      (t) => t.includes('"time":3'),
      undefined,
      slim,
    );
    expect(data(back).map((d) => d.containers)).toEqual([
      [{ id: 'a', name: 'web', cpuPercent: 2 }],
      [{ id: 'a', name: 'web', cpuPercent: 3 }],
    ]);
  });

  it('refuses a selection naming no kind or no field (400), and a fifth one at once (429)', async () => {
    const h = await serve();
    h.publish({ time: 1, values: {}, collectors: [] });
    for (const [query, parameter] of [
      ['nope=a', 'nope'],
      ['containers=a-b', 'containers'],
      ['containers=a&containers=b', 'containers'],
    ] as const) {
      const bad = await fetch(`${h.url}/api/v1/stream?${query}`);
      expect(bad.status, query).toBe(400);
      expect(((await bad.json()) as { error: { parameter: string } }).error.parameter).toBe(
        parameter,
      );
    }
    const open: AbortController[] = [];
    try {
      for (const field of ['a', 'b', 'c', 'd']) {
        const controller = new AbortController();
        open.push(controller);
        const res = await fetch(`${h.url}/api/v1/stream?vms=${field}`, {
          signal: controller.signal,
        });
        expect(res.status).toBe(200);
      }
      expect((await fetch(`${h.url}/api/v1/stream?vms=e`)).status).toBe(429);
      // The same selection again, or none, is served.
      const again = new AbortController();
      open.push(again);
      expect((await fetch(`${h.url}/api/v1/stream?vms=a`, { signal: again.signal })).status).toBe(
        200,
      );
    } finally {
      for (const c of open) c.abort();
    }
  });

  it('keeps a bounded replay: the newest events by count and bytes, none after the grace period', async () => {
    const h = await serve({ streamReplay: { maxEvents: 3, maxBytes: 1_000_000, graceMs: 50 } });
    const sample = (time: number, pad = ''): AgentSample => ({
      time,
      values: { containers: pad === '' ? [] : [{ id: pad }] },
      collectors: [],
    });
    h.publish(sample(1));
    const first = await readEvents(h.url, {}, (t) => t.includes('"time":1'));
    const id = /^id: (\S+)$/m.exec(first)![1]!;
    for (let t = 2; t <= 10; t += 1) h.publish(sample(t));
    // Only the last three are kept: 8, 9, 10 (the gap before them cannot be filled).
    const back = await readEvents(h.url, { 'last-event-id': id }, (t) => t.includes('"time":10'));
    expect([...back.matchAll(/"time":(\d+)/g)].map((m) => Number(m[1]))).toEqual([8, 9, 10]);
    // Past the grace period with no client, nothing is kept or recorded.
    await new Promise((r) => setTimeout(r, 150));
    expect(h.listeners.size).toBe(0);

    const bytes = await serve({ streamReplay: { maxEvents: 100, maxBytes: 5000, graceMs: 1000 } });
    bytes.publish(sample(1));
    const start = await readEvents(bytes.url, {}, (t) => t.includes('"time":1'));
    const from = /^id: (\S+)$/m.exec(start)![1]!;
    // 2 KB each: 5000 bytes hold two.
    for (let t = 2; t <= 6; t += 1) bytes.publish(sample(t, 'y'.repeat(2000)));
    const kept = await readEvents(bytes.url, { 'last-event-id': from }, (t) =>
      t.includes('"time":6'),
    );
    expect([...kept.matchAll(/"time":(\d+)/g)].map((m) => Number(m[1]))).toEqual([5, 6]);
  });
});

/** A history answer, or an error. */
type HistoryAnswer = Record<string, unknown> & {
  error: { parameter: string; message: string };
};

describe('/api/v1/history against hostile requests', () => {
  const intervalMs = 100;
  let history: HistoryStore;
  const now = Date.now();
  beforeAll(() => {
    history = createHistoryStore({ sampleIntervalMs: intervalMs });
    const width = fieldsOf('system').length;
    // 90 s of samples, 100 ms apart, up to now.
    for (let t = now - 90_000; t <= now; t += intervalMs)
      history.appendValues(
        'system',
        t,
        Array.from({ length: width }, (_, i) => (t % 997) + i),
      );
  });

  const get = async (h: Harness, query: string) => {
    const res = await fetch(`${h.url}/api/v1/history?${query}`);
    return {
      status: res.status,
      headers: res.headers,
      body: (await res.json()) as HistoryAnswer,
    };
  };

  it('refuses steps finer than the sample interval, fractions and nonsense, each a 400 naming step', async () => {
    const h = await serve({ history });
    for (const step of [
      '0.0625ms',
      '0.3ms',
      '1.5ms',
      '99ms',
      '100.5ms',
      '0',
      '-5s',
      '1e309',
      'NaN',
      '1x',
    ]) {
      const started = performance.now();
      const { status, body } = await get(h, `series=system&from=-70s&step=${step}`);
      expect(status, step).toBe(400);
      expect(body.error.parameter, step).toBe('step');
      expect(performance.now() - started, step).toBeLessThan(1000);
    }
    const fine = await get(h, 'series=system&from=-70s&step=0.0625ms');
    expect(fine.body.error.message).toMatch(/finer than history keeps: at least 100ms/);
  });

  it('bounds points x fields, before any work when a step is given and while gathering otherwise', async () => {
    const limits = { ...HISTORY_LIMITS, maxValues: 5000 };
    const h = await serve({ history, historyLimits: limits });
    const stepped = await get(h, 'series=system&from=-80s&step=100ms');
    expect(stepped.status).toBe(400);
    expect(stepped.body.error.parameter).toBe('step');
    expect(stepped.body.error.message).toMatch(
      /would hold \d+ points x 44 columns, more than 5000 values: use a step of at least \S+/,
    );
    const raw = await get(h, 'series=system&from=-80s');
    expect(raw.status).toBe(400);
    expect(raw.body.error.parameter).toBe('step');
    // Fewer fields fit.
    expect((await get(h, 'series=system&from=-80s&fields=cpuPercent')).status).toBe(200);
  });

  it('streams the same answer the store gives', async () => {
    const h = await serve({ history });
    const from = now - 60_000;
    for (const query of [
      { fields: ['cpuPercent', 'memoryUsed'], from, step: 1000 },
      { fields: ['cpuPercent'], from, aggregation: 'max' as const, step: 5000 },
      { from, to: now - 30_000 },
    ]) {
      const params = new URLSearchParams({
        series: 'system',
        from: String(query.from),
        ...(query.fields ? { fields: query.fields.join(',') } : {}),
        ...('to' in query ? { to: String(query.to) } : {}),
        ...('step' in query ? { step: String(query.step) } : {}),
        ...('aggregation' in query ? { aggregation: query.aggregation } : {}),
      });
      const { status, body } = await get(h, params.toString());
      expect(status).toBe(200);
      const expected = JSON.parse(JSON.stringify(history.query({ series: 'system', ...query })));
      expect(body).toEqual(expected);
    }
  });

  it('runs a bounded number of queries at once and answers 429 beyond the queue', async () => {
    const big = createHistoryStore({ sampleIntervalMs: 10, maxAgeMs: 600_000 });
    const width = fieldsOf('system').length;
    for (let t = now - 300_000; t <= now; t += 10)
      big.appendValues('system', t, new Array(width).fill(1));
    const h = await serve({
      history: big,
      historyLimits: { ...HISTORY_LIMITS, maxActive: 1, maxQueued: 1 },
    });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => get(h, 'series=system&fields=cpuPercent&step=10ms')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses).toContain(429);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
  });
});

describe('who may ask', () => {
  it('on loopback without a token, answers only requests naming a loopback host', async () => {
    const h = await serve({ latest: null });
    const port = new URL(h.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', `[::1]:${port}`])
      expect((await getWithHost(`${h.url}/healthz`, host)).status, host).toBe(200);
    for (const host of [`evil.example:${port}`, 'attacker.test', `127.0.0.1.nip.io:${port}`]) {
      const res = await getWithHost(`${h.url}/api/v1/alerts`, host);
      expect(res.status, host).toBe(421);
      expect(res.body).toMatch(/DNS rebinding/);
    }
  });

  it('with a token, any Host; the Bearer scheme in any case; probes without it', async () => {
    const h = await serve({ token: 'k-9f3a' });
    expect((await getWithHost(`${h.url}/api/v1/alerts?token=k-9f3a`, 'agent.example')).status).toBe(
      200,
    );
    for (const scheme of ['Bearer', 'bearer', 'BEARER'])
      expect(
        (await fetch(`${h.url}/api/v1/alerts`, { headers: { authorization: `${scheme} k-9f3a` } }))
          .status,
        scheme,
      ).toBe(200);
    expect(
      (await fetch(`${h.url}/api/v1/alerts`, { headers: { authorization: 'Bearer k-9f3' } }))
        .status,
    ).toBe(401);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('off loopback, serves no data while no token is in force', async () => {
    const h = await serve({ token: null, host: '0.0.0.0' });
    const res = await fetch(`${h.url}/api/v1/alerts`);
    expect(res.status).toBe(503);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(503);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});

describe("the dashboard's files", () => {
  // The dashboard as shipped (the build copies public/ next to main.js).
  const publicDir = fileURLToPath(new URL('../../public', import.meta.url));

  it('answers /favicon.ico with the SVG icon, without the token (public code, no data)', async () => {
    const h = await serve({ token: 'k-9f3a', publicDir });
    const ico = await fetch(`${h.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await ico.text();
    expect(svg).toMatch(/^<svg /);
    expect(await (await fetch(`${h.url}/favicon.svg`)).text()).toBe(svg);
    expect((await fetch(`${h.url}/`)).headers.get('content-type')).toMatch(/^text\/html/);
    expect((await fetch(`${h.url}/api-client.js`)).status).toBe(200);
    // Data still needs the token; a path out of the directory is no file.
    expect((await fetch(`${h.url}/api/v1/alerts`)).status).toBe(401);
    expect((await fetch(`${h.url}/..%2fpackage.json`)).status).toBe(401);
  });
});

afterAll(async () => {
  for (const s of servers.splice(0)) await s.close();
});
