import { request as httpRequest } from 'node:http';

export interface PostReply {
  status: number;
  /** The first `maxBytes` (or a little more) of the reply's body; empty on a 2xx. */
  start: Buffer;
}

/**
 * POSTs `body` to `url` with node:http(s) and reads at most `maxBytes` of the reply. The writer's
 * default transport: a push every few seconds through `fetch` (undici) cost about 8 ms of CPU a
 * request against 1.5 ms for the same POST through node:http, and loading undici some tens of
 * MB of RSS (tried on 200 KB bodies to a local server). node:https is loaded with the first
 * https URL: loading it (and node:tls with it) costs about 2 MB of RSS, which an agent that
 * pushes over plain http, or not at all, has no use for. Rejects on a network error or when
 * `signal` aborts, as fetch does.
 */
export async function postBody(
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
  maxBytes: number,
  signal: AbortSignal,
): Promise<PostReply> {
  const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': String(body.length) }, signal },
      (res) => {
        const status = res.statusCode ?? 0;
        // A reply cut off (the socket closed, the signal aborted) is still an answer: keep what came.
        res.on('error', () => undefined);
        if (status >= 200 && status < 300) {
          res.resume();
          resolve({ status, start: Buffer.alloc(0) });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ status, start: Buffer.concat(chunks) });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= maxBytes) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
