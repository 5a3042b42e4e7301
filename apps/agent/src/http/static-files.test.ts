import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaticFiles } from './static-files.js';

// The dashboard as shipped (the build copies public/ next to main.js).
const publicDir = fileURLToPath(new URL('../../public', import.meta.url));
let server: Server;
let port = 0;

// node:http rather than fetch: fetch takes gzip itself and hides the encoding.
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

beforeAll(async () => {
  const serve = createStaticFiles(publicDir);
  server = createServer((req, res) => {
    void serve(req, res, req.url ?? '/').then((found) => {
      if (found) return;
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the dashboard files', () => {
  it('sends a text file gzipped to a browser that takes gzip, as is otherwise', async () => {
    const original = await readFile(`${publicDir}/dashboard.js`);
    const zipped = await get('/dashboard.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(gunzipSync(zipped.body).equals(original)).toBe(true);
    expect(zipped.body.length).toBeLessThan(original.length / 2);
    const plain = await get('/dashboard.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
    const refused = await get('/dashboard.js', { 'accept-encoding': 'gzip;q=0, br' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers a revalidation with its ETag by 304 and no body', async () => {
    const first = await get('/', { 'accept-encoding': 'gzip' });
    expect(first.headers['content-type']).toMatch(/^text\/html/);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    const again = await get('/', { 'if-none-match': etag, 'accept-encoding': 'gzip' });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await get('/', { 'if-none-match': 'W/"other"' })).status).toBe(200);
  });

  it('serves nothing outside its directory', async () => {
    expect((await get('/..%2fpackage.json')).status).toBe(404);
    expect((await get('/../package.json')).status).toBe(404);
    expect((await get('/no-such-file.js')).status).toBe(404);
  });
});
