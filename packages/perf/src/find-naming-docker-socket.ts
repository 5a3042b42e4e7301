import { existsSync } from 'node:fs';

/** The parts of @arcbox/perf-docker this needs, so importing this file loads nothing. */
interface DockerSocketLookup {
  resolveDockerSocket(socketPath?: string, env?: NodeJS.ProcessEnv): string;
}

/**
 * The Docker-compatible engine socket that names Linux cgroup containers, or undefined when
 * there is none: an explicit path, else DOCKER_HOST (unix://), else the first of the usual
 * places. Names are an extra on top of cgroupfs, so a socket that is not there, or a DOCKER_HOST
 * that is no unix socket (tcp://, only unix sockets are read), means no client rather than an
 * error: the names then come from the runtime state or the short id.
 */
export function findNamingDockerSocket(
  docker: DockerSocketLookup,
  options: { socketPath?: string; env?: NodeJS.ProcessEnv } = {},
): string | undefined {
  try {
    const socket = docker.resolveDockerSocket(options.socketPath, options.env ?? process.env);
    return existsSync(socket) ? socket : undefined;
  } catch {
    return undefined;
  }
}
