import type { LifecycleEventSource } from './platform-sources.js';

type DockerModule = typeof import('@arcbox/perf-docker');

/** An engine's `/events` as lifecycle events of its containers (reconnecting, bounded). */
export function engineEventSource(docker: DockerModule, socketPath: string): LifecycleEventSource {
  return ({ signal, publish }) =>
    docker.watchEngineEvents({
      socketPath,
      signal,
      onEvent: (e) =>
        publish({
          time: e.time,
          type: e.type,
          kind: 'container',
          id: e.id,
          name: e.name,
          source: 'engine',
          count: 1,
          memoryLimit: null,
          exitCode: e.exitCode,
        }),
    });
}
