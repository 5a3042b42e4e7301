import type { AgentConfig, WebhookConfig } from './agent-config.js';
import { parseDuration } from './duration.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';

export interface ConfigIssue {
  path: Array<string | number>;
  message: string;
  /** When the checker knows the line itself (rules checked by perf-history). */
  line?: number;
}

type Path = Array<string | number>;
type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'a list'
      : typeof v === 'string'
        ? `the string "${v}"`
        : `${typeof v} ${JSON.stringify(v)}`;

/**
 * Checks a parsed config file against what the agent understands, starting from the defaults.
 * Unknown keys are errors (a typo must not silently fall back to a default), and so are wrong
 * types and impossible values (a zero interval, a port over 65535, a warn above crit...).
 */
export function validateConfig(
  input: unknown,
  defaults: AgentConfig,
): { config: AgentConfig; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const fail = (path: Path, message: string) => issues.push({ path, message });
  const config = structuredClone(defaults);
  if (!isObject(input)) {
    fail([], `the file must hold a mapping of settings, found ${describe(input)}`);
    return { config, issues };
  }

  const known = (obj: Obj, path: Path, keys: string[]) => {
    for (const key of Object.keys(obj)) {
      if (!keys.includes(key)) fail([...path, key], `unknown key (known here: ${keys.join(', ')})`);
    }
  };
  const str = (v: unknown, path: Path, opts: { empty?: boolean } = {}): string | undefined => {
    if (typeof v !== 'string') return void fail(path, `must be a string, found ${describe(v)}`);
    if (!opts.empty && v.trim() === '') return void fail(path, 'must not be empty');
    return v;
  };
  const bool = (v: unknown, path: Path): boolean | undefined => {
    if (typeof v !== 'boolean')
      return void fail(path, `must be true or false, found ${describe(v)}`);
    return v;
  };
  const num = (
    v: unknown,
    path: Path,
    min?: number,
    max?: number,
    integer = false,
  ): number | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      return void fail(path, `must be a number, found ${describe(v)}`);
    if (integer && !Number.isInteger(v))
      return void fail(path, `must be a whole number, found ${v}`);
    if (min !== undefined && v < min) return void fail(path, `must be at least ${min}, found ${v}`);
    if (max !== undefined && v > max) return void fail(path, `must be at most ${max}, found ${v}`);
    return v;
  };
  const duration = (
    v: unknown,
    path: Path,
    minMs: number,
    maxMs = Number.POSITIVE_INFINITY,
  ): number | undefined => {
    if (typeof v === 'number')
      return void fail(path, `a duration needs a unit, e.g. "${v}s" or "${v}ms"`);
    if (typeof v !== 'string')
      return void fail(path, `must be a duration such as "10s", found ${describe(v)}`);
    const ms = parseDuration(v);
    if (ms === null)
      return void fail(
        path,
        `"${v}" is not a duration (use ms, s, m, h, d: "500ms", "10s", "1h30m")`,
      );
    if (ms < minMs) return void fail(path, `must be at least ${minMs} ms, found "${v}"`);
    if (ms > maxMs) return void fail(path, `must be at most ${maxMs} ms, found "${v}"`);
    return ms;
  };
  const strList = (v: unknown, path: Path): string[] | undefined => {
    if (!Array.isArray(v))
      return void fail(path, `must be a list of strings, found ${describe(v)}`);
    const out: string[] = [];
    v.forEach((item, i) => {
      const s = str(item, [...path, i]);
      if (s !== undefined) out.push(s);
    });
    return out;
  };
  const section = (v: unknown, path: Path): Obj | undefined => {
    if (!isObject(v)) return void fail(path, `must be a mapping, found ${describe(v)}`);
    return v;
  };
  const count = () => issues.length;
  const set = <T>(value: T | undefined, apply: (v: T) => void) => {
    if (value !== undefined) apply(value);
  };

  known(
    input,
    [],
    [
      'listen',
      'authToken',
      'interval',
      'root',
      'stateDir',
      'sources',
      'history',
      'rules',
      'notifications',
    ],
  );
  if ('listen' in input) {
    const text = str(input.listen, ['listen']);
    if (text !== undefined) {
      const address = parseListenAddress(text);
      if (address === null) fail(['listen'], `"${text}" is not HOST:PORT (e.g. "127.0.0.1:9464")`);
      else config.listen = address;
    }
  }
  if ('authToken' in input) set(str(input.authToken, ['authToken']), (v) => (config.authToken = v));
  if ('interval' in input)
    set(duration(input.interval, ['interval'], 100, 3_600_000), (v) => (config.intervalMs = v));
  if ('root' in input) set(str(input.root, ['root']), (v) => (config.root = v));
  if ('stateDir' in input) set(str(input.stateDir, ['stateDir']), (v) => (config.stateDir = v));

  if ('sources' in input) {
    const sources = section(input.sources, ['sources']);
    if (sources) {
      known(sources, ['sources'], ['system', 'containers', 'docker', 'vms']);
      const common = (
        s: Obj,
        path: Path,
        target: { enabled?: boolean; timeoutMs: number },
        extra: string[],
      ) => {
        // The host source has no `enabled`: the agent always samples it.
        const switchable = 'enabled' in target;
        known(s, path, [...(switchable ? ['enabled'] : []), 'timeout', ...extra]);
        if ('enabled' in s && switchable)
          set(bool(s.enabled, [...path, 'enabled']), (v) => (target.enabled = v));
        if ('timeout' in s)
          set(duration(s.timeout, [...path, 'timeout'], 10, 60_000), (v) => (target.timeoutMs = v));
      };
      if ('system' in sources) {
        const s = section(sources.system, ['sources', 'system']);
        if (s) common(s, ['sources', 'system'], config.sources.system, []);
      }
      if ('containers' in sources) {
        const path = ['sources', 'containers'];
        const s = section(sources.containers, path);
        const target = config.sources.containers;
        if (s) {
          common(s, path, target, ['discover', 'paths']);
          if ('discover' in s)
            set(bool(s.discover, [...path, 'discover']), (v) => (target.discover = v));
          if ('paths' in s) set(strList(s.paths, [...path, 'paths']), (v) => (target.paths = v));
        }
      }
      if ('docker' in sources) {
        const path = ['sources', 'docker'];
        const s = section(sources.docker, path);
        const target = config.sources.docker;
        if (s) {
          common(s, path, target, ['socket']);
          if ('socket' in s) set(str(s.socket, [...path, 'socket']), (v) => (target.socket = v));
        }
      }
      if ('vms' in sources) {
        const path = ['sources', 'vms'];
        const s = section(sources.vms, path);
        const target = config.sources.vms;
        if (s) {
          common(s, path, target, ['socketDir', 'sockets']);
          if ('socketDir' in s)
            set(str(s.socketDir, [...path, 'socketDir']), (v) => (target.socketDir = v));
          if ('sockets' in s)
            set(strList(s.sockets, [...path, 'sockets']), (v) => (target.sockets = v));
        }
      }
    }
  }

  if ('history' in input) {
    const h = section(input.history, ['history']);
    if (h) {
      known(h, ['history'], ['retention', 'flushInterval', 'persist']);
      if ('retention' in h)
        set(
          duration(h.retention, ['history', 'retention'], 60_000),
          (v) => (config.history.retentionMs = v),
        );
      if ('flushInterval' in h) {
        set(
          duration(h.flushInterval, ['history', 'flushInterval'], 100, 3_600_000),
          (v) => (config.history.flushIntervalMs = v),
        );
      }
      if ('persist' in h)
        set(bool(h.persist, ['history', 'persist']), (v) => (config.history.persist = v));
    }
  }

  // `rules` is checked rule by rule by perf-history's parser (see load-config.ts).
  if ('rules' in input && !Array.isArray(input.rules)) {
    fail(['rules'], `must be a list of rules, found ${describe(input.rules)}`);
  }

  if ('notifications' in input) {
    const n = section(input.notifications, ['notifications']);
    const target = config.notifications;
    if (n) {
      known(n, ['notifications'], ['log', 'delay', 'repeat', 'webhooks']);
      if ('log' in n) set(bool(n.log, ['notifications', 'log']), (v) => (target.log = v));
      if ('delay' in n)
        set(duration(n.delay, ['notifications', 'delay'], 0), (v) => (target.delayMs = v));
      if ('repeat' in n)
        set(duration(n.repeat, ['notifications', 'repeat'], 0), (v) => (target.repeatMs = v));
      if ('webhooks' in n) {
        if (!Array.isArray(n.webhooks))
          fail(['notifications', 'webhooks'], `must be a list, found ${describe(n.webhooks)}`);
        else
          target.webhooks = n.webhooks.flatMap((w, i) =>
            validateWebhook(w, ['notifications', 'webhooks', i], {
              fail,
              known,
              str,
              num,
              duration,
              section,
              count,
            }),
          );
      }
    }
  }

  if (config.history.flushIntervalMs < config.intervalMs && 'history' in input) {
    fail(
      ['history', 'flushInterval'],
      `must not be shorter than interval (${config.intervalMs} ms)`,
    );
  }
  if (!isLoopbackHost(config.listen.host) && config.authToken === null && 'listen' in input) {
    fail(
      ['authToken'],
      `required when listen is not a loopback address (listen is ${config.listen.host})`,
    );
  }
  return { config, issues };
}

interface Checkers {
  fail: (path: Path, message: string) => void;
  known: (obj: Obj, path: Path, keys: string[]) => void;
  str: (v: unknown, path: Path) => string | undefined;
  num: (
    v: unknown,
    path: Path,
    min?: number,
    max?: number,
    integer?: boolean,
  ) => number | undefined;
  duration: (v: unknown, path: Path, minMs: number, maxMs?: number) => number | undefined;
  section: (v: unknown, path: Path) => Obj | undefined;
  /** Issues found so far, to tell whether one item added any. */
  count: () => number;
}

function validateWebhook(raw: unknown, path: Path, c: Checkers): WebhookConfig[] {
  const w = c.section(raw, path);
  if (!w) return [];
  c.known(w, path, ['url', 'timeout', 'retries', 'backoff', 'headers']);
  const before = c.count();
  const url =
    'url' in w ? c.str(w.url, [...path, 'url']) : void c.fail([...path, 'url'], 'is required');
  if (url !== undefined) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      c.fail([...path, 'url'], `"${url}" is not a URL`);
    }
    if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      c.fail([...path, 'url'], `must be http or https, found ${parsed.protocol}`);
    }
  }
  const timeoutMs =
    'timeout' in w ? c.duration(w.timeout, [...path, 'timeout'], 10, 120_000) : 5000;
  const retries = 'retries' in w ? c.num(w.retries, [...path, 'retries'], 0, 20, true) : 3;
  const backoffMs = 'backoff' in w ? c.duration(w.backoff, [...path, 'backoff'], 0, 600_000) : 1000;
  const headers: Record<string, string> = {};
  if ('headers' in w) {
    const h = c.section(w.headers, [...path, 'headers']);
    for (const [k, v] of Object.entries(h ?? {})) {
      const s = c.str(v, [...path, 'headers', k]);
      if (s !== undefined) headers[k] = s;
    }
  }
  if (c.count() !== before || url === undefined) return [];
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
