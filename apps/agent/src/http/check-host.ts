import { isLoopbackHost } from '../config/listen-address.js';

/** The host part of a Host header: `[::1]:9464` -> `::1`, `Localhost:80` -> `localhost`. */
function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/**
 * Whether a request's `Host:` may be served by an agent bound to loopback without a token. A web
 * page can point its own name at 127.0.0.1 (DNS rebinding) and then read the API from the
 * browser: such a request names the page's host, not this machine's loopback. Only loopback
 * names and addresses, and the host the agent was told to listen on, are accepted. A request
 * without a Host header (HTTP/1.0, not a browser) is served.
 */
export function isAllowedHost(header: string | undefined, listenHost: string): boolean {
  if (header === undefined) return true;
  const host = hostOf(header);
  return isLoopbackHost(host) || host === listenHost.toLowerCase();
}
