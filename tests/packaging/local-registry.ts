import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An npm registry on loopback that serves packed tarballs and forwards every other name upstream. */
export interface LocalRegistry {
  readonly url: string;
  close(): Promise<void>;
}

interface Packed {
  manifest: Record<string, unknown> & { name: string; version: string };
  tarball: Buffer;
}

function readPacked(file: string): Packed {
  const json = execFileSync('tar', ['-xOzf', file, 'package/package.json'], { encoding: 'utf8' });
  return { manifest: JSON.parse(json), tarball: readFileSync(file) };
}

/**
 * Serves `tarballs` as the only version of their packages, the way the public registry would once
 * they are published, so `npm install -g <name>` resolves our packages' dependencies on each
 * other exactly as a user's install will. Names we did not pack are fetched from `upstream`
 * (their tarballs are then downloaded from upstream directly).
 */
export async function startLocalRegistry(
  tarballs: string[],
  upstream = 'https://registry.npmjs.org/',
): Promise<LocalRegistry> {
  const packed = new Map(tarballs.map((f) => readPacked(f)).map((p) => [p.manifest.name, p]));
  let base = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
      const tarballOf = path.match(/^(.+)\/-\/[^/]+\.tgz$/);
      const own = packed.get(tarballOf ? tarballOf[1]! : path);
      if (own && tarballOf) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(own.tarball);
        return;
      }
      if (own) {
        const { name, version } = own.manifest;
        const file = `${name.split('/').pop()}-${version}.tgz`;
        const dist = {
          tarball: `${base}/${name}/-/${file}`,
          shasum: createHash('sha1').update(own.tarball).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(own.tarball).digest('base64')}`,
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            name,
            'dist-tags': { latest: version },
            versions: { [version]: { ...own.manifest, dist } },
          }),
        );
        return;
      }
      const reply = await fetch(new URL(req.url!.slice(1), upstream), {
        headers: { accept: req.headers.accept ?? 'application/json' },
        signal: AbortSignal.timeout(60_000),
      });
      res.writeHead(reply.status, {
        'content-type': reply.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await reply.arrayBuffer()));
    })().catch((error: Error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(error.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
