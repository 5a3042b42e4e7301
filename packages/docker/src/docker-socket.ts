import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';

/** Where Docker listens when DOCKER_HOST is unset. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * Where the common engines put their socket when DOCKER_HOST is unset, in the order tried:
 * Docker (Linux, and Docker Desktop's /var/run symlink), Docker Desktop's per-user socket,
 * OrbStack, Colima, rootful and rootless Podman.
 */
export function dockerSocketCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME;
  const out = [DEFAULT_DOCKER_SOCKET];
  if (home) {
    out.push(
      join(home, '.docker/run/docker.sock'),
      join(home, '.orbstack/run/docker.sock'),
      join(home, '.colima/default/docker.sock'),
    );
  }
  out.push('/run/podman/podman.sock');
  if (env.XDG_RUNTIME_DIR) out.push(join(env.XDG_RUNTIME_DIR, 'podman/podman.sock'));
  return out;
}

/**
 * The unix socket to talk to: an explicit path wins, then DOCKER_HOST (`unix:///path`), then
 * the first candidate that exists (dockerSocketCandidates), else /var/run/docker.sock. A
 * DOCKER_HOST that is not a unix socket (tcp://, ssh://) is a CONFIG_ERROR rather than a silent
 * fallback to a different engine.
 */
export function resolveDockerSocket(
  socketPath?: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  if (socketPath) return socketPath;
  const host = env.DOCKER_HOST?.trim();
  if (!host) return dockerSocketCandidates(env).find((p) => exists(p)) ?? DEFAULT_DOCKER_SOCKET;
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
