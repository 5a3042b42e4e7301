import { PerfError } from '@arcbox/perf-core';

/** Where Docker listens when DOCKER_HOST is unset. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * The unix socket to talk to: an explicit path wins, then DOCKER_HOST (`unix:///path`), then
 * /var/run/docker.sock. A DOCKER_HOST that is not a unix socket (tcp://, ssh://) is a
 * CONFIG_ERROR rather than a silent fallback to a different engine.
 */
export function resolveDockerSocket(
  socketPath?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (socketPath) return socketPath;
  const host = env.DOCKER_HOST?.trim();
  if (!host) return DEFAULT_DOCKER_SOCKET;
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new PerfError(
    'CONFIG_ERROR',
    `DOCKER_HOST=${host} is not a unix socket; only unix:// is supported`,
    {
      field: 'DOCKER_HOST',
    },
  );
}
