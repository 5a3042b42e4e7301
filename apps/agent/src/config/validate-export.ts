import { type ConfigChecker, type ConfigPath, describeValue } from '@arcbox/perf';
import type { ExportConfig, OtlpConfig, RemoteWriteConfig } from './agent-config.js';
import { secretTypeOf } from './check-token.js';
import {
  boundedDuration,
  checkWebhookUrl,
  DURATION_LIMITS,
  webhookHeaders,
} from './validate-config.js';

/** Prometheus' label name rule; `__` names are reserved for Prometheus itself. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_LABEL_VALUE = 1024;

/**
 * The `export` section: `externalLabels` and the `remoteWrite` receivers. Secrets (bearer token,
 * basic auth password, header values) are never quoted in an issue.
 */
export function validateExport(raw: unknown, target: ExportConfig, c: ConfigChecker): void {
  const e = c.section(raw, ['export']);
  if (!e) return;
  c.known(e, ['export'], ['externalLabels', 'remoteWrite', 'otlp']);
  if ('externalLabels' in e) {
    const labels = c.section(e.externalLabels, ['export', 'externalLabels']);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(labels ?? {})) {
      const at = ['export', 'externalLabels', name];
      if (!LABEL_NAME.test(name) || name.startsWith('__'))
        c.fail(at, 'is not a label name (letters, digits, _; not starting with __)');
      else if (typeof value !== 'string')
        c.fail(at, `must be a string, found ${describeValue(value)}`);
      else if (value.length > MAX_LABEL_VALUE)
        c.fail(at, `longer than ${MAX_LABEL_VALUE} characters`);
      else out[name] = value;
    }
    if (labels) target.externalLabels = out;
  }
  if ('remoteWrite' in e) {
    if (!Array.isArray(e.remoteWrite))
      c.fail(['export', 'remoteWrite'], `must be a list, found ${describeValue(e.remoteWrite)}`);
    else if (e.remoteWrite.length > 16) c.fail(['export', 'remoteWrite'], 'at most 16 receivers');
    else
      target.remoteWrite = e.remoteWrite.flatMap((w, i) =>
        remoteWrite(w, ['export', 'remoteWrite', i], c),
      );
  }
  if ('otlp' in e) {
    if (!Array.isArray(e.otlp))
      c.fail(['export', 'otlp'], `must be a list, found ${describeValue(e.otlp)}`);
    else if (e.otlp.length > 16) c.fail(['export', 'otlp'], 'at most 16 endpoints');
    else target.otlp = e.otlp.flatMap((o, i) => otlp(o, ['export', 'otlp', i], c));
  }
}

/** One OTLP/HTTP endpoint: `url` (the full metrics path), `headers`, `interval`, `timeout`. */
function otlp(raw: unknown, path: ConfigPath, c: ConfigChecker): OtlpConfig[] {
  const o = c.section(raw, path);
  if (!o) return [];
  c.known(o, path, ['url', 'headers', 'interval', 'timeout']);
  const before = c.issues.length;
  const url =
    'url' in o ? c.str(o.url, [...path, 'url']) : void c.fail([...path, 'url'], 'is required');
  if (url !== undefined) checkWebhookUrl(url, [...path, 'url'], c);
  const headers = 'headers' in o ? webhookHeaders(o.headers, [...path, 'headers'], c) : {};
  const intervalMs =
    'interval' in o
      ? boundedDuration(c, o.interval, [...path, 'interval'], DURATION_LIMITS.remoteWriteInterval)
      : 60_000;
  const timeoutMs =
    'timeout' in o
      ? boundedDuration(c, o.timeout, [...path, 'timeout'], DURATION_LIMITS.remoteWriteTimeout)
      : 10_000;
  if (c.issues.length !== before || url === undefined) return [];
  return [{ url, headers, intervalMs: intervalMs ?? 60_000, timeoutMs: timeoutMs ?? 10_000 }];
}

function remoteWrite(raw: unknown, path: ConfigPath, c: ConfigChecker): RemoteWriteConfig[] {
  const w = c.section(raw, path);
  if (!w) return [];
  c.known(w, path, [
    'url',
    'headers',
    'bearerToken',
    'basicAuth',
    'interval',
    'timeout',
    'maxQueuedSamples',
    'maxBatchSamples',
  ]);
  const before = c.issues.length;
  const url =
    'url' in w ? c.str(w.url, [...path, 'url']) : void c.fail([...path, 'url'], 'is required');
  if (url !== undefined) checkWebhookUrl(url, [...path, 'url'], c);
  const headers = 'headers' in w ? webhookHeaders(w.headers, [...path, 'headers'], c) : {};
  let bearerToken: string | null = null;
  if ('bearerToken' in w) {
    if (typeof w.bearerToken !== 'string' || w.bearerToken === '' || /[\r\n\0]/.test(w.bearerToken))
      c.fail(
        [...path, 'bearerToken'],
        `must be a one-line string, found ${secretTypeOf(w.bearerToken)} (not shown: a secret)`,
      );
    else bearerToken = w.bearerToken;
  }
  let basicAuth: RemoteWriteConfig['basicAuth'] = null;
  if ('basicAuth' in w) {
    const b = c.section(w.basicAuth, [...path, 'basicAuth']);
    if (b) {
      c.known(b, [...path, 'basicAuth'], ['username', 'password']);
      const username = c.str(b.username, [...path, 'basicAuth', 'username']);
      if (typeof b.password !== 'string')
        c.fail(
          [...path, 'basicAuth', 'password'],
          `must be a string, found ${secretTypeOf(b.password)} (not shown: a secret)`,
        );
      else if (username !== undefined) basicAuth = { username, password: b.password };
    }
  }
  if ('bearerToken' in w && 'basicAuth' in w)
    c.fail([...path, 'basicAuth'], 'give bearerToken or basicAuth, not both');
  const intervalMs =
    'interval' in w
      ? boundedDuration(c, w.interval, [...path, 'interval'], DURATION_LIMITS.remoteWriteInterval)
      : 10_000;
  const timeoutMs =
    'timeout' in w
      ? boundedDuration(c, w.timeout, [...path, 'timeout'], DURATION_LIMITS.remoteWriteTimeout)
      : 10_000;
  const maxQueuedSamples =
    'maxQueuedSamples' in w
      ? c.num(w.maxQueuedSamples, [...path, 'maxQueuedSamples'], 1000, 50_000_000, true)
      : 2_000_000;
  const maxBatchSamples =
    'maxBatchSamples' in w
      ? c.num(w.maxBatchSamples, [...path, 'maxBatchSamples'], 100, 1_000_000, true)
      : 20_000;
  if (c.issues.length !== before || url === undefined) return [];
  return [
    {
      url,
      headers,
      bearerToken,
      basicAuth,
      intervalMs: intervalMs ?? 10_000,
      timeoutMs: timeoutMs ?? 10_000,
      maxQueuedSamples: maxQueuedSamples ?? 2_000_000,
      maxBatchSamples: maxBatchSamples ?? 20_000,
    },
  ];
}
