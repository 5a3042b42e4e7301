import type { WebhookConfig } from '../config/agent-config.js';
import { DURATION_LIMITS } from '../config/validate-config.js';

export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener on `signal` behind either way. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

const timedOut = Symbol('timed out');

/** One POST under its own timeout, aborted with `signal`; its listener on `signal` is removed after. */
async function post(
  webhook: WebhookConfig,
  text: string,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const attempt = new AbortController();
  const timer = setTimeout(() => attempt.abort(timedOut), webhook.timeoutMs);
  const onAbort = () => attempt.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'arcbox-perf-agent',
        ...webhook.headers,
      },
      body: text,
      signal: attempt.signal,
    });
    await res.body?.cancel();
    return res;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * POSTs a JSON body to one webhook: each attempt under the webhook's timeout, retried on a
 * network error, a timeout, 429 or 5xx with exponential backoff (backoff, 2x, 4x..., each wait
 * capped at the longest backoff the config allows). A 4xx other than 429 is the receiver
 * refusing the body: retrying would not help. `signal` ends it at once (shutdown).
 */
export async function deliverWebhook(
  webhook: WebhookConfig,
  body: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<DeliveryResult> {
  const text = JSON.stringify(body);
  let status: number | null = null;
  let error: string | null = null;
  let attempts = 0;
  for (let attempt = 1; attempt <= webhook.retries + 1; attempt += 1) {
    if (options.signal?.aborted) break;
    attempts = attempt;
    try {
      const res = await post(webhook, text, options.signal);
      status = res.status;
      if (res.ok) return { ok: true, attempts, status, error: null };
      error = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) return { ok: false, attempts, status, error };
    } catch (cause) {
      const e = cause as Error;
      error =
        cause === timedOut
          ? `timed out after ${webhook.timeoutMs} ms`
          : options.signal?.aborted
            ? 'abandoned at shutdown'
            : ((e.cause as Error | undefined)?.message ?? e.message);
    }
    if (attempt <= webhook.retries) {
      const wait = Math.min(webhook.backoffMs * 2 ** (attempt - 1), DURATION_LIMITS.backoff.max);
      await sleep(wait, options.signal);
    }
  }
  return { ok: false, attempts, status, error };
}
