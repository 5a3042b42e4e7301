import { hostname } from 'node:os';
import { alertMessage } from '../alerts/alert-message.js';
import type { AlertTransition } from '../alerts/create-agent-alerts.js';
import type { NotificationConfig } from '../config/agent-config.js';
import type { AlertView } from '../http/agent-state.js';
import { deliverWebhook } from './deliver-webhook.js';
import { type LongTimeout, setLongTimeout } from './long-timeout.js';
import { redactUrl } from './redact-url.js';

export interface Notifier {
  /** Takes the engine's transitions; returns at once (delivery runs in the background). */
  handle(events: readonly AlertTransition[]): void;
  setConfig(config: NotificationConfig): void;
  /**
   * Stops notifying: waits for deliveries in flight at most `graceMs`, then abandons them (a
   * receiver that hangs must not hold up a shutdown).
   */
  close(graceMs?: number): Promise<void>;
}

interface Open {
  alert: AlertView;
  /** Whether the firing was notified (so the resolution is too). */
  notified: boolean;
  timer: LongTimeout | null;
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
  // One controller per delivery, not one signal shared by all: a shared signal would gather a
  // listener per delivery in flight (MaxListenersExceededWarning past ten).
  const controllers = new Set<AbortController>();
  let closed = false;
  const host = hostname();

  const keyOf = (a: AlertView) => `${a.rule}\u0000${a.series}`;

  function send(status: 'firing' | 'resolved', view: AlertView, repeat: boolean) {
    if (closed) return;
    // The message says how long it has been firing at the moment it is sent.
    const alert = { ...view, message: alertMessage(view, Date.now()) };
    if (config.log) {
      log(
        `alert ${status}${repeat ? ' (repeat)' : ''}: ${alert.severity} rule=${alert.rule} series=${alert.series} ${alert.message}`,
      );
    }
    const body = { status, repeat, host, agent: `arcbox-perf-agent/${agentInfo.version}`, alert };
    for (const webhook of config.webhooks) {
      const controller = new AbortController();
      controllers.add(controller);
      const delivery = deliverWebhook(webhook, body, { signal: controller.signal }).then(
        (result) => {
          if (!result.ok) {
            log(
              `webhook ${redactUrl(webhook.url)} failed after ${result.attempts} attempt(s): ${result.error}`,
            );
          }
        },
      );
      inFlight.add(delivery);
      void delivery.finally(() => {
        inFlight.delete(delivery);
        controllers.delete(controller);
      });
    }
  }

  function scheduleRepeat(entry: Open) {
    if (config.repeatMs <= 0) return;
    entry.timer = setLongTimeout(() => {
      send('firing', entry.alert, true);
      scheduleRepeat(entry);
    }, config.repeatMs);
  }

  return {
    handle(events) {
      for (const { kind, alert } of events) {
        const key = keyOf(alert);
        const entry = open.get(key);
        if (kind === 'firing') {
          entry?.timer?.clear();
          const next: Open = { alert, notified: false, timer: null };
          open.set(key, next);
          const fire = () => {
            next.notified = true;
            send('firing', alert, false);
            scheduleRepeat(next);
          };
          if (config.delayMs <= 0) fire();
          else next.timer = setLongTimeout(fire, config.delayMs);
        } else {
          entry?.timer?.clear();
          open.delete(key);
          if (entry?.notified) send('resolved', alert, false);
        }
      }
    },
    setConfig(next) {
      config = next;
    },
    async close(graceMs = 1500) {
      closed = true;
      for (const entry of open.values()) entry.timer?.clear();
      open.clear();
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise((resolve) => {
          timer = setTimeout(resolve, graceMs);
        });
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        clearTimeout(timer);
      }
      const abandoned = inFlight.size;
      for (const controller of controllers) controller.abort();
      // Aborted deliveries settle at once; wait for them so nothing runs after the log closes.
      await Promise.allSettled([...inFlight]);
      if (abandoned > 0)
        log(`notifications: ${abandoned} webhook delivery(ies) abandoned at shutdown`);
    },
  };
}
