import type { LifecycleEventSource } from './platform-sources.js';

type DockerModule = typeof import('@arcbox/perf-docker');

/**
 * An engine's `/events` as lifecycle events of its containers (reconnecting, bounded);
 * `touched` hears each container an event names (its inspect is then read again).
 */
export function engineEventSource(
  docker: DockerModule,
  socketPath: string,
  touched?: (id: string) => void,
): LifecycleEventSource {
  return ({ signal, publish }) =>
    docker.watchEngineEvents({
      socketPath,
      signal,
      onEvent: (e) => {
        touched?.(e.id);
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
        });
      },
    });
}
