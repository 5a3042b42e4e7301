import { request } from 'node:http';
import { PerfError } from '@arcbox/perf-core';

export interface UnixHttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface UnixHttpGetOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Largest body accepted; a bigger one is a PROTOCOL_ERROR, not unbounded memory. */
  maxBytes?: number;
}

/**
 * One HTTP GET over a unix socket, bounded by a timeout and an AbortSignal. A socket that is
 * missing or refuses is a CONNECTION_ERROR; a hung engine is a TIMEOUT.
 */
export function unixHttpGet(
  socketPath: string,
  path: string,
  options: UnixHttpGetOptions,
): Promise<UnixHttpResponse> {
  const maxBytes = options.maxBytes ?? 16 * 2 ** 20;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new PerfError('ABORTED', `GET ${path} was aborted`, { cause: options.signal.reason }));
      return;
    }
    let settled = false;
    const finish = (error: PerfError | null, value?: UnixHttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(value as UnixHttpResponse);
    };
    const req = request(
      { socketPath, path, method: 'GET', headers: { Host: 'docker', Accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes)
            finish(
              new PerfError(
                'PROTOCOL_ERROR',
                `GET ${path}: response larger than ${maxBytes} bytes`,
              ),
            );
          else chunks.push(chunk);
        });
        res.on('end', () =>
          finish(null, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (e) =>
          finish(new PerfError('CONNECTION_ERROR', `GET ${path}: ${e.message}`, { cause: e })),
        );
      },
    );
    const onAbort = () =>
      finish(
        new PerfError('ABORTED', `GET ${path} was aborted`, { cause: options.signal?.reason }),
      );
    const timer = setTimeout(
      () =>
        finish(
          new PerfError(
            'TIMEOUT',
            `GET ${path} on ${socketPath} timed out after ${options.timeoutMs} ms`,
          ),
        ),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) =>
      finish(
        new PerfError(
          'CONNECTION_ERROR',
          `cannot reach the engine at ${socketPath}: ${e.message}`,
          { cause: e },
        ),
      ),
    );
    req.end();
  });
}
