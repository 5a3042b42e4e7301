import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Whether the request carries the agent's bearer token: in `Authorization: Bearer ...` (the
 * scheme in any case, RFC 9110), or as `?token=` for what a browser cannot add a header to
 * (EventSource, the dashboard's first load). Compared in constant time over digests, so neither
 * the token nor its length leaks.
 */
export function isAuthorized(request: IncomingMessage, url: URL, token: string | null): boolean {
  if (token === null) return true;
  const header = request.headers.authorization;
  const bearer = header === undefined ? null : /^bearer +(\S+)$/i.exec(header.trim());
  const given = bearer ? bearer[1]! : url.searchParams.get('token');
  if (!given) return false;
  return timingSafeEqual(digest(given), digest(token));
}
