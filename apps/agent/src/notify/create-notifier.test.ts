import { once } from 'node:events';
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
    series: 'system',
    name: 'host',
    field: 'cpuPercent',
    state,
    severity: 'warning',
    value: 91,
    threshold: 90,
    since: 0,
    message: 'host cpuPercent 91 > 90',
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
      expect.stringMatching(/^alert firing: warning rule=r series=system value=91/),
    ]);
    vi.advanceTimersByTime(10_000);
    expect(lines.filter((l) => l.includes('(repeat)'))).toHaveLength(2);
    notifier.handle([alert('resolved')]);
    vi.advanceTimersByTime(20_000);
    expect(lines.at(-1)).toMatch(/^alert resolved:/);
    expect(lines).toHaveLength(4);
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
