import { existsSync } from 'node:fs';
import type { SourcesConfig } from '../config/sources-config.js';

type Docker = typeof import('@arcbox/perf-docker');

/**
 * The Docker-compatible engine a Mac's containers come from: the configured socket, else
 * DOCKER_HOST, else the first of the usual places that exists; null when there is none (no
 * engine socket is no containers on this Mac, not an error).
 */
export function darwinEngineClient(
  docker: Docker,
  config: SourcesConfig,
  env: NodeJS.ProcessEnv,
): ReturnType<Docker['createDockerClient']> | null {
  const socket =
    config.docker.socket ??
    (env.DOCKER_HOST ? undefined : docker.dockerSocketCandidates().find((p) => existsSync(p)));
  if (socket === undefined && !env.DOCKER_HOST) return null;
  return docker.createDockerClient({
    ...(socket === undefined ? {} : { socketPath: socket }),
    timeoutMs: config.docker.timeoutMs,
    env,
  });
}
