import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postWriteRequest, type SendOutcome } from './send-write-request.js';

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const received: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      handle(req, res);
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1/write`, received };
}

/** The outcome through the default transport (node:http) and through fetch, in that order. */
async function both(url: string, timeoutMs = 10_000): Promise<[SendOutcome, SendOutcome]> {
  const target = { url, timeoutMs, bearerToken: 'tok', headers: { 'x-scope-orgid': 'a' } };
  const body = Buffer.from('snappy bytes');
  return [
    await postWriteRequest(target, body),
    await postWriteRequest(target, body, { fetch: globalThis.fetch }),
  ];
}

describe('postWriteRequest', () => {
  it('classifies every answer as it does through fetch, with the same headers and body sent', async () => {
    const replies: [number, string][] = [
      [204, ''],
      [200, 'ok'],
      [500, 'storage\n  busy'],
      [429, 'slow down'],
      [400, `out of order sample ${'x'.repeat(5000)}`],
      [404, ''],
    ];
    for (const [status, text] of replies) {
      const { url, received } = await serve((_req, res) => res.writeHead(status).end(text));
      const [viaHttp, viaFetch] = await both(url);
      expect(viaHttp, `${status}`).toEqual(viaFetch);
      expect(viaHttp.status).toBe(status);
      const [a, b] = received;
      expect(a!.body.equals(b!.body)).toBe(true);
      for (const h of [
        'authorization',
        'content-encoding',
        'content-type',
        'x-prometheus-remote-write-version',
        'user-agent',
        'x-scope-orgid',
        'content-length',
      ])
        expect(a!.headers[h], h).toBe(b!.headers[h]);
    }
  });

  it('retries a refused connection and a receiver that does not answer, as through fetch', async () => {
    const closed = await serve(() => undefined);
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 10));
    const [refusedHttp, refusedFetch] = await both(closed.url);
    expect(refusedHttp).toEqual({ outcome: 'retry', status: null, reason: 'ECONNREFUSED' });
    expect(refusedFetch).toEqual(refusedHttp);

    const silent = await serve(() => undefined);
    const [silentHttp, silentFetch] = await both(silent.url, 200);
    expect(silentHttp).toEqual({
      outcome: 'retry',
      status: null,
      reason: 'no answer within 200 ms',
    });
    expect(silentFetch).toEqual(silentHttp);
  });

  it('throws when the caller aborts', async () => {
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    const sending = postWriteRequest({ url, timeoutMs: 10_000 }, Buffer.from('x'), {
      signal: controller.signal,
    });
    controller.abort();
    await expect(sending).rejects.toThrow();
  });
});
