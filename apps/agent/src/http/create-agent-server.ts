import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { contentTypeOf, formatExposition, negotiateExposition } from '@arcbox/perf-export';
import { describeLifecycleEvent } from '@arcbox/perf-core';
import { isLoopbackHost } from '../config/listen-address.js';
import type { AgentState } from './agent-state.js';
import { isAuthorized } from './check-auth.js';
import { isAllowedHost } from './check-host.js';
import { createHistoryRoute, HISTORY_LIMITS, type HistoryLimits } from './history-route.js';
import { badParameter, HttpError } from './http-error.js';
import { parseTimeParam } from './parse-query.js';
import { parseProcessQuery } from './process-query.js';
import { createEventStream, type StreamReplayLimits } from './event-stream.js';
import { snapshotJson } from './sample-json.js';
import { createStaticFiles } from './static-files.js';
import { agentFamilies } from '../export/agent-families.js';

export interface AgentServerOptions {
  state: AgentState;
  /**
   * The bearer token in force, read on every request so a reload can rotate it; null serves
   * without one (only on a loopback socket: see `listen`).
   */
  token: () => string | null;
  /** Dashboard files (index.html, dashboard.js, uPlot); no dashboard when null. */
  publicDir: string | null;
  buildInfo?: Record<string, string>;
  log?: (line: string) => void;
  /** Bounds of `/api/v1/history` (tests); HISTORY_LIMITS otherwise. */
  historyLimits?: HistoryLimits;
  /** What `/api/v1/stream` keeps for reconnecting clients (tests); STREAM_REPLAY otherwise. */
  streamReplay?: StreamReplayLimits;
}

export interface AgentServer {
  readonly server: Server;
  /** Stream clients connected now. */
  readonly streamClients: number;
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Whether the open socket is on loopback (false before `listen`). */
  isLoopback(): boolean;
  /** Ends SSE streams and stops accepting; resolves when the server is closed. */
  close(): Promise<void>;
}

export { MAX_STREAM_BACKLOG_BYTES } from './event-stream.js';

/** Paths answered without the token: probes (see the README: liveness probes cannot send one). */
const PROBES = new Set(['/healthz', '/readyz']);

function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : text);
}

type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  authorized: boolean,
) => Promise<void> | void;

/**
 * The agent's HTTP API on node:http: /metrics (Prometheus or OpenMetrics by Accept), the JSON API
 * under /api/v1, health probes and the dashboard. Every kind of series the monitor has reaches
 * every answer. Bad parameters answer 400 with a JSON error naming the parameter; anything
 * unexpected answers 500 without taking the agent down.
 *
 * The token rule holds for the socket actually open: off loopback, nothing but the probes is
 * served without a token, whatever a reload did. On loopback without a token, only requests
 * naming a loopback host are served (DNS rebinding).
 */
export function createAgentServer(options: AgentServerOptions): AgentServer {
  const { state } = options;
  const { kinds } = state;
  const stream = createEventStream(state, kinds, options.streamReplay);
  let bound: AddressInfo | null = null;
  let listenHost = '';
  const log = options.log ?? (() => undefined);
  const serveStatic = options.publicDir === null ? null : createStaticFiles(options.publicDir);
  const history = state.history
    ? createHistoryRoute(state.history, options.historyLimits ?? HISTORY_LIMITS)
    : null;

  const routes: Record<string, Route> = {
    '/metrics': (req, res) => {
      const format = negotiateExposition(req.headers.accept);
      const sample = state.latest();
      const body = formatExposition(agentFamilies(sample, kinds, options.buildInfo), format);
      res.writeHead(200, { 'content-type': contentTypeOf(format), 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    '/api/v1/snapshot': (req, res) => {
      const sample = state.latest();
      if (!sample) throw new HttpError(503, 'no sample taken yet');
      sendJson(res, 200, snapshotJson(sample, kinds), req.method === 'HEAD');
    },
    '/api/v1/processes': async (req, res, url) => {
      if (!state.processes) throw new HttpError(404, 'processes are off');
      const query = parseProcessQuery(url.searchParams);
      const controller = new AbortController();
      req.once('close', () => controller.abort());
      const processes = await state.processes({ ...query, signal: controller.signal });
      sendJson(res, 200, { processes }, req.method === 'HEAD');
    },
    '/api/v1/events': (req, res, url) => {
      if (!state.events) throw new HttpError(404, 'events are off');
      const since = parseTimeParam('since', url.searchParams.get('since'), Date.now()) ?? 0;
      const limit = parseEventLimit(url.searchParams.get('limit'));
      const events = state.events(since, limit).map((e) => ({
        ...e,
        message: describeLifecycleEvent(e),
      }));
      sendJson(res, 200, { events }, req.method === 'HEAD');
    },
    '/api/v1/alerts': (req, res) =>
      sendJson(res, 200, { alerts: state.alerts() }, req.method === 'HEAD'),
    '/api/v1/series': (req, res) => {
      if (!state.history) throw new HttpError(404, 'history is off');
      sendJson(
        res,
        200,
        { resolutionMs: state.history.config.sampleIntervalMs, series: state.history.series() },
        req.method === 'HEAD',
      );
    },
    '/api/v1/history': (req, res, url) => {
      if (!history) throw new HttpError(404, 'history is off');
      return history(req, res, url);
    },
    '/api/v1/stream': (req, res, url) => stream.open(req, res, url),
    '/healthz': (req, res) => sendJson(res, 200, { status: 'ok' }, req.method === 'HEAD'),
    '/readyz': (req, res, _url, authorized) => {
      const reason = state.notReadyReason();
      const { problem } = state.historyHealth();
      // Without the token, the state only: reasons name paths and errors.
      const details = authorized
        ? {
            ...(reason === null ? {} : { reason }),
            ...(problem === null ? {} : { history: { available: false, reason: problem } }),
          }
        : {};
      sendJson(
        res,
        reason === null ? 200 : 503,
        { status: reason === null ? 'ready' : 'not ready', ...details },
        req.method === 'HEAD',
      );
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent.invalid');
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(405, `method ${req.method} not allowed`);
      }
      const token = options.token();
      const loopback = bound !== null && isLoopbackHost(bound.address);
      if (loopback && token === null && !isAllowedHost(req.headers.host, listenHost)) {
        throw new HttpError(
          421,
          'this agent serves loopback without a token and answers only requests to a loopback host (DNS rebinding protection): use http://127.0.0.1 or localhost, or set a token',
        );
      }
      // Own keys only: "/constructor" must not find Object.prototype.constructor.
      const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
      // The dashboard's own files are public code; every route with data needs the token.
      if (!route && serveStatic && (await serveStatic(req, res, url.pathname))) return;
      // Off loopback a token is required; should none be in force, nothing with data is served.
      const authorized = token === null ? loopback : isAuthorized(req, url, token);
      if (!authorized && !(route && PROBES.has(url.pathname))) {
        if (token === null)
          throw new HttpError(
            503,
            'no token is in force on a socket off loopback: restart the agent with one',
          );
        res.setHeader('www-authenticate', 'Bearer realm="arcbox-perf-agent"');
        throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <token>)');
      }
      if (route) {
        await route(req, res, url, authorized);
        return;
      }
      throw new HttpError(404, `no such path: ${url.pathname}`);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, {
          error: {
            status: error.status,
            ...(error.parameter ? { parameter: error.parameter } : {}),
            message: error.message,
          },
        });
        return;
      }
      log(
        `error serving ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`,
      );
      sendJson(res, 500, { error: { status: 500, message: 'internal error' } });
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  // Scrapers and browsers keep connections alive; a short keep-alive lets close() finish quickly.
  server.keepAliveTimeout = 5000;

  return {
    server,
    get streamClients() {
      return stream.clients;
    },
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          bound = server.address() as AddressInfo;
          listenHost = host;
          resolve(bound);
        });
      });
    },
    isLoopback: () => bound !== null && isLoopbackHost(bound.address),
    close() {
      stream.close();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** At most this many events in one answer of /api/v1/events. */
export const MAX_EVENTS_PER_ANSWER = 1000;

function parseEventLimit(text: string | null): number {
  if (text === null || text === '') return MAX_EVENTS_PER_ANSWER;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > MAX_EVENTS_PER_ANSWER)
    throw badParameter(
      'limit',
      `"${text.slice(0, 16)}" is not a count from 1 to ${MAX_EVENTS_PER_ANSWER}`,
    );
  return Number(text);
}
