import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { postBody } from './post-body.js';

// Whether post-body.ts has loaded node:https (and node:tls with it) so far.
const loaded = vi.hoisted(() => ({ https: false }));
vi.mock('node:https', async (original) => {
  loaded.https = true;
  return original();
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A self-signed certificate for 127.0.0.1, made by openssl for this run. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const closers: Array<() => void> = [];
afterAll(() => {
  for (const close of closers) close();
});

describe('postBody', () => {
  it('posts over http without loading node:https', async () => {
    const bodies: string[] = [];
    const server = createHttpServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c;
      });
      req.on('end', () => {
        bodies.push(text);
        res.writeHead(204).end();
      });
    });
    closers.push(() => server.close());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const reply = await postBody(
      new URL(`http://127.0.0.1:${port}/w`),
      {},
      Buffer.from('plain'),
      1024,
      new AbortController().signal,
    );
    expect(reply.status).toBe(204);
    expect(bodies).toEqual(['plain']);
    expect(loaded.https).toBe(false);
  });

  it.skipIf(!hasOpenssl)(
    'posts over https when the URL says so, and verifies the certificate (needs openssl)',
    async () => {
      // Not imported at the top: that would load node:https before the first test.
      const https = await vi.importActual<typeof import('node:https')>('node:https');
      const { key, cert } = selfSigned();
      const bodies: string[] = [];
      const server = https.createServer({ key, cert }, (req, res) => {
        let text = '';
        req.on('data', (c: Buffer) => {
          text += c;
        });
        req.on('end', () => {
          bodies.push(text);
          res.writeHead(500).end('busy');
        });
      });
      closers.push(() => server.close());
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/w`);
      const signal = new AbortController().signal;
      // Not trusted: refused by TLS, nothing sent.
      await expect(postBody(url, {}, Buffer.from('secret'), 1024, signal)).rejects.toThrow(
        /self[- ]signed/,
      );
      expect(bodies).toEqual([]);
      expect(loaded.https).toBe(true);
      // Trusted (as NODE_EXTRA_CA_CERTS would make it): sent, and the reply read.
      const before = https.globalAgent.options.ca;
      https.globalAgent.options.ca = cert;
      try {
        const reply = await postBody(url, {}, Buffer.from('secret'), 1024, signal);
        expect(reply).toEqual({ status: 500, start: Buffer.from('busy') });
        expect(bodies).toEqual(['secret']);
      } finally {
        https.globalAgent.options.ca = before;
      }
    },
  );
});
