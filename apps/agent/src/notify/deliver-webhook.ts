import type { WebhookConfig } from '../config/agent-config.js';

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * POSTs a JSON body to one webhook: each attempt under the webhook's timeout, retried on a
 * network error, a timeout, 429 or 5xx with exponential backoff (backoff, 2x, 4x...). A 4xx
 * other than 429 is the receiver refusing the body: retrying would not help.
 */
export async function deliverWebhook(
  webhook: WebhookConfig,
  body: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<DeliveryResult> {
  const text = JSON.stringify(body);
  let status: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= webhook.retries + 1; attempt += 1) {
    if (options.signal?.aborted) break;
    try {
      const signals = [
        AbortSignal.timeout(webhook.timeoutMs),
        ...(options.signal ? [options.signal] : []),
      ];
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'arcbox-perf-agent',
          ...webhook.headers,
        },
        body: text,
        signal: AbortSignal.any(signals),
      });
      status = res.status;
      await res.body?.cancel();
      if (res.ok) return { ok: true, attempts: attempt, status, error: null };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429)
        return { ok: false, attempts: attempt, status, error };
    } catch (cause) {
      const e = cause as Error;
      error =
        e.name === 'TimeoutError'
          ? `timed out after ${webhook.timeoutMs} ms`
          : ((e.cause as Error | undefined)?.message ?? e.message);
    }
    if (attempt <= webhook.retries)
      await sleep(webhook.backoffMs * 2 ** (attempt - 1), options.signal);
  }
  return { ok: false, attempts: webhook.retries + 1, status, error };
}
