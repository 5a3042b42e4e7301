import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Paths browsers ask for whatever the page names: `/favicon.ico` is answered by the SVG icon. */
const STATIC_ALIASES: Record<string, string> = { '/favicon.ico': '/favicon.svg' };

/** Files this size or smaller are gzipped (once per version of the file, kept in memory). */
const MAX_GZIP_BYTES = 1024 * 1024;

interface Gzipped {
  etag: string;
  body: Buffer;
}

/** Whether `accept-encoding` takes gzip (named, with no q=0). */
function acceptsGzip(req: IncomingMessage): boolean {
  return String(req.headers['accept-encoding'] ?? '')
    .split(',')
    .some((part) => {
      const [name, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      if (name !== 'gzip') return false;
      const q = params.find((p) => p.startsWith('q='));
      return q === undefined || Number(q.slice(2)) > 0;
    });
}

/**
 * The dashboard's files from `dir`: text files gzipped when the browser takes it (the page's
 * script and uPlot shrink to about a third), each with an ETag so a reload revalidates them
 * with a 304 instead of fetching them again (`cache-control: no-cache`: always asked, since an
 * upgraded agent serves new files under the same names). Resolves false when `path` names no
 * file of `dir`.
 */
export function createStaticFiles(dir: string) {
  // Keyed by file and its ETag: a file changed on disk (a development build) is gzipped again.
  const cache = new Map<string, Gzipped>();

  async function gzipped(file: string, etag: string): Promise<Gzipped> {
    const hit = cache.get(file);
    if (hit?.etag === etag) return hit;
    const entry = { etag, body: await gzipAsync(await readFile(file)) };
    cache.set(file, entry);
    return entry;
  }

  return async function serveStatic(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<boolean> {
    const wanted = path === '/' ? '/index.html' : (STATIC_ALIASES[path] ?? path);
    const relative = normalize(wanted).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, relative);
    if (!file.startsWith(dir)) return false;
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return false;
    const type = mime[extname(file)];
    const etag = `W/"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
    const headers = {
      'content-type': type ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      etag,
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    if (type !== undefined && info.size <= MAX_GZIP_BYTES && acceptsGzip(req)) {
      const { body } = await gzipped(file, etag);
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': info.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}
