import { getEventListeners, once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertTransition } from '../alerts/create-agent-alerts.js';
import type { NotificationConfig } from '../config/agent-config.js';
import { createNotifier } from './create-notifier.js';
import { deliverWebhook } from './deliver-webhook.js';

const alert = (state: 'firing' | 'resolved'): AlertTransition => ({
  kind: state,
  alert: {
    rule: 'r',
    description: null,
    kind: 'system',
    series: 'system',
    name: 'host',
    field: 'cpuPercent',
    unit: 'percent',
    comparison: '>',
    warn: 90,
    crit: null,
    clear: null,
    state,
    severity: 'warning',
    value: 91,
    threshold: 90,
    since: Date.now(),
    text: { value: '91.0 %', warn: '90.0 %', crit: null, clear: null },
    message: '',
  },
});

const config = (over: Partial<NotificationConfig>): NotificationConfig => ({
  log: true,
  delayMs: 0,
  repeatMs: 0,
  webhooks: [],
  ...over,
});

describe('notification policy (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends nothing for a flap shorter than the delay, not even its resolution', () => {
    const lines: string[] = [];
    const notifier = createNotifier(config({ delayMs: 30_000 }), (l) => lines.push(l), {
      version: 't',
    });
    notifier.handle([alert('firing')]);
    vi.advanceTimersByTime(10_000);
    notifier.handle([alert('resolved')]);
    vi.advanceTimersByTime(60_000);
    expect(lines).toEqual([]);
  });

  it('sends after the delay, repeats while firing, then the resolution', () => {
    const lines: string[] = [];
    const notifier = createNotifier(
      config({ delayMs: 1000, repeatMs: 5000 }),
      (l) => lines.push(l),
      { version: 't' },
    );
    notifier.handle([alert('firing')]);
    vi.advanceTimersByTime(999);
    expect(lines).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual([
      'alert firing: warning rule=r series=system host cpuPercent 91.0 % > 90.0 % (warn), firing for 1 s',
    ]);
    vi.advanceTimersByTime(10_000);
    expect(lines.filter((l) => l.includes('(repeat)'))).toHaveLength(2);
    notifier.handle([alert('resolved')]);
    vi.advanceTimersByTime(20_000);
    expect(lines.at(-1)).toMatch(/^alert resolved:/);
    expect(lines).toHaveLength(4);
  });
  it('never notifies early when delay or repeat are past what a Node timer can wait', () => {
    const day = 86_400_000;
    const lines: string[] = [];
    // Past 2^31-1 ms a plain setTimeout fires after 1 ms: 25 days must really be 25 days.
    const delayed = createNotifier(config({ delayMs: 25 * day }), (l) => lines.push(l), {
      version: 't',
    });
    delayed.handle([alert('firing')]);
    vi.advanceTimersByTime(1000);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(2 ** 31);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(25 * day - 2 ** 31 - 1000);
    expect(lines).toHaveLength(1);

    const repeated: string[] = [];
    const repeating = createNotifier(config({ repeatMs: 30 * day }), (l) => repeated.push(l), {
      version: 't',
    });
    repeating.handle([alert('firing')]);
    expect(repeated).toHaveLength(1);
    vi.advanceTimersByTime(15_000);
    expect(repeated).toHaveLength(1);
    vi.advanceTimersByTime(29 * day);
    expect(repeated).toHaveLength(1);
    vi.advanceTimersByTime(day);
    expect(repeated.filter((l) => l.includes('(repeat)'))).toHaveLength(1);
  });
});

describe('webhook delivery over time (real HTTP receivers on 127.0.0.1)', () => {
  it('leaves no abort listener behind on the shared signal, however often it fails', async () => {
    const server = createServer((_req, res) => res.writeHead(503).end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const controller = new AbortController();
    try {
      const hook = { url, timeoutMs: 2000, retries: 8, backoffMs: 1, headers: {} };
      const results = await Promise.all(
        Array.from({ length: 3 }, () => deliverWebhook(hook, {}, { signal: controller.signal })),
      );
      expect(results.map((r) => r.attempts)).toEqual([9, 9, 9]);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
      server.close();
    }
  });

  it('closes within its grace when a receiver hangs, abandoning the delivery', async () => {
    const server = createServer(() => undefined); // never answers
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const lines: string[] = [];
    const notifier = createNotifier(
      config({ webhooks: [{ url, timeoutMs: 60_000, retries: 5, backoffMs: 1000, headers: {} }] }),
      (l) => lines.push(l),
      { version: 't' },
    );
    try {
      notifier.handle([alert('firing')]);
      await new Promise((r) => setTimeout(r, 100));
      const started = performance.now();
      await notifier.close(200);
      expect(performance.now() - started).toBeLessThan(1500);
      expect(lines.at(-1)).toMatch(/1 webhook delivery\(ies\) abandoned at shutdown/);
      // The receiver's URL path may be a secret: logs show scheme and host only.
      expect(lines.join('\n')).not.toContain('/hook');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('deliverWebhook (real HTTP receiver on 127.0.0.1)', () => {
  it('retries 5xx with backoff, gives up on 4xx, and times out a receiver that hangs', async () => {
    let calls = 0;
    const statuses = [503, 502, 200];
    const server = createServer((req, res) => {
      calls += 1;
      if (req.url === '/bad') return void res.writeHead(400).end();
      if (req.url === '/hang') return; // never answers
      res.writeHead(statuses[Math.min(calls - 1, 2)]!).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const hook = { timeoutMs: 2000, retries: 3, backoffMs: 10, headers: {} };
    try {
      expect(await deliverWebhook({ ...hook, url: `${base}/ok` }, { a: 1 })).toEqual({
        ok: true,
        attempts: 3,
        status: 200,
        error: null,
      });
      calls = 0;
      expect(await deliverWebhook({ ...hook, url: `${base}/bad` }, {})).toMatchObject({
        ok: false,
        attempts: 1,
        status: 400,
      });
      const hung = await deliverWebhook(
        { ...hook, url: `${base}/hang`, timeoutMs: 100, retries: 1 },
        {},
      );
      expect(hung).toMatchObject({ ok: false, attempts: 2, error: 'timed out after 100 ms' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
