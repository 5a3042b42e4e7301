import { hostname } from 'node:os';
import type { NotificationConfig } from '../config/agent-config.js';
import type { AlertTransition } from '../alerts/create-agent-alerts.js';
import type { AlertView } from '../http/agent-state.js';
import { deliverWebhook } from './deliver-webhook.js';

export interface Notifier {
  /** Takes the engine's transitions; returns at once (delivery runs in the background). */
  handle(events: readonly AlertTransition[]): void;
  setConfig(config: NotificationConfig): void;
  /** Waits for deliveries in flight, at most `timeoutMs`, then abandons them. */
  close(timeoutMs?: number): Promise<void>;
}

interface Open {
  alert: AlertView;
  /** Whether the firing was notified (so the resolution is too). */
  notified: boolean;
  timer: NodeJS.Timeout | null;
}

/**
 * Notification policy over alert transitions: a firing alert is notified after `delayMs` only if
 * it is still firing then (a flap shorter than the delay sends nothing, not even its
 * resolution), again every `repeatMs` while it fires, and its resolution only if its firing was
 * sent. Log lines always; webhooks in the background, never blocking the sampling loop.
 */
export function createNotifier(
  initial: NotificationConfig,
  log: (line: string) => void,
  agentInfo: { version: string },
): Notifier {
  let config = initial;
  const open = new Map<string, Open>();
  const inFlight = new Set<Promise<unknown>>();
  const controller = new AbortController();
  const host = hostname();

  const keyOf = (a: AlertView) => `${a.rule}\u0000${a.series}`;

  function send(status: 'firing' | 'resolved', alert: AlertView, repeat: boolean) {
    if (config.log) {
      log(
        `alert ${status}${repeat ? ' (repeat)' : ''}: ${alert.severity} rule=${alert.rule} series=${alert.series} value=${alert.value ?? 'n/a'} threshold=${alert.threshold} ${alert.message}`,
      );
    }
    const body = { status, repeat, host, agent: `arcbox-perf-agent/${agentInfo.version}`, alert };
    for (const webhook of config.webhooks) {
      const delivery = deliverWebhook(webhook, body, { signal: controller.signal }).then(
        (result) => {
          if (!result.ok) {
            log(
              `webhook ${webhook.url} failed after ${result.attempts} attempt(s): ${result.error}`,
            );
          }
        },
      );
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
    }
  }

  function scheduleRepeat(entry: Open) {
    if (config.repeatMs <= 0) return;
    entry.timer = setTimeout(() => {
      send('firing', entry.alert, true);
      scheduleRepeat(entry);
    }, config.repeatMs);
    entry.timer.unref();
  }

  return {
    handle(events) {
      for (const { kind, alert } of events) {
        const key = keyOf(alert);
        const entry = open.get(key);
        if (kind === 'firing') {
          if (entry?.timer) clearTimeout(entry.timer);
          const next: Open = { alert, notified: false, timer: null };
          open.set(key, next);
          const fire = () => {
            next.notified = true;
            send('firing', alert, false);
            scheduleRepeat(next);
          };
          if (config.delayMs <= 0) fire();
          else {
            next.timer = setTimeout(fire, config.delayMs);
            next.timer.unref();
          }
        } else {
          if (entry?.timer) clearTimeout(entry.timer);
          open.delete(key);
          if (entry?.notified) send('resolved', alert, false);
        }
      }
    },
    setConfig(next) {
      config = next;
    },
    async close(timeoutMs = 3000) {
      for (const entry of open.values()) if (entry.timer) clearTimeout(entry.timer);
      const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      controller.abort();
    },
  };
}
