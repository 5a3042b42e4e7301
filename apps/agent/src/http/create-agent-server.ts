import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import {
  contentTypeOf,
  formatExposition,
  formatJson,
  negotiateExposition,
  snapshotFamilies,
} from '@arcbox/perf-export';
import type { AgentSample } from '../sampler/agent-sample.js';
import type { AgentState } from './agent-state.js';
import { isAuthorized } from './check-auth.js';
import { badParameter, HttpError } from './http-error.js';
import { parseStepParam, parseTimeParam } from './parse-query.js';
import { processFamilies } from './process-families.js';

export interface AgentServerOptions {
  state: AgentState;
  /**
   * The bearer token in force, read on every request so a reload can rotate it; null serves
   * without one (only allowed on loopback, checked by the caller).
   */
  token: () => string | null;
  /** Dashboard files (index.html, dashboard.js, uPlot); no dashboard when null. */
  publicDir: string | null;
  buildInfo?: Record<string, string>;
  log?: (line: string) => void;
}

export interface AgentServer {
  readonly server: Server;
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Ends SSE streams and stops accepting; resolves when the server is closed. */
  close(): Promise<void>;
}

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const aggregations = ['avg', 'min', 'max', 'last'] as const;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(text);
}

function snapshotOf(sample: AgentSample | null) {
  return {
    system: sample?.system ?? null,
    containers: sample?.containers ?? [],
    vms: sample?.vms ?? [],
    collectors: sample?.collectors ?? [],
  };
}

/**
 * The agent's HTTP API on node:http: /metrics (Prometheus or OpenMetrics by Accept), the JSON API
 * under /api/v1, health probes and the dashboard. Bad parameters answer 400 with a JSON error
 * naming the parameter; anything unexpected answers 500 without taking the agent down.
 */
export function createAgentServer(options: AgentServerOptions): AgentServer {
  const { state } = options;
  const streams = new Set<ServerResponse>();
  // The stream event of the newest sample, serialized once and written to every client: each
  // listener used to stringify the same sample (about 1.5 KB per container) for itself.
  let streamed: { sample: AgentSample; event: string } | null = null;
  const streamEvent = (sample: AgentSample): string => {
    if (streamed?.sample !== sample)
      streamed = { sample, event: `event: sample\ndata: ${JSON.stringify(sample)}\n\n` };
    return streamed.event;
  };
  const log = options.log ?? (() => undefined);

  const routes: Record<
    string,
    (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void
  > = {
    '/metrics': (req, res) => {
      const format = negotiateExposition(req.headers.accept);
      const families = snapshotFamilies({
        ...snapshotOf(state.latest()),
        ...(options.buildInfo ? { buildInfo: options.buildInfo } : {}),
      });
      const body = formatExposition([...families, ...processFamilies()], format);
      res.writeHead(200, { 'content-type': contentTypeOf(format), 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    '/api/v1/snapshot': (_req, res) => {
      const sample = state.latest();
      if (!sample) throw new HttpError(503, 'no sample taken yet');
      sendJson(res, 200, formatJson(snapshotOf(sample)));
    },
    '/api/v1/alerts': (_req, res) => sendJson(res, 200, { alerts: state.alerts() }),
    '/api/v1/series': (_req, res) => {
      if (!state.history) throw new HttpError(404, 'history is off');
      sendJson(res, 200, { series: state.history.series() });
    },
    '/api/v1/history': (_req, res, url) => {
      const history = state.history;
      if (!history) throw new HttpError(404, 'history is off');
      const q = url.searchParams;
      for (const key of q.keys()) {
        if (!['series', 'fields', 'from', 'to', 'step', 'aggregation', 'token'].includes(key)) {
          throw badParameter(
            key,
            'unknown parameter (known: series, fields, from, to, step, aggregation)',
          );
        }
      }
      const series = q.get('series');
      if (!series) throw badParameter('series', 'is required: system, container:<id> or vm:<id>');
      const now = Date.now();
      const from = parseTimeParam('from', q.get('from'), now);
      const to = parseTimeParam('to', q.get('to'), now);
      if (from !== undefined && to !== undefined && from > to) {
        throw badParameter(
          'from',
          `must not be after "to" (${new Date(from).toISOString()} > ${new Date(to).toISOString()})`,
        );
      }
      const step = parseStepParam('step', q.get('step'));
      const fields = q
        .get('fields')
        ?.split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      const aggregation = q.get('aggregation') ?? undefined;
      if (
        aggregation !== undefined &&
        !aggregations.includes(aggregation as (typeof aggregations)[number])
      ) {
        throw badParameter('aggregation', `must be one of ${aggregations.join(', ')}`);
      }
      try {
        const result = history.query({
          series,
          ...(fields && fields.length > 0 ? { fields } : {}),
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          ...(step === undefined ? {} : { step }),
          ...(aggregation ? { aggregation: aggregation as (typeof aggregations)[number] } : {}),
        });
        sendJson(res, 200, result);
      } catch (error) {
        if (PerfError.isInstance(error) && error.code !== 'STORE_ERROR') {
          // UNKNOWN_SERIES, UNKNOWN_FIELD, INVALID_ARGUMENT: the caller asked for something wrong.
          const parameter =
            error.field === 'series' || error.code === 'UNKNOWN_SERIES'
              ? 'series'
              : error.field === 'fields' || error.code === 'UNKNOWN_FIELD'
                ? 'fields'
                : (error.field ?? 'query');
          throw badParameter(parameter, error.message);
        }
        throw error;
      }
    },
    '/api/v1/stream': (req, res) => {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': arcbox-perf agent stream\nretry: 2000\n\n');
      const first = state.latest();
      if (first) res.write(streamEvent(first));
      streams.add(res);
      const unsubscribe = state.subscribe((sample) => {
        // A slow client that cannot take the data is dropped rather than buffered without bound.
        if (res.writableLength > 8 * 1024 * 1024) {
          res.destroy();
          return;
        }
        res.write(streamEvent(sample));
      });
      const end = () => {
        unsubscribe();
        streams.delete(res);
        if (streams.size === 0) streamed = null;
      };
      req.on('close', end);
      res.on('close', end);
    },
    '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': (_req, res) => {
      const reason = state.notReadyReason();
      sendJson(
        res,
        reason === null ? 200 : 503,
        reason === null ? { status: 'ready' } : { status: 'not ready', reason },
      );
    },
  };

  async function serveStatic(res: ServerResponse, path: string): Promise<boolean> {
    if (options.publicDir === null) return false;
    const relative = normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, '');
    const file = join(options.publicDir, relative);
    if (!file.startsWith(options.publicDir)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    res.writeHead(200, {
      'content-type': mime[extname(file)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent.invalid');
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        throw new HttpError(405, `method ${req.method} not allowed`);
      }
      // Own keys only: "/constructor" must not find Object.prototype.constructor.
      const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
      // The dashboard's own files are public code; every route with data needs the token.
      if (!route && (await serveStatic(res, url.pathname))) return;
      if (!isAuthorized(req, url, options.token())) {
        res.setHeader('www-authenticate', 'Bearer realm="arcbox-perf-agent"');
        throw new HttpError(401, 'a bearer token is required (Authorization: Bearer <token>)');
      }
      if (route) {
        await route(req, res, url);
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
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close() {
      for (const res of streams) res.end();
      streams.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
