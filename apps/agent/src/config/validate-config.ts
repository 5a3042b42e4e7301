import {
  type ConfigChecker,
  type ConfigIssue,
  type ConfigObject,
  type ConfigPath,
  createConfigChecker,
  describeValue,
  isConfigObject,
  validateSources,
} from '@arcbox/perf';
import { formatDuration } from '@arcbox/perf-core';
import type { AgentConfig, WebhookConfig } from './agent-config.js';
import { validateExport } from './validate-export.js';
import { secretTypeOf, tokenProblem } from './check-token.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Bounds of every duration in the agent's file. Each one that becomes a timer stays below core's
 * MAX_TIMER_MS (Node's timers fire at once past 2^31-1 ms, about 24.8 days), so no setting can
 * make a timer misfire; notifications wait at most a week, as alert rules' `for` does. Retention
 * is no timer (an age compared with timestamps): up to 400 days, with most of it on disk.
 */
export const DURATION_LIMITS = {
  interval: { min: 100, max: HOUR },
  retention: { min: MINUTE, max: 400 * DAY },
  flushInterval: { min: 100, max: HOUR },
  delay: { min: 0, max: 7 * DAY },
  repeat: { min: 0, max: 7 * DAY },
  webhookTimeout: { min: 10, max: 2 * MINUTE },
  backoff: { min: 0, max: 10 * MINUTE },
  remoteWriteInterval: { min: 100, max: HOUR },
  remoteWriteTimeout: { min: 10, max: 2 * MINUTE },
} as const;

export type Limit = { min: number; max: number };

const TOP_LEVEL_KEYS = [
  'listen',
  'authToken',
  'interval',
  'root',
  'stateDir',
  'sources',
  'history',
  'rules',
  'notifications',
  'authTokenFile',
  'export',
];

/** RFC 9110 token characters: what a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Checks a parsed config file against what the agent understands, starting from the defaults.
 * `root` and `sources` are @arcbox/perf's (`validateSources`); the rest is the agent's own.
 * Unknown keys, wrong types and impossible values are all issues; secrets (the token, webhook
 * header values) are never quoted in them. `tokenGiven`: a token comes from elsewhere (flags).
 */
export function validateConfig(
  input: unknown,
  defaults: AgentConfig,
  options: { tokenGiven?: boolean } = {},
): { config: AgentConfig; issues: ConfigIssue[] } {
  const c = createConfigChecker();
  const config = structuredClone(defaults);
  if (!isConfigObject(input)) {
    c.fail([], `the file must hold a mapping of settings, found ${describeValue(input)}`);
    return { config, issues: c.issues };
  }
  const duration = (v: unknown, path: ConfigPath, limit: Limit) =>
    boundedDuration(c, v, path, limit);

  c.known(input, [], TOP_LEVEL_KEYS);
  if ('listen' in input) {
    const text = c.str(input.listen, ['listen']);
    if (text !== undefined) {
      const address = parseListenAddress(text);
      if (address === null)
        c.fail(['listen'], `"${text}" is not HOST:PORT (e.g. "127.0.0.1:9464")`);
      else config.listen = address;
    }
  }
  if ('authToken' in input && 'authTokenFile' in input)
    c.fail(['authTokenFile'], 'give authToken or authTokenFile, not both');
  if ('authToken' in input) {
    const token = input.authToken;
    if (typeof token !== 'string')
      c.fail(['authToken'], `must be a string, found ${secretTypeOf(token)} (not shown: a secret)`);
    else {
      const problem = tokenProblem(token);
      if (problem) c.fail(['authToken'], problem);
      else config.authToken = token;
    }
  }
  if ('authTokenFile' in input)
    set(c.str(input.authTokenFile, ['authTokenFile']), (v) => (config.authTokenFile = v));
  if ('interval' in input)
    set(
      duration(input.interval, ['interval'], DURATION_LIMITS.interval),
      (v) => (config.intervalMs = v),
    );
  if ('root' in input) set(c.str(input.root, ['root']), (v) => (config.sources.root = v));
  if ('stateDir' in input) set(c.str(input.stateDir, ['stateDir']), (v) => (config.stateDir = v));
  if ('sources' in input) validateSources(input.sources, config.sources, c);

  if ('history' in input) {
    const h = c.section(input.history, ['history']);
    if (h) {
      c.known(h, ['history'], ['retention', 'flushInterval', 'persist']);
      if ('retention' in h)
        set(
          duration(h.retention, ['history', 'retention'], DURATION_LIMITS.retention),
          (v) => (config.history.retentionMs = v),
        );
      if ('flushInterval' in h)
        set(
          duration(h.flushInterval, ['history', 'flushInterval'], DURATION_LIMITS.flushInterval),
          (v) => (config.history.flushIntervalMs = v),
        );
      if ('persist' in h)
        set(c.bool(h.persist, ['history', 'persist']), (v) => (config.history.persist = v));
    }
  }

  // Each rule is checked by perf-history's parser (see load-config.ts).
  if ('rules' in input && !Array.isArray(input.rules))
    c.fail(['rules'], `must be a list of rules, found ${describeValue(input.rules)}`);

  if ('notifications' in input) {
    const n = c.section(input.notifications, ['notifications']);
    const target = config.notifications;
    if (n) {
      const p = ['notifications'];
      c.known(n, p, ['log', 'delay', 'repeat', 'webhooks']);
      if ('log' in n) set(c.bool(n.log, [...p, 'log']), (v) => (target.log = v));
      if ('delay' in n)
        set(duration(n.delay, [...p, 'delay'], DURATION_LIMITS.delay), (v) => (target.delayMs = v));
      if ('repeat' in n)
        set(
          duration(n.repeat, [...p, 'repeat'], DURATION_LIMITS.repeat),
          (v) => (target.repeatMs = v),
        );
      if ('webhooks' in n) {
        if (!Array.isArray(n.webhooks))
          c.fail([...p, 'webhooks'], `must be a list, found ${describeValue(n.webhooks)}`);
        else
          target.webhooks = n.webhooks.flatMap((w, i) =>
            validateWebhook(w, [...p, 'webhooks', i], c),
          );
      }
    }
  }

  if ('export' in input) validateExport(input.export, config.export, c);

  if (config.history.flushIntervalMs < config.intervalMs && 'history' in input) {
    c.fail(
      ['history', 'flushInterval'],
      `must not be shorter than interval (${config.intervalMs} ms)`,
    );
  }
  // A token from the command line or the environment counts: it is applied over the file.
  const hasToken =
    config.authToken !== null || config.authTokenFile !== null || options.tokenGiven === true;
  if (!isLoopbackHost(config.listen.host) && !hasToken && 'listen' in input) {
    c.fail(
      ['authToken'],
      `required when listen is not a loopback address (listen is ${config.listen.host})`,
    );
  }
  return { config, issues: c.issues };
}

/** A duration within `limit`, saying the maximum as a duration rather than a count of ms. */
export function boundedDuration(
  c: ConfigChecker,
  v: unknown,
  path: ConfigPath,
  limit: Limit,
): number | undefined {
  const ms = c.duration(v, path, limit.min, Number.POSITIVE_INFINITY);
  if (ms === undefined || ms <= limit.max) return ms;
  c.fail(path, `must be at most ${formatDuration(limit.max)}, found "${String(v)}"`);
  return undefined;
}

function validateWebhook(raw: unknown, path: ConfigPath, c: ConfigChecker): WebhookConfig[] {
  const w = c.section(raw, path);
  if (!w) return [];
  c.known(w, path, ['url', 'timeout', 'retries', 'backoff', 'headers']);
  const before = c.issues.length;
  const url =
    'url' in w ? c.str(w.url, [...path, 'url']) : void c.fail([...path, 'url'], 'is required');
  if (url !== undefined) checkWebhookUrl(url, [...path, 'url'], c);
  const timeoutMs =
    'timeout' in w
      ? boundedDuration(c, w.timeout, [...path, 'timeout'], DURATION_LIMITS.webhookTimeout)
      : 5000;
  const retries = 'retries' in w ? c.num(w.retries, [...path, 'retries'], 0, 20, true) : 3;
  const backoffMs =
    'backoff' in w
      ? boundedDuration(c, w.backoff, [...path, 'backoff'], DURATION_LIMITS.backoff)
      : 1000;
  const headers = 'headers' in w ? webhookHeaders(w.headers, [...path, 'headers'], c) : {};
  if (c.issues.length !== before || url === undefined) return [];
  return [
    {
      url,
      timeoutMs: timeoutMs ?? 5000,
      retries: retries ?? 3,
      backoffMs: backoffMs ?? 1000,
      headers,
    },
  ];
}

/** An http(s) URL with a port that can be connected to. */
export function checkWebhookUrl(url: string, path: ConfigPath, c: ConfigChecker): void {
  const port =
    /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:\[[^\]]*\]|[^/?#:]*):(\d+)(?:[/?#]|$)/i.exec(url)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) {
    c.fail(path, `port ${port} is not a port a webhook can listen on (1-65535)`);
    return;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    c.fail(path, 'is not a URL');
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    c.fail(path, `must be http or https, found ${parsed.protocol}`);
}

/** Header names and values a request can carry; values may be secrets and are never quoted. */
export function webhookHeaders(
  raw: unknown,
  path: ConfigPath,
  c: ConfigChecker,
): Record<string, string> {
  const h: ConfigObject | undefined = c.section(raw, path);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h ?? {})) {
    const at = [...path, name];
    if (!HEADER_NAME.test(name)) c.fail(at, 'is not a header name');
    else if (typeof value !== 'string')
      c.fail(at, `must be a string, found ${secretTypeOf(value)} (not shown: it may be a secret)`);
    else if (/[\r\n\0]/.test(value)) c.fail(at, 'must not contain line breaks or NUL');
    else out[name] = value;
  }
  return out;
}

function set<T>(value: T | undefined, apply: (v: T) => void): void {
  if (value !== undefined) apply(value);
}
