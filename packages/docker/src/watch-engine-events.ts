import { request } from 'node:http';
import { PerfError } from '@arcbox/perf-core';

/** The engine events a monitor keeps (Docker's `/events`, container type). */
export type EngineEventType = 'die' | 'oom' | 'start' | 'restart' | 'pause' | 'unpause';

const TYPES: ReadonlySet<string> = new Set<EngineEventType>([
  'die',
  'oom',
  'start',
  'restart',
  'pause',
  'unpause',
]);

export interface EngineEvent {
  /** The engine's stamp, ms since the epoch. */
  time: number;
  type: EngineEventType;
  id: string;
  name: string;
  /** A `die`'s exit code; null otherwise. */
  exitCode: number | null;
}

export interface WatchEngineEventsOptions {
  socketPath: string;
  /** Ends the watch; the promise resolves once it has. */
  signal: AbortSignal;
  onEvent: (event: EngineEvent) => void;
  /** Told of each failed or dropped connection before the next try. */
  onProblem?: (problem: PerfError) => void;
  /** Response headers must arrive within this, ms; 5 s by default. */
  connectTimeoutMs?: number;
  /**
   * A connection silent this long is renewed (from the last event's time, so none is lost), ms;
   * 5 min by default. An engine sends nothing while nothing happens.
   */
  idleTimeoutMs?: number;
  /** Longest event line accepted; a longer one drops the connection. 64 KiB by default. */
  maxLineBytes?: number;
  /** Reconnect backoff, ms: doubles from `initial` up to `max`; 500 ms and 30 s by default. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** Podman's compatible service names a container's exit `died`. */
const ALIASES: Readonly<Record<string, EngineEventType>> = { died: 'die' };

const FILTERS = JSON.stringify({
  type: ['container'],
  event: [...TYPES, ...Object.keys(ALIASES)],
});

/**
 * Follows an engine's `/events` until the signal aborts, reconnecting with backoff whenever the
 * connection fails, hangs before its headers, goes silent past the idle timeout, sends a line
 * past the bound, or ends. Each renewal asks `since` the last event seen. Nothing here blocks:
 * a hung engine costs one idle socket and a timer.
 */
export async function watchEngineEvents(options: WatchEngineEventsOptions): Promise<void> {
  const { signal } = options;
  const initial = options.backoff?.initialMs ?? 500;
  const max = options.backoff?.maxMs ?? 30_000;
  let delay = initial;
  let since = Math.floor(Date.now() / 1000);
  while (!signal.aborted) {
    let gotAny = false;
    try {
      await followOnce(options, since, (event) => {
        gotAny = true;
        since = Math.max(since, Math.floor(event.time / 1000));
        options.onEvent(event);
      });
    } catch (error) {
      if (signal.aborted) break;
      options.onProblem?.(PerfError.from(error, 'CONNECTION_ERROR', 'engine events failed'));
    }
    if (signal.aborted) break;
    if (gotAny) delay = initial;
    await sleep(delay, signal);
    delay = Math.min(max, delay * 2);
  }
}

/** One `/events` connection; resolves when it ends cleanly, rejects on any failure. */
function followOnce(
  options: WatchEngineEventsOptions,
  since: number,
  emit: (event: EngineEvent) => void,
): Promise<void> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const maxLine = options.maxLineBytes ?? 64 * 1024;
  const path = `/events?since=${since}&filters=${encodeURIComponent(FILTERS)}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, what: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new PerfError('TIMEOUT', `GET /events: ${what}`)), ms);
    };
    const onAbort = () => finish(null);
    const finish = (error: PerfError | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (error) reject(error);
      else resolve();
    };
    const req = request(
      {
        socketPath: options.socketPath,
        path,
        method: 'GET',
        headers: { Host: 'docker', Accept: 'application/json' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          finish(new PerfError('PROTOCOL_ERROR', `GET /events answered ${res.statusCode}`));
          return;
        }
        arm(idleTimeoutMs, `silent for ${idleTimeoutMs} ms`);
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          arm(idleTimeoutMs, `silent for ${idleTimeoutMs} ms`);
          pending += chunk;
          let nl = pending.indexOf('\n');
          while (nl >= 0) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            const event = parseEngineEvent(line);
            if (event) emit(event);
            nl = pending.indexOf('\n');
          }
          if (pending.length > maxLine)
            finish(
              new PerfError('PROTOCOL_ERROR', `GET /events: a line longer than ${maxLine} bytes`),
            );
        });
        res.on('end', () => finish(new PerfError('CONNECTION_ERROR', 'GET /events: ended')));
        res.on('error', (e) => finish(PerfError.from(e, 'CONNECTION_ERROR', 'GET /events')));
      },
    );
    req.on('error', (e) => finish(PerfError.from(e, 'CONNECTION_ERROR', 'GET /events')));
    if (options.signal.aborted) return finish(null);
    options.signal.addEventListener('abort', onAbort, { once: true });
    arm(connectTimeoutMs, `no answer within ${connectTimeoutMs} ms`);
    req.end();
  });
}

/** One `/events` line (Docker's and podman's shape); null for anything else. */
export function parseEngineEvent(line: string): EngineEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const named = typeof r.Action === 'string' ? r.Action : r.status;
  if (typeof named !== 'string') return null;
  const action = ALIASES[named] ?? named;
  if (!TYPES.has(action)) return null;
  const actor = (typeof r.Actor === 'object' && r.Actor !== null ? r.Actor : {}) as Record<
    string,
    unknown
  >;
  const attrs = (
    typeof actor.Attributes === 'object' && actor.Attributes !== null ? actor.Attributes : {}
  ) as Record<string, unknown>;
  const id = typeof actor.ID === 'string' ? actor.ID : typeof r.id === 'string' ? r.id : null;
  if (id === null || id.length > 128) return null;
  const name = typeof attrs.name === 'string' ? attrs.name.slice(0, 256) : id.slice(0, 12);
  const nano = typeof r.timeNano === 'number' ? r.timeNano / 1e6 : null;
  const secs = typeof r.time === 'number' ? r.time * 1000 : null;
  const time = nano ?? secs;
  if (time === null || !Number.isFinite(time)) return null;
  const rawCode = attrs.exitCode ?? attrs.containerExitCode;
  const code =
    typeof rawCode === 'string' ? rawCode : typeof rawCode === 'number' ? String(rawCode) : null;
  const exitCode =
    action === 'die' && code !== null && /^-?\d{1,10}$/.test(code) ? Number(code) : null;
  return { time: Math.round(time), type: action as EngineEventType, id, name, exitCode };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
