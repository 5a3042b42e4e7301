import { request } from 'node:http';
import { PerfError } from '@arcbox/perf-core';

export interface HttpJsonOptions {
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * GET a JSON document over a unix-socket HTTP API (Cloud Hypervisor's and Firecracker's), under a
 * timeout and an AbortSignal. A non-2xx status is COMMAND_FAILED with the body's text.
 */
export function httpGetJson(
  socketPath: string,
  path: string,
  options: HttpJsonOptions,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = request(
      { socketPath, path, method: 'GET', headers: { Accept: 'application/json' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('error', (cause) =>
          done(() =>
            reject(
              new PerfError('CONNECTION_ERROR', `GET ${path} broke off`, {
                file: socketPath,
                cause,
              }),
            ),
          ),
        );
        res.on('end', () =>
          done(() => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              reject(
                new PerfError(
                  'COMMAND_FAILED',
                  `GET ${path}: HTTP ${status} ${body.trim().slice(0, 200)}`,
                  { file: socketPath },
                ),
              );
              return;
            }
            try {
              resolve(body.trim() === '' ? null : JSON.parse(body));
            } catch (cause) {
              reject(
                new PerfError('PARSE_ERROR', `GET ${path} did not return JSON`, {
                  file: socketPath,
                  field: path,
                  cause,
                }),
              );
            }
          }),
        );
      },
    );
    const onAbort = () => {
      req.destroy();
      done(() =>
        reject(
          new PerfError('ABORTED', `GET ${path} was aborted`, { cause: options.signal?.reason }),
        ),
      );
    };
    const timer = setTimeout(() => {
      req.destroy();
      done(() =>
        reject(
          new PerfError('TIMEOUT', `GET ${path} timed out after ${options.timeoutMs} ms`, {
            file: socketPath,
          }),
        ),
      );
    }, options.timeoutMs);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (cause) =>
      done(() =>
        reject(
          new PerfError('CONNECTION_ERROR', `GET ${path} failed: ${cause.message}`, {
            file: socketPath,
            cause,
          }),
        ),
      ),
    );
    req.end();
  });
}

/** A counter that fits a double exactly; larger ones (u64::MAX "no value yet" markers) are null. */
export function safeCounter(value: unknown): number | null {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= Number.MAX_SAFE_INTEGER
    ? value
    : null;
}
